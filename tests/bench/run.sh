#!/usr/bin/env bash
# run.sh: builds the benchmarks with emcc (-O3 -msimd128, as the page's core is built) and runs
# them under node; --native builds them with gcc -O2 instead (the scalar f32x4 path).
#
#   bash tests/bench/run.sh            gemm_bench, then train_bench on MNIST
#   bash tests/bench/run.sh gemm       one of them (gemm | train), extra arguments passed on
#   bash tests/bench/run.sh --native   the same natively
#   bash tests/bench/run.sh tests      the C unit tests built to wasm and run under node: the SIMD
#                                      path must agree with the references bit for bit, as the
#                                      native (scalar) build already checks
#   bash tests/bench/run.sh gemm-wasm  only builds gemm_bench as a standalone wasm module without JS
#                                      glue (tests/.build/bench/gemm_bench.wasm, its imports a few
#                                      WASI calls) and prints its path: `npm run bench` runs it in
#                                      Node and in a Chromium worker (web/bench/gemm.js)
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/../.."

NATIVE=0
if [[ ${1:-} == --native ]]; then NATIVE=1; shift; fi
WHICH=${1:-all}
[[ $# -gt 0 ]] && shift

case $WHICH in
  all | gemm | train | tests | gemm-wasm) ;;
  *) echo "usage: bash tests/bench/run.sh [--native] [all | gemm | train | tests | gemm-wasm] [arguments]" >&2; exit 2 ;;
esac

OUT=tests/.build/bench
mkdir -p "$OUT"
CORE=(c/*.c)

build() { # build NAME [SOURCE]: compiles the source (tests/bench/NAME.c) with the core, prints the command to run it
  local name=$1 src=${2:-tests/bench/$1.c}
  if [[ $NATIVE -eq 1 ]]; then
    gcc -std=c11 -O2 -ffp-contract=off -Wall -Wextra -Ic "$src" "${CORE[@]}" -lm -o "$OUT/$name"
    echo "$OUT/$name"
  else
    # NODERAWFS: fopen reads the real files (MNIST); synchronous compilation because this
    # emcc's loader would otherwise try node's fetch() on a file path.
    NODE_PATH=${NODE_PATH:-/usr/share/nodejs} emcc -O3 -msimd128 -std=c11 -ffp-contract=off -Wall -Wextra -Ic \
      "$src" "${CORE[@]}" -sALLOW_MEMORY_GROWTH=1 -sNODERAWFS=1 -sWASM_ASYNC_COMPILATION=0 \
      -o "$OUT/$name.cjs"
    echo "node $OUT/$name.cjs"
  fi
}

if [[ $WHICH == gemm-wasm ]]; then
  # Standalone: the module imports only clock_time_get, fd_write, args_*, proc_exit and the
  # memory-growth notice, which web/bench/gemm.js provides in Node and in a browser alike.
  NODE_PATH=${NODE_PATH:-/usr/share/nodejs} emcc -O3 -msimd128 -std=c11 -ffp-contract=off -Wall -Wextra -Ic \
    tests/bench/gemm_bench.c "${CORE[@]}" -sSTANDALONE_WASM -sALLOW_MEMORY_GROWTH=1 \
    -o "$OUT/gemm_bench.tmp.wasm"
  mv "$OUT/gemm_bench.tmp.wasm" "$OUT/gemm_bench.wasm"
  echo "$OUT/gemm_bench.wasm"
  exit 0
fi
if [[ $WHICH == all || $WHICH == gemm ]]; then
  cmd=$(build gemm_bench)
  $cmd "$@"
fi
if [[ $WHICH == tests ]]; then
  status=0
  for src in tests/c/test_*.c; do
    name=$(basename "$src" .c)
    cmd=$(build "$name" "$src")
    echo "$name ($([[ $NATIVE -eq 1 ]] && echo native || echo wasm)):"
    $cmd | tail -n 1 || status=1
  done
  exit $status
fi
if [[ $WHICH == all || $WHICH == train ]]; then
  cmd=$(build train_bench)
  $cmd "$@"
fi
