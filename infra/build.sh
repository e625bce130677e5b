#!/usr/bin/env bash
# Compiles and lints the Azure infrastructure (infra/main.bicep and its modules) with the Bicep CLI
# from NuGet (Azure.Bicep.CommandLine.linux-x64, restored through infra/bicep/bicep.csproj).
# Writes infra/out/main.json, which tests/Jazari.Marketplace.Web.Tests reads.
# Fails on any error and on any linter warning. Idempotent; quick once the CLI is restored.
set -euo pipefail

infra_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
bicep_version="0.49.2"
package="azure.bicep.commandline.linux-x64"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "infra/build.sh: the Bicep CLI package pinned here is linux-x64 only" >&2; exit 1 ;;
esac

packages_dir="${NUGET_PACKAGES:-}"
if [[ -z "$packages_dir" ]]; then
  packages_dir="$(dotnet nuget locals global-packages --list --force-english-output | sed -n 's/^global-packages: *//p')"
fi
packages_dir="${packages_dir%/}"
bicep="$packages_dir/$package/$bicep_version/tools/bicep"

if [[ ! -f "$bicep" ]]; then
  echo "infra/build.sh: restoring the Bicep CLI $bicep_version from NuGet"
  dotnet restore "$infra_dir/bicep/bicep.csproj" --nologo --verbosity quiet
fi
if [[ ! -f "$bicep" ]]; then
  echo "infra/build.sh: the Bicep CLI is not at $bicep after restore" >&2
  exit 1
fi
[[ -x "$bicep" ]] || chmod +x "$bicep"

mkdir -p "$infra_dir/out"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

status=0
# `build` reports compile errors and warnings; `lint` the linter rules; both cover the modules.
"$bicep" build "$infra_dir/main.bicep" --outfile "$infra_dir/out/main.json" >"$log" 2>&1 || status=$?
"$bicep" lint "$infra_dir/main.bicep" >>"$log" 2>&1 || status=$?

# The same diagnostic can come from both commands: show each once.
sort -u "$log" | sed '/^$/d'

if grep -qE ' : (Error|Warning) ' "$log"; then
  echo "infra/build.sh: FAILED: $(grep -cE ' : Error ' "$log" || true) error(s), $(grep -cE ' : Warning ' "$log" || true) warning(s) (duplicates counted)" >&2
  exit 1
fi
if [[ $status -ne 0 ]]; then
  echo "infra/build.sh: FAILED: bicep exited with status $status" >&2
  exit 1
fi
echo "infra/build.sh: OK: bicep $bicep_version built infra/out/main.json, no errors, no lint warnings"
