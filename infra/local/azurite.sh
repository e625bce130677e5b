#!/usr/bin/env bash
# Azurite, the Azure Storage emulator, pinned in infra/local/package.json.
#   source infra/local/azurite.sh
#   azurite_start <data-dir> <blob-port>   # queue and table use the next two ports; sets AZURITE_PID
#   azurite_connection_string <blob-port>
#   azurite_stop
AZURITE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
AZURITE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

azurite_install() {
  [ -x "$AZURITE_DIR/node_modules/.bin/azurite" ] && return 0
  echo "Installing the pinned Azurite (once)..." >&2
  npm ci --prefix "$AZURITE_DIR" --no-audit --no-fund --loglevel=error >&2
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

azurite_start() {
  local data="$1" blob="$2"
  azurite_install
  mkdir -p "$data"
  "$AZURITE_DIR/node_modules/.bin/azurite" --silent --skipApiVersionCheck --loose --disableTelemetry --location "$data" \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort $((blob + 1)) \
    --tableHost 127.0.0.1 --tablePort $((blob + 2)) >"$data/azurite.log" 2>&1 &
  AZURITE_PID=$!
  for _ in $(seq 1 100); do
    port_open $((blob + 2)) && port_open "$blob" && return 0
    kill -0 "$AZURITE_PID" 2>/dev/null || { cat "$data/azurite.log" >&2; return 1; }
    sleep 0.2
  done
  echo "Azurite did not start; see $data/azurite.log" >&2
  return 1
}

azurite_connection_string() {
  local blob="$1"
  echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$((blob + 1))/devstoreaccount1;TableEndpoint=http://127.0.0.1:$((blob + 2))/devstoreaccount1;"
}

azurite_stop() {
  [ -n "${AZURITE_PID:-}" ] || return 0
  kill "$AZURITE_PID" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$AZURITE_PID" 2>/dev/null || break; sleep 0.1; done
  AZURITE_PID=""
}
