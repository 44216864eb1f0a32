#!/usr/bin/env bash
# One-step set-up for a fresh Debian 12 machine (as root): installs what is
# missing, builds caseload, then either runs the demo or the whole test suite.
#   tools/setup.sh demo   build, then run examples/quickstart.sh on a demo register
#   tools/setup.sh test   build, then run every test through ctest
#   tools/setup.sh build  build only
#   tools/setup.sh sanitize  build with ASan+UBSan (clang) in build-asan, run ctest -LE slow
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
    # build
    cmake make g++ pkg-config
    libcli11-dev libsqlitecpp-dev libsqlite3-dev libfmt-dev doctest-dev nlohmann-json3-dev
    # tests: the sqlite3 shell, python3 for JSON checks, shells for completions, groff/man for pages
    sqlite3 python3 bash-completion zsh fish groff man-db procps
    # the differencing test of report suppression (tests/e2e/disclosure.py:
    # numpy for the figures, scipy's milp), run by Debian's /usr/bin/python3
    python3-numpy python3-scipy
    # fuzzing and sanitizers (tests/fuzz/run), benchmarks (bench/)
    clang libclang-rt-14-dev hyperfine time
    # the report page is rendered in a real browser (tests/e2e/report_page.sh)
    chromium
)

install_missing() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "setup: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

build() {
    local dir=$1
    shift
    # -g1 (line tables, enough for perf and backtraces): a fifth less compile
    # time than -g; a developer's own cmake keeps CMake's -O2 -g.
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" "$@" >/dev/null
    cmake --build "$dir" -j"$(nproc)"
}

mode=${1:-test}
install_missing
case "$mode" in
    build) build build ;;
    demo)
        build build
        export PATH="$PWD/build:$PATH"
        rm -rf demo && mkdir -p demo
        CASELOAD_DB="$PWD/demo/caseload.db" bash examples/quickstart.sh
        ;;
    test)
        build build
        # chromium is installed above: the report page's browser test must run.
        export CASELOAD_REQUIRE_CHROMIUM=1
        (cd build && ctest --output-on-failure -j"$(nproc)")
        ;;
    sanitize)
        # clang at -O1 -g1: its ASan+UBSan build takes a fraction of GCC's at
        # -O2 -g (one CLI file: 39 s of CPU against 232 s), and a second
        # compiler's warnings come with it.
        build build-asan -DCASELOAD_SANITIZE=ON -DCMAKE_CXX_COMPILER=clang++ \
            -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1"
        export CASELOAD_REQUIRE_CHROMIUM=1
        (cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$(nproc)" -LE slow)
        ;;
    *)
        echo "usage: tools/setup.sh demo|test|build|sanitize" >&2
        exit 2
        ;;
esac
