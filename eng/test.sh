#!/usr/bin/env bash
# THE test command (README: `bash eng/test.sh`; CI: .ci/run calls it).
#
# Starts Azurite and Redis (eng/services.sh), builds Functions.sln in Release (warnings are errors), runs every
# test project, stops the services on exit, and ends with one line `N passed, N failed, N skipped` summed over
# the projects' .trx files. Exit code: the tests' (non-zero when a build or a test fails).
# Extra arguments go to `dotnet test`, e.g. `bash eng/test.sh --filter "FullyQualifiedName~Infra"`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RESULTS="$ROOT/.artifacts/test-results"
CONFIGURATION=Release

say() { printf '[test] %s\n' "$*"; }

command -v dotnet >/dev/null 2>&1 || { echo "[test] ERROR: dotnet is not on PATH; install the .NET SDK named in global.json." >&2; exit 1; }

# What the tests write to the temp folder (ledgers, router artefacts, `frugal` outputs, the SDK's own files) goes
# into one folder of this run, removed on exit, so repeated runs leave nothing behind in /tmp.
TEST_TMP="$(mktemp -d "${TMPDIR:-/tmp}/frugal-test.XXXXXX")"
cleanup() {
  bash "$ROOT/eng/services.sh" stop || true
  rm -rf "$TEST_TMP"
}
trap cleanup EXIT
bash "$ROOT/eng/services.sh" start

export FRUGAL_TEST_AZURITE="UseDevelopmentStorage=true"
export FRUGAL_TEST_REDIS="127.0.0.1:6379"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say "dotnet build Functions.sln -c $CONFIGURATION"
# The test project restores the Bicep CLI package (PackageDownload), so InfraTests never skips here.
dotnet build Functions.sln -c "$CONFIGURATION" -nologo -clp:ErrorsOnly

rm -rf "$RESULTS"
mkdir -p "$RESULTS"
say "dotnet test Functions.sln -c $CONFIGURATION --no-build"
set +e
# No MSBuild nodes are left running: they would outlive the temp folder they were started with.
TMPDIR="$TEST_TMP" MSBUILDDISABLENODEREUSE=1 dotnet test Functions.sln -c "$CONFIGURATION" --no-build -nologo \
  --results-directory "$RESULTS" \
  --logger "trx" \
  --logger "console;verbosity=normal" \
  "$@"
status=$?
set -e

# Sum the <Counters .../> element of every .trx (one per test project; the default trx names never collide).
# A skipped xunit test is counted in "total" but not in "executed".
shopt -s nullglob
trx_files=("$RESULTS"/*.trx)
if (( ${#trx_files[@]} == 0 )); then
  say "no .trx file was written; did any test project run?"
  echo "0 passed, 0 failed, 0 skipped"
  (( status != 0 )) || status=1
  exit "$status"
fi
counter() {
  grep -ho "<Counters [^>]*>" "${trx_files[@]}" \
    | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' | awk '{ s += $1 } END { print s + 0 }'
}
passed="$(counter passed)"
failed=$(( $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted) ))
skipped=$(( $(counter total) - $(counter executed) ))
say "${#trx_files[@]} test project(s); results in ${RESULTS#"$ROOT"/}"
# Name each failed test and the first lines of its message again here, so the end of the log says what failed
# without the .trx files (a CI log is often cut to its last lines).
awk '
  /<UnitTestResult / && /outcome="(Failed|Error|Timeout|Aborted)"/ {
    match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); failing = 1; lines = 0
    print "[test] FAILED " name; next
  }
  failing && /<Message>/ { inmsg = 1; sub(/.*<Message>/, "") }
  failing && inmsg {
    done = sub(/<\/Message>.*/, "")
    if (lines < 6) { print "[test]   " $0; lines++ }
    if (done) { inmsg = 0; failing = 0 }
  }
' "${trx_files[@]}" | sed -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
echo "$passed passed, $failed failed, $skipped skipped"
if (( status == 0 && failed > 0 )); then status=1; fi
exit "$status"
