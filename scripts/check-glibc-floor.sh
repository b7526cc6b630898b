#!/usr/bin/env bash
# Fails when BINARY needs a glibc symbol version newer than FLOOR, or (given) a libstdc++ one
# newer than GLIBCXX_FLOOR (objdump -T: the dynamic symbols and the versions they are bound
# to), naming each such symbol.
#   scripts/check-glibc-floor.sh .build-static/release/gongspool 2.34 3.4.29
set -euo pipefail
bin=${1:?usage: check-glibc-floor.sh BINARY GLIBC_FLOOR [GLIBCXX_FLOOR]}
floor=${2:?usage: check-glibc-floor.sh BINARY GLIBC_FLOOR [GLIBCXX_FLOOR]}
cxx_floor=${3:-}
command -v objdump >/dev/null || { echo "objdump is needed (apt-get install binutils)" >&2; exit 1; }
symbols=$(objdump -T "$bin")

# "0000 DF *UND* 0000 (GLIBC_2.35) hypot" -> "2.35 hypot"
versions() { printf '%s\n' "$symbols" | sed -n "s/.*[( ]$1_\([0-9.]*\)[) ] *\([^ ]*\)\$/\1 \2/p" | sort -V -u; }
newer() {  # versions newer than $2 among "version symbol" lines of $1
  printf '%s\n' "$1" | while read -r version symbol; do
    [ -n "$version" ] || continue
    [ "$(printf '%s\n%s\n' "$version" "$2" | sort -V | tail -1)" = "$2" ] || echo "  $symbol@$3_$version"
  done
}
too_new=$(newer "$(versions GLIBC)" "$floor" GLIBC)
[ -z "$cxx_floor" ] || too_new+=$(newer "$(versions GLIBCXX)" "$cxx_floor" GLIBCXX)
if [ -n "$too_new" ]; then
  echo "$(basename "$bin") needs a newer glibc than $floor${cxx_floor:+ or libstdc++ than GLIBCXX_$cxx_floor} (the supported floor):" >&2
  echo "$too_new" >&2
  echo "bind them to an older version (Sources/CGlibcFloor) or avoid them" >&2
  exit 1
fi
newest=$(versions GLIBC | cut -d' ' -f1 | sort -V | tail -1)
newest_cxx=$(versions GLIBCXX | cut -d' ' -f1 | sort -V | tail -1)
echo "ABI floor: $(basename "$bin") needs glibc $newest${newest_cxx:+ and GLIBCXX $newest_cxx} at most (floor $floor${cxx_floor:+, $cxx_floor})"
