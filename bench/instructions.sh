#!/usr/bin/env bash
# Instructions per operation of every benchmark case, counted by callgrind: unlike seconds,
# the count repeats exactly on a busy machine, so it is the figure to compare changes with.
#
#   bench/instructions.sh [options] [REGEX]
#
#   REGEX          only the cases whose name matches (ECMAScript regex, e.g. '^decode/P1/')
#   --update       rewrite bench/instructions.baseline from this run (all cases: no REGEX)
#   --no-fail      report regressions but exit 0
#   --annotate     also profile the matching cases: callgrind --dump-instr=yes, then
#                  callgrind_annotate per case (inclusive, with source lines of include/)
#   --build DIR    build directory (default: build-instructions-<compiler>; configured with
#                  -O2 -gdwarf-4 -DNDEBUG, tests and examples off; -g only adds line
#                  tables, DWARF 4 because valgrind 3.19 cannot read clang 14's DWARF 5)
#
# CXX picks the compiler (default g++). The baseline was made with the compiler named in its
# header; counts from another compiler or version are not comparable, and the script says so.
# A case whose count grew by more than 5% over the baseline is flagged REGRESSION and makes
# the script exit 1; one that fell by more than 5% is flagged "improved".
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=""
baseline="$root/bench/instructions.baseline"
update=0
fail=1
annotate=0
filter='.*'
while (($#)); do
    case "$1" in
        --update) update=1 ;;
        --no-fail) fail=0 ;;
        --annotate) annotate=1 ;;
        --build) build=$2; shift ;;
        -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) filter=$1 ;;
    esac
    shift
done
if ((update)) && [[ "$filter" != '.*' ]]; then
    echo "--update rewrites the whole baseline: run it without a REGEX" >&2
    exit 2
fi
command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install valgrind)" >&2; exit 2; }

export CXX=${CXX:-g++}
build=${build:-$root/build-instructions-$(basename "$CXX")}
compiler="$("$CXX" --version | head -n 1), -O2 -DNDEBUG, $(uname -m)"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE="-O2 -gdwarf-4 -DNDEBUG" -DMQTTWIRE_BUILD_TESTS=OFF \
    -DMQTTWIRE_BUILD_EXAMPLES=OFF -DMQTTWIRE_BUILD_BENCHMARKS=ON -DMQTTWIRE_INSTALL=OFF \
    >/dev/null
nice -n 10 cmake --build "$build" --target mqttwire_instructions -j2 >/dev/null
driver="$build/bench/mqttwire_instructions"
"$driver" "$filter" # every answer is checked natively first

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$work/cg" \
    "$driver" "$filter" 2>"$work/valgrind.log" || { cat "$work/valgrind.log" >&2; exit 1; }

# Each dump is named "<case>@<iterations>"; its summary line is the instruction count.
results="$work/results"
for f in "$work"/cg.*; do
    awk '/^desc: Trigger: Client Request: / { sub(/^desc: Trigger: Client Request: /, ""); name = $0 }
         /^(summary|totals):/ { total = $2 }
         END { if (name ~ /@/) { split(name, a, "@"); printf "%s %.1f\n", a[1], total / a[2] } }' "$f"
done | sort -k1,1 >"$results"
[[ -s "$results" ]] || { echo "no case matched '$filter'" >&2; exit 1; }

if ((update)); then
    {
        echo "# mqttwire instructions per operation: callgrind Ir / iterations (bench/instructions.sh)."
        echo "# compiler: $compiler"
        echo "# Regenerate with: bench/instructions.sh --update"
        cat "$results"
    } >"$baseline"
    echo "wrote $baseline ($(wc -l <"$results") cases)"
fi

base_compiler=$(sed -n 's/^# compiler: //p' "$baseline" 2>/dev/null || true)
if [[ -n "$base_compiler" && "$base_compiler" != "$compiler" ]]; then
    echo "note: baseline made with '$base_compiler', this run with '$compiler': compare with care"
fi

awk -v base="$baseline" '
    BEGIN { while ((getline line < base) > 0) if (line !~ /^#/) { split(line, b, " "); old[b[1]] = b[2] } }
    { name = $1; now = $2
      if (name in old && old[name] > 0) {
          change = (now - old[name]) / old[name] * 100
          flag = change > 5 ? "REGRESSION" : change < -5 ? "improved" : ""
          printf "%-40s %12.1f %12.1f %+8.1f%%  %s\n", name, now, old[name], change, flag
      } else printf "%-40s %12.1f %12s %9s  new\n", name, now, "-", "" }' "$results" >"$work/table"
printf "%-40s %12s %12s %9s\n" "case" "instr/op" "baseline" "change"
cat "$work/table"
bad=$(grep -c 'REGRESSION$' "$work/table" || true)

if ((annotate)); then
    # Full annotations (per function and per source line of include/) go to files; the
    # function summary of each case is printed.
    out="$build/annotate"
    rm -rf "$out" && mkdir -p "$out"
    valgrind --tool=callgrind --collect-atstart=no --dump-instr=yes \
        --callgrind-out-file="$work/an" "$driver" "$filter" 2>/dev/null
    for f in "$work"/an.*; do
        name=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
        [[ "$name" == *@* ]] || continue
        file="$out/$(echo "${name%@*}" | tr '/' '_').txt"
        callgrind_annotate --inclusive=yes --auto=yes --show-percs=yes \
            --include="$root/include" "$f" >"$file" 2>/dev/null || true
        printf '\n== %s: Ir summed over %s iterations; full annotation: %s\n' \
            "${name%@*}" "${name#*@}" "$file"
        awk '/^Ir +file:function/ { on = 1; getline; next } on && /^-+$/ { exit } on' "$file" |
            sed -e 's/ \[[^]]*\]$//' | cut -c1-220 | head -n 25 || true # head may close early
    done
fi

if ((bad > 0)); then
    echo "$bad case(s) grew by more than 5% over bench/instructions.baseline"
    ((fail)) && exit 1
fi
exit 0
