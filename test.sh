#!/usr/bin/env bash
# Runs every test project. Installs what they need when missing (PostgreSQL and Chromium from Debian, the pinned
# Azurite); the tests start their own Azurite and PostgreSQL on free loopback ports per test run and stop them at the
# end. Ends with: tests: N passed, N failed
set -uo pipefail
cd "$(dirname "$0")"
source infra/local/azurite.sh
source infra/local/debian.sh
debian_packages_install # the tests that need a missing one fail and name it
azurite_install || exit 1
bash infra/build.sh || exit 1
dotnet build Jazari.Marketplace.sln -c Release --nologo -v quiet -clp:ErrorsOnly || { echo "tests: 0 passed, 1 failed"; exit 1; }

log=$(mktemp)
# The errors each test host logged (a 500's exception...), printed below when a test failed.
export JAZARI_TEST_LOGS=$(mktemp -d)
projects=(tests/*.Tests)
# One project after the other: the grain tests take under a minute alone, but beside the page tests (two cores
# shared by browsers, hosts and Azurites) they took fifteen and slowed the page tests by five.
status=0
for project in "${projects[@]}"; do
  # A test that runs 10 minutes ends the project's run, which then names it; a run past 25 minutes (a wait outside any
  # test) is stopped too: either is reported, instead of holding CI until it is killed with nothing said.
  dotnet test "$project" -c Release --no-build --nologo --blame-hang --blame-hang-timeout 10m --blame-hang-dump-type none \
    -- RunConfiguration.TestSessionTimeout=1500000 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done

summaries=$(grep -E '^(Passed|Failed)!' "$log")
passed=$(echo "$summaries" | sed -nE 's/.*Passed: *([0-9]+).*/\1/p' | awk '{s+=$1} END {print s+0}')
failed=$(echo "$summaries" | sed -nE 's/.*Failed: *([0-9]+).*/\1/p' | awk '{s+=$1} END {print s+0}')
passed=${passed:-0}
failed=${failed:-0}
if [ "$(echo "$summaries" | grep -c .)" -ne "${#projects[@]}" ]; then
  echo "Only $(echo "$summaries" | grep -c .) of ${#projects[@]} test projects reported a result." >&2
  [ "$failed" -eq 0 ] && failed=1
fi
if [ "$failed" -ne 0 ]; then
  if [ -s "$JAZARI_TEST_LOGS/host-errors.log" ]; then
    echo "--- the last errors the test hosts logged (times in UTC) ---"
    tail -n 150 "$JAZARI_TEST_LOGS/host-errors.log"
  fi
  # Last, so that a report that keeps only the end of the output still names what failed and why.
  failures=$(awk '/^  Failed [^ ]/ { name = $0; sub(/^  Failed /, "", name); sub(/ \[[^]]*\]$/, "", name); wanted = 1; next }
    wanted && /^  Error Message:/ { getline; sub(/^ +/, ""); print name "\t" substr($0, 1, 200); wanted = 0 }' "$log")
  hung=$(grep -A 12 -E "inactivity time|were running" "$log" | grep -E "inactivity|running|Jazari" | head -n 12)
  if [ -n "$hung" ]; then
    echo "--- a test hung: the run was stopped ---"
    echo "$hung"
  fi
  if [ -n "$failures" ]; then
    echo "--- failed tests: the first 20, then each message's count ---"
    echo "$failures" | head -n 20 | sed 's/\t/ :: /'
    echo "$failures" | cut -f2- | sort | uniq -c | sort -rn | head -n 5
  fi
fi
rm -f "$log"
rm -rf "$JAZARI_TEST_LOGS"
echo "tests: $passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
