#!/usr/bin/env bash
# Starts N marketplace hosts on 127.0.0.1 that form one Orleans cluster (Azure Table clustering) on one
# Azurite, each with its own HTTP, silo and gateway ports and data folder. Ctrl-C stops them all.
#   infra/local/cluster.sh 3        # hosts on http://127.0.0.1:5201, :5202, :5203
# Kill one (kill -9 <pid>, printed below) to watch the others take over its grains.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/local/azurite.sh
count="${1:-3}"
root="${JAZARI_DATA_DIR:-$PWD/.data}/cluster"
mkdir -p "$root"
[ -f "$root/admin-token" ] || head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$root/admin-token"
export JAZARI_ADMIN_TOKEN="$(cat "$root/admin-token")"

pids=()
stop() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done; done
  azurite_stop
}
trap stop EXIT
trap 'exit 130' INT TERM

azurite_start "$root/azurite" 10100
export ConnectionStrings__storage="$(azurite_connection_string 10100)"
dotnet build src/Jazari.Marketplace.Web -c Release --nologo -v quiet -clp:ErrorsOnly
for i in $(seq 1 "$count"); do
  mkdir -p "$root/host-$i"
  JAZARI_DATA_DIR="$root/host-$i" Silo__Clustering=AzureTable Silo__ClusterId=local-cluster \
    Silo__SiloPort=$((11110 + i)) Silo__GatewayPort=$((30000 + i)) Silo__AdvertisedIP=127.0.0.1 \
    dotnet src/Jazari.Marketplace.Web/bin/Release/net10.0/Jazari.Marketplace.Web.dll --urls "http://127.0.0.1:$((5200 + i))" \
    >"$root/host-$i/host.log" 2>&1 &
  pids+=($!)
  echo "host $i: http://127.0.0.1:$((5200 + i)) (pid $!, log $root/host-$i/host.log)"
done
echo "admin token: $root/admin-token"
wait
