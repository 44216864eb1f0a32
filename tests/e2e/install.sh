#!/usr/bin/env bash
# Issue 7: 'cmake --install' into a temporary prefix lays out the program, its
# man pages, the completions and the Star catalogue; 'man -M' finds the pages;
# 'cpack -G DEB' builds a .deb with all of it and Debian runtime Depends.
. "$(dirname "$0")/lib.sh"
SOURCE_DIR=${CASELOAD_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# The build tree is where the binary is (CMake puts it at the top).
BUILD_DIR=${CASELOAD_BUILD_DIR:-$(cd "$(dirname "$CASELOAD_BIN")" && pwd)}
PREFIX=$SCRATCH/prefix

t "the build tree"
if [ -f "$BUILD_DIR/CMakeCache.txt" ] && [ -f "$BUILD_DIR/cmake_install.cmake" ]; then pass; else
    fail "no CMake build tree at $BUILD_DIR (set CASELOAD_BUILD_DIR)"
    finish
fi

t "cmake --install into a temporary prefix"
run_cmd() {
    "$@" >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
    status=$?
    out=$(cat "$SCRATCH/stdout")
    err=$(cat "$SCRATCH/stderr")
}
run_cmd cmake --install "$BUILD_DIR" --prefix "$PREFIX"
expect_status 0

t "the layout"
expected=(
    bin/caseload
    share/man/man1/caseload.1
    share/bash-completion/completions/caseload
    share/zsh/site-functions/_caseload
    share/fish/vendor_completions.d/caseload.fish
)
for page in "$SOURCE_DIR"/man/*.1; do expected+=("share/man/man1/$(basename "$page")"); done
for star in "$SOURCE_DIR"/data/stars/*.star; do expected+=("share/caseload/stars/$(basename "$star")"); done
for example in "$SOURCE_DIR"/examples/*; do expected+=("share/caseload/examples/$(basename "$example")"); done
for group in su id staff service star options words report log db init org; do
    expected+=("share/man/man1/caseload-$group.1")
done
for f in "${expected[@]}"; do
    if [ -f "$PREFIX/$f" ]; then pass; else fail "missing $f"; fi
done
if [ -x "$PREFIX/bin/caseload" ]; then pass; else fail "bin/caseload is not executable"; fi
for script in "$PREFIX"/share/caseload/examples/*.sh; do
    if [ -x "$script" ]; then pass; else fail "${script#"$PREFIX"/} is not executable"; fi
done
stars=$(ls "$PREFIX/share/caseload/stars" | wc -l)
if [ "$stars" -ge 4 ]; then pass; else fail "only $stars Star files installed"; fi
# Nothing stray: every installed file is one of the expected ones.
stray=$(cd "$PREFIX" && find . -type f | sed 's|^\./||' | sort | while read -r f; do
    printf '%s\n' "${expected[@]}" | grep -qx -- "$f" || echo "$f"
done)
expect_eq "$stray" "" "(files installed that the layout does not name)"
cmp -s "$PREFIX/share/bash-completion/completions/caseload" "$SOURCE_DIR/completions/caseload.bash" && pass ||
    fail "the installed bash completion differs from completions/caseload.bash"

t "the installed program runs"
run_cmd "$PREFIX/bin/caseload" --version
expect_status 0
expect_out_has "caseload "
run_cmd "$PREFIX/bin/caseload" options gender --format csv
expect_out_has "female"

t "man -M PREFIX/share/man finds the pages"
run_cmd man -M "$PREFIX/share/man" -w caseload
expect_status 0
expect_eq "$out" "$PREFIX/share/man/man1/caseload.1"
run_cmd man -M "$PREFIX/share/man" -w caseload-su
expect_eq "$out" "$PREFIX/share/man/man1/caseload-su.1"
MANWIDTH=80 MANPAGER=cat PAGER=cat run_cmd man -M "$PREFIX/share/man" caseload
expect_status 0
expect_out_has "EXIT STATUS"
MANWIDTH=80 MANPAGER=cat PAGER=cat run_cmd man -M "$PREFIX/share/man" 1 caseload-report
expect_out_has "suppress-below"

t "the installed completions load from their directories"
got=$(bash --norc --noprofile -c '
    source /usr/share/bash-completion/bash_completion
    XDG_DATA_DIRS=$1/share BASH_COMPLETION_USER_DIR=/nonexistent
    __load_completion caseload && complete -p caseload' bash "$PREFIX" 2>&1)
expect_eq "$got" "complete -F _caseload caseload"
got=$(zsh -f -c "fpath=('$PREFIX/share/zsh/site-functions' \$fpath); autoload -Uz compinit; compinit -u -D; print -r -- \${_comps[caseload]}" 2>&1)
expect_eq "$got" "_caseload"
# (fish's own config.fish builds its completion path from XDG_DATA_DIRS; the
# user's config is that of the scratch HOME; fish loads completions of
# commands it finds on PATH.)
got=$(XDG_DATA_DIRS=$PREFIX/share PATH=$PREFIX/bin:$PATH fish -c 'complete -C "caseload su a"' 2>&1 | cut -f1 | tr '\n' ' ')
expect_eq "$got" "add allocate " "(fish finds vendor_completions.d under XDG_DATA_DIRS)"

t "cpack -G DEB"
if ! command -v dpkg-deb >/dev/null; then
    fail "dpkg-deb is missing"
    finish
fi
PKG=$SCRATCH/package
mkdir -p "$PKG"
run_cmd cpack -G DEB -B "$PKG" --config "$BUILD_DIR/CPackConfig.cmake"
expect_status 0
deb=$(ls "$PKG"/*.deb 2>/dev/null | head -1)
if [ -n "$deb" ]; then pass; else fail "no .deb in $PKG"; finish; fi
expect_eq "$(dpkg-deb -f "$deb" Package)" "caseload"
contents=$(dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./||')
debian_layout=(
    usr/bin/caseload
    usr/share/bash-completion/completions/caseload
    usr/share/zsh/vendor-completions/_caseload
    usr/share/fish/vendor_completions.d/caseload.fish
)
for f in "${expected[@]}"; do
    case $f in
        bin/* | share/man/* | share/caseload/*) debian_layout+=("usr/$f") ;;
    esac
done
for f in "${debian_layout[@]}"; do
    if printf '%s\n' "$contents" | grep -qx -- "$f"; then pass; else fail "the .deb lacks /$f"; fi
done
# The packaged (stripped) program runs.
dpkg-deb -x "$deb" "$SCRATCH/unpacked"
run_cmd "$SCRATCH/unpacked/usr/bin/caseload" options gender --format csv
expect_status 0
expect_out_has "prefer-not-to-say"
# Debian's zsh reads vendor-completions, not /usr/share/zsh/site-functions.
if zsh -f -c 'print -l $fpath' | grep -qx /usr/share/zsh/vendor-completions; then pass; else
    fail "zsh here does not read /usr/share/zsh/vendor-completions"
fi

t "the .deb depends on Debian runtime packages, and on all the program needs"
depends=$(dpkg-deb -f "$deb" Depends)
if [ -n "$depends" ]; then pass; else fail "the .deb has no Depends"; fi
packages=$(printf '%s' "$depends" | tr ',|' '\n\n' | sed 's/(.*)//; s/ //g' | grep -v '^$')
for p in $packages; do
    if apt-cache show "$p" >/dev/null 2>&1 || dpkg-query -W "$p" >/dev/null 2>&1; then pass; else
        fail "Depends names '$p', which is not a Debian package"
    fi
done
# Every shared library the program loads comes from a package it depends on.
for lib in $(objdump -p "$PREFIX/bin/caseload" | awk '/NEEDED/ { print $2 }'); do
    path=$(ldconfig -p | awk -v l="$lib" '$1 == l { print $NF; exit }')
    owner=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1)
    [ -z "$owner" ] && owner=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1)
    if printf '%s\n' $packages | grep -qx -- "$owner"; then pass; else
        fail "$lib comes from '$owner', which Depends ($depends) does not name"
    fi
done
arch=$(dpkg-deb -f "$deb" Architecture)
expect_eq "$arch" "$(dpkg --print-architecture)"

finish
