#!/usr/bin/env bash
# run.sh: every test (npm test): builds first (quick when nothing changed), then
#   1. the C unit tests, natively under AddressSanitizer and UBSan (tests/.build/test_*),
#   2. Vitest in Node: the JS, the wasm core, learning on real MNIST, the runner, end-to-end,
#   3. Vitest in headless Chromium: the components (*.browser.test.js), when there are any,
#   4. the libFuzzer harnesses of tests/fuzz/ for a bounded time each (FUZZ_SCALE=2 doubles it).
# Ends with one line "tests: N passed, M failed" (C checks plus Vitest tests) and exits non-zero
# when anything failed. `tests/run.sh c|node|browser|fuzz` runs only that part.
set -uo pipefail
cd "$(dirname "$0")/.."

PART=${1:-all}
./build.sh || { echo "tests: 0 passed, 1 failed (build.sh failed)"; exit 1; }

passed=0
failed=0
REPORTS=tests/.build/reports
mkdir -p "$REPORTS"

if [[ $PART == all || $PART == c ]]; then
  shopt -s nullglob
  for t in tests/.build/test_*; do
    [[ -x $t ]] || continue
    echo "== $t"
    out=$("$t" 2>&1)
    code=$?
    printf '%s\n' "$out"
    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' <<<"$out" | tail -1)
    p=0 f=0
    if [[ -n $summary ]]; then
      read -r p _ f _ <<<"${summary//,/}"
    fi
    # A crash or a sanitizer report exits non-zero without counting a failure: count one.
    if [[ $code -ne 0 && $f -eq 0 ]]; then f=1; echo "$t exited with code $code"; fi
    passed=$((passed + p))
    failed=$((failed + f))
  done
fi

# vitest_part NAME CONFIG: runs one Vitest config and adds its counts.
vitest_part() {
  local report=$REPORTS/vitest-$1.json
  rm -f "$report"
  echo "== vitest ($1)"
  npx --no-install vitest run --config "$2" --reporter=default --reporter=json --outputFile.json="$report"
  local code=$?
  if [[ -f $report ]]; then
    read -r p f < <(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(r.numPassedTests, r.numFailedTests + (r.success || r.numFailedTests ? 0 : 1))' "$report")
  else
    p=0 f=1
  fi
  [[ $code -ne 0 && $f -eq 0 ]] && f=1
  passed=$((passed + p))
  failed=$((failed + f))
}

if [[ $PART == all || $PART == node ]]; then
  vitest_part node web/vitest.config.js
fi
if [[ $PART == all || $PART == browser ]]; then
  if [[ -f web/vitest.browser.config.js ]] && [[ -n $(find tests/web -name '*.browser.test.js' -print -quit) ]]; then
    vitest_part browser web/vitest.browser.config.js
  fi
fi

# fuzz_part NAME SECONDS: runs tests/.build/fuzz/fuzz_NAME from its committed seeds (plus what
# earlier runs found, kept in tests/.build/fuzz/work-NAME) and counts a pass when nothing crashed.
fuzz_part() {
  local bin=tests/.build/fuzz/fuzz_$1 seconds=$2
  [[ -x $bin ]] || return 0
  local work=tests/.build/fuzz/work-$1 log=$REPORTS/fuzz-$1.log
  mkdir -p "$work"
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix=tests/.build/fuzz/crash-"$1"- "$work" "tests/fuzz/corpus/$1" >"$log" 2>&1
  local code=$?
  local runs
  runs=$(grep -Eo 'stat::number_of_executed_units: [0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1)
  if [[ $code -eq 0 ]]; then
    echo "fuzz_$1: ${runs:-?} executions in ${seconds} s, no crash"
    passed=$((passed + 1))
  else
    echo "fuzz_$1: CRASHED after ${runs:-?} executions (exit $code); the input is in tests/.build/fuzz/crash-$1-*:"
    grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$log" | head -8
    failed=$((failed + 1))
  fi
}

if [[ $PART == all || $PART == fuzz ]]; then
  echo "== libFuzzer (tests/fuzz)"
  scale=${FUZZ_SCALE:-1}
  fuzz_part idx $((15 * scale))
  fuzz_part histogram $((20 * scale))
  fuzz_part synth $((20 * scale))
  fuzz_part net $((45 * scale))
fi

echo "tests: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
