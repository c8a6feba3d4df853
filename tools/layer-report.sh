#!/bin/sh
# How the architecture-neutral core (hv/) and the x86-64 code (arch/x86_64/)
# reach each other: include lines across the line, and the arch symbols hv/
# uses that its contract header hv/arch.h does not declare. Read from the
# sources and from the core's objects (built here first if needed).
#   tools/layer-report.sh [-v]     -v also lists the names behind each count
#   tools/layer-report.sh --check  fails when hv/ reaches x86 past hv/arch.h
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
verbose=${1:-}
CONTRACT_INCLUDE='hv/arch.h:#include "arch/x86_64/arch_types.h"'
make -s -j2 "$BUILD/core.elf" >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Functions and objects the contract declares.
ctags -x --c-kinds=pvfx --language-force=c hv/arch.h | awk '{print $1}' | sort -u > "$tmp/contract"

# Every symbol an arch object defines, and every one an hv object needs.
find "$BUILD/core/arch" -name '*.o' -exec nm --defined-only {} + \
    | awk 'NF == 3 && $2 ~ /[TtDdBbRr]/ {print $3}' | sort -u > "$tmp/arch_defined"
find "$BUILD/core/hv" -name '*.o' -exec nm --undefined-only {} + \
    | awk 'NF == 2 {print $2}' | sort -u > "$tmp/hv_undefined"
comm -12 "$tmp/arch_defined" "$tmp/hv_undefined" > "$tmp/hv_to_arch"
comm -23 "$tmp/hv_to_arch" "$tmp/contract" > "$tmp/outside_linked"

# Inline functions of arch headers leave no symbol: look for their calls.
ctags -x --c-kinds=f --language-force=c $(find arch -name '*.h') | awk '{print $1}' \
    | sort -u > "$tmp/arch_inline"
: > "$tmp/outside_inline"
for name in $(cat "$tmp/arch_inline"); do
    if grep -rqw --include='*.[ch]' "$name" hv/ && ! grep -qx "$name" "$tmp/contract"; then
        echo "$name" >> "$tmp/outside_inline"
    fi
done
sort -u "$tmp/outside_linked" "$tmp/outside_inline" > "$tmp/outside"

# Symbols hv/ defines that arch objects use (the calls the other way).
find "$BUILD/core/hv" -name '*.o' -exec nm --defined-only {} + \
    | awk 'NF == 3 && $2 ~ /[TDBR]/ {print $3}' | sort -u > "$tmp/hv_defined"
find "$BUILD/core/arch" -name '*.o' -exec nm --undefined-only {} + \
    | awk 'NF == 2 {print $2}' | sort -u > "$tmp/arch_undefined"
comm -12 "$tmp/hv_defined" "$tmp/arch_undefined" > "$tmp/arch_to_hv"

count() { wc -l < "$1" | tr -d ' '; }
grep -rn --include='*.[ch]' '#include "arch/' hv/ > "$tmp/hv_includes" || true
sed 's/:[0-9]*:/:/' "$tmp/hv_includes" | grep -vxF "$CONTRACT_INCLUDE" > "$tmp/hv_includes_outside" || true
grep -rn --include='*.[ch]' --include='*.asm' '#include "hv/' arch/ > "$tmp/arch_includes" || true

show() {
    printf '%-58s %s\n' "$1" "$(count "$2")"
    if [ "$verbose" = -v ]; then sed 's/^/    /' "$2"; fi
}
show 'include lines in hv/ naming arch/:' "$tmp/hv_includes"
show 'include lines in arch/ naming hv/:' "$tmp/arch_includes"
show 'arch symbols hv/ uses (linked):' "$tmp/hv_to_arch"
show 'arch symbols hv/ uses outside hv/arch.h (linked):' "$tmp/outside_linked"
show 'inline arch functions hv/ names outside hv/arch.h:' "$tmp/outside_inline"
show 'arch names hv/ uses outside hv/arch.h (both):' "$tmp/outside"
show 'hv symbols arch/ uses:' "$tmp/arch_to_hv"

if [ "$verbose" = --check ]; then
    if [ -s "$tmp/hv_includes_outside" ] || [ -s "$tmp/outside" ]; then
        echo "hv/ reaches x86 past hv/arch.h:"
        cat "$tmp/hv_includes_outside" "$tmp/outside"
        exit 1
    fi
    echo "the contract holds: hv/ reaches x86 only through hv/arch.h"
fi
