#!/usr/bin/env bash
# Starts Jazari Marketplace locally: Azurite (unless ConnectionStrings__storage is set or Azurite already
# answers on 127.0.0.1:10000-10002), then the web host (Orleans silo, API, Hangfire) in one process.
# Arguments go to the host, e.g. ./run.sh --urls http://127.0.0.1:5123
set -euo pipefail
cd "$(dirname "$0")"
source infra/local/azurite.sh

export JAZARI_DATA_DIR="${JAZARI_DATA_DIR:-$PWD/.data}"
export Demo__Enabled="${Demo__Enabled:-true}"
mkdir -p "$JAZARI_DATA_DIR"

trap azurite_stop EXIT
if [ -z "${ConnectionStrings__storage:-}" ]; then
  if ! port_open 10002; then
    azurite_start "$JAZARI_DATA_DIR/azurite" 10000
  fi
  export ConnectionStrings__storage="$(azurite_connection_string 10000)"
fi

dotnet build src/Jazari.Marketplace.Web -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet src/Jazari.Marketplace.Web/bin/Release/net10.0/Jazari.Marketplace.Web.dll "$@" &
host=$!
# Background jobs of a script ignore SIGINT, so Ctrl-C reaches the host as SIGTERM (a graceful stop).
trap 'kill -TERM $host 2>/dev/null' INT TERM
wait $host || true          # returns when the host ends or a signal arrives
wait $host 2>/dev/null || true  # then waits for the graceful stop to finish
