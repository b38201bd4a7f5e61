#!/usr/bin/env bash
# run.sh: every test (npm test): builds first (quick when nothing changed), then
#   1. the C unit tests, natively under AddressSanitizer and UBSan (tests/.build/test_*),
#   2. Vitest in Node: the JS, the wasm core, learning on real MNIST, the runner, end-to-end,
#   3. Vitest in headless Chromium: the components (*.browser.test.js), when there are any.
# Ends with one line "tests: N passed, M failed" (C checks plus Vitest tests) and exits non-zero
# when anything failed. `tests/run.sh c|node|browser` runs only that part.
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

echo "tests: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
