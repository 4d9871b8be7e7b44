#!/usr/bin/env bash
# Code size of the codec: the text+data bytes that a client-only use (bench/size/client.cpp)
# and a full use (bench/size/full.cpp) add to an empty program (bench/size/empty.cpp), each
# linked with --gc-sections, so start-up code and libc that any program has are not counted
# (memcpy/memset/strlen pulled in by the codec are). Targets:
#   cortex-m4-Os  arm-none-eabi-g++ -Os -fno-exceptions -fno-rtti -mcpu=cortex-m4 -mthumb,
#                 --specs=nosys.specs (Debian: gcc-arm-none-eabi libstdc++-arm-none-eabi-newlib
#                 libnewlib-arm-none-eabi)
#   x86-64-Os     g++ -Os -fno-exceptions -fno-rtti (dynamically linked libc and libstdc++)
#   x86-64-O2     the same at -O2
# On Cortex-M4 also: client-3.1.1 and client-5.0, a client that speaks one version, fixed at
# compile time (bench/size/client.cpp, MQTTWIRE_SIZE_VERSION); and every use again with
# MQTTWIRE_NO_ERROR_TEXT (rows ending in -notext: no names, messages or statement ids).
#
#   bench/size.sh [--update] [--symbols]
#     --update    rewrite bench/size.baseline from this run
#     --symbols   also list the largest symbols of the client use on Cortex-M4
#
# A figure more than 5% over bench/size.baseline is flagged REGRESSION (exit 1).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
baseline="$root/bench/size.baseline"
update=0
symbols=0
for arg in "$@"; do
    case "$arg" in
        --update) update=1 ;;
        --symbols) symbols=1 ;;
        -h|--help) sed -n '2,23p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "unknown argument $arg" >&2; exit 2 ;;
    esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
common=(-std=c++20 -fno-exceptions -fno-rtti -ffunction-sections -fdata-sections
    -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror -I"$root/include" -Wl,--gc-sections)

# text + data of one linked program
bytes_of() { "$1" "$2" | awk 'NR == 2 { print $1 + $2 }'; }

results="$work/results"
: >"$results"
# The uses: row name, source in bench/size/, extra flags.
uses=("client client" "full full")
uses_m4=("${uses[@]}"
    "client-3.1.1 client -DMQTTWIRE_SIZE_VERSION=v3_1_1"
    "client-5.0 client -DMQTTWIRE_SIZE_VERSION=v5"
    "client-notext client -DMQTTWIRE_NO_ERROR_TEXT"
    "client-3.1.1-notext client -DMQTTWIRE_SIZE_VERSION=v3_1_1 -DMQTTWIRE_NO_ERROR_TEXT"
    "client-5.0-notext client -DMQTTWIRE_SIZE_VERSION=v5 -DMQTTWIRE_NO_ERROR_TEXT"
    "full-notext full -DMQTTWIRE_NO_ERROR_TEXT")
measure() { # target compiler size-tool uses-array-name flags...
    local target=$1 cxx=$2 size_tool=$3
    local -n rows=$4
    shift 4
    if ! command -v "$cxx" >/dev/null; then
        echo "skipping $target: $cxx not found" >&2
        return
    fi
    "$cxx" "${common[@]}" "$@" "$root/bench/size/empty.cpp" -o "$work/$target-empty.elf"
    local empty row name source extra
    empty=$(bytes_of "$size_tool" "$work/$target-empty.elf")
    for row in "${rows[@]}"; do
        read -r name source extra <<<"$row"
        # shellcheck disable=SC2086 # extra holds zero or more flags
        "$cxx" "${common[@]}" "$@" $extra "$root/bench/size/$source.cpp" -o "$work/$target-$name.elf"
        echo "$name $target $(($(bytes_of "$size_tool" "$work/$target-$name.elf") - empty))" >>"$results"
    done
}

measure cortex-m4-Os arm-none-eabi-g++ arm-none-eabi-size uses_m4 -Os -mcpu=cortex-m4 -mthumb \
    --specs=nosys.specs
measure x86-64-Os g++ size uses -Os
measure x86-64-O2 g++ size uses -O2

if ((update)); then
    {
        echo "# mqttwire code size: text+data bytes over an empty program (bench/size.sh)."
        echo "# arm: $(arm-none-eabi-g++ --version 2>/dev/null | head -n 1)"
        echo "# x86-64: $(g++ --version | head -n 1)"
        echo "# Regenerate with: bench/size.sh --update"
        cat "$results"
    } >"$baseline"
    echo "wrote $baseline"
fi

printf "%-20s %-13s %9s %9s %9s\n" use target bytes baseline change
awk -v base="$baseline" '
    BEGIN { while ((getline line < base) > 0) if (line !~ /^#/) { split(line, b, " "); old[b[1] " " b[2]] = b[3] } }
    { key = $1 " " $2
      if (key in old && old[key] > 0) {
          change = ($3 - old[key]) / old[key] * 100
          flag = ""
          if (change > 5) flag = "REGRESSION"
          else if (change < -5) flag = "improved"
          printf "%-20s %-13s %9d %9d %+8.1f%%  %s\n", $1, $2, $3, old[key], change, flag
      } else printf "%-20s %-13s %9d %9s %9s  new\n", $1, $2, $3, "-", "" }' "$results" |
    tee "$work/table"
client_m4=$(awk '$1 == "client" && $2 == "cortex-m4-Os" { print $3 }' "$results")
if [[ -n "$client_m4" ]]; then
    verdict=$([[ "$client_m4" -le 10240 ]] && echo met || echo "not met")
    echo "target: client-only use <= 10 KiB (10240 B) on Cortex-M4 at -Os: $client_m4 B, $verdict"
    awk '$1 ~ /^client-/ && $2 == "cortex-m4-Os" {
        printf "        %s: %d B, %s\n", $1, $3, ($3 <= 10240 ? "within" : "over") }' "$results"
fi

if ((symbols)) && [[ -f "$work/cortex-m4-Os-client.elf" ]]; then
    echo
    echo "largest symbols of the client use on Cortex-M4 (bytes, type, name):"
    arm-none-eabi-nm --size-sort -C -S --radix=d "$work/cortex-m4-Os-client.elf" |
        awk '{ $1 = ""; print }' | tail -n 40 | cut -c1-160
fi

if grep -q 'REGRESSION$' "$work/table"; then
    echo "code size grew by more than 5% over bench/size.baseline"
    exit 1
fi
