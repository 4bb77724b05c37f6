#!/usr/bin/env bash
# Runs one libFuzzer target (the command of its CTest, label fuzz):
#   run_fuzzer.sh NAME BINARY SECONDS WORKDIR SEEDS [libFuzzer flags...]
# $KIRA_FUZZ_SECONDS, when set, overrides SECONDS (scripts/fuzz.sh runs longer that way). New
# inputs go to WORKDIR/corpus (the committed SEEDS are only read), crashes to WORKDIR/artifacts/.
# The full libFuzzer log is WORKDIR/last-run.log; one summary line per run is appended to
# WORKDIR/history.txt and printed. Exit status: libFuzzer's (non-zero on a crash, leak, timeout
# or out-of-memory input).
set -uo pipefail
name=$1 bin=$2 secs=${KIRA_FUZZ_SECONDS:-$3} work=$4 seeds=$5
shift 5
mkdir -p "$work/corpus" "$work/artifacts"
log="$work/last-run.log"
start=$(date +%s)
"$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$seeds" >"$log" 2>&1
rc=$?
took=$(($(date +%s) - start))
execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
corpus=$(find "$work/corpus" -type f | wc -l)
line="$(date -u +%FT%TZ) $name: ${execs:-?} executions in ${took} s, scratch corpus $corpus inputs, exit $rc"
echo "$line" >>"$work/history.txt"
echo "$line"
if [ $rc != 0 ]; then
  tail -n 60 "$log"
  echo "fuzz: $name failed; the input is in $work/artifacts/ (add it to $seeds as crash-<what>"
  echo "      and write a unit test with it)"
fi
exit $rc
