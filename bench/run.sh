#!/usr/bin/env bash
# Builds stackc and its benchmark in Release mode, generates synthetic stacks
# of N components, runs the per-stage benchmark, then times the whole process
# `stackc build -t all -o DIR` at each N and on the book's example, with its
# peak memory. Prints a table; the figures are the minimum over the runs,
# which is the least disturbed by other work on the machine.
#
# usage: bench/run.sh [-r RUNS] [-s SIZES] [-t TARGETS] [-B BUILD_DIR] [--no-stages] [--instructions]
#   -r RUNS     whole-process runs per stack (default 10)
#   -s SIZES    component counts, comma-separated (default 10,100,1000,5000)
#   -t TARGETS  the -t value of the timed builds (default all)
#   -B DIR      build directory (default build-bench)
#   --no-stages skip the Google Benchmark per-stage run
#   --instructions  also count each build's instructions with callgrind:
#               unlike times, the count is the same on a busy machine
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=10
sizes=10,100,1000,5000
build="$root/build-bench"
stages=1
instructions=0
targets=all
while (($#)); do
    case "$1" in
        -r) runs="$2"; shift 2 ;;
        -s) sizes="$2"; shift 2 ;;
        -t) targets="$2"; shift 2 ;;
        -B) build="$2"; shift 2 ;;
        --no-stages) stages=0; shift ;;
        --instructions) instructions=1; shift ;;
        *) sed -n '2,16p' "$0" >&2; exit 2 ;;
    esac
done
IFS=, read -r -a ns <<<"$sizes"

# GCC 12 reports a false -Wrestrict inside libstdc++'s operator+ at -O3
# (GCC bug 105651); it is not about stackc's code.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-Wno-restrict >/dev/null
CCACHE_NOHASHDIR=1 ninja -C "$build" stackc stackc_bench >/dev/null
stackc="$build/stackc"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for n in "${ns[@]}"; do
    python3 "$root/bench/generate_stack.py" "$n" "$work/bench-$n.stack"
done
cp "$root/examples/rails-webapp/webapp.stack" "$work/webapp.stack"

echo "machine: $(nproc) cores, load average$(uptime | sed 's/.*load average//')"
if ((stages)); then
    echo
    echo "== per stage (Google Benchmark, in memory, no disk I/O) =="
    filter="/($(IFS='|'; echo "${ns[*]}"))\$"
    "$build/bench/stackc_bench" --stack-dir="$work" --benchmark_filter="$filter" \
        --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
        --benchmark_counters_tabular=true 2>/dev/null | grep -v '_mean\|_stddev\|_cv' || true
fi

# Whole process: a fresh output directory on the first run, then rebuilds
# into it (write-if-changed compares and keeps every file).
# Prints "MIN_MS PEAK_KIB".
measure() {
    local stack="$1" out
    out="$work/out-$(basename "$1" .stack)"
    local best="" peak t
    rm -rf "$out"
    "${cmd[@]}" "$stack" -t "$targets" -o "$out" >/dev/null 2>&1
    # /usr/bin/time counts in hundredths of a second: it gives the peak
    # memory, and bash's clock the time.
    /usr/bin/time -f '%M' -o "$work/mem" "${cmd[@]}" "$stack" -t "$targets" -o "$out" >/dev/null 2>&1
    peak=$(tail -n 1 "$work/mem")
    if command -v hyperfine >/dev/null 2>&1; then
        hyperfine -N -w 2 -r "$runs" --export-json "$work/h.json" \
            "${cmd[*]} $stack -t $targets -o $out" >/dev/null 2>&1
        best=$(python3 -c 'import json,sys; print("%.1f" % (min(json.load(open(sys.argv[1]))["results"][0]["times"]) * 1000))' "$work/h.json")
    else
        for ((i = 0; i < runs; i++)); do
            local start=$EPOCHREALTIME
            "${cmd[@]}" "$stack" -t "$targets" -o "$out" >/dev/null 2>&1
            t=$(awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", (e - s) * 1000 }')
            [[ -z "$best" ]] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }' && best=$t
        done
    fi
    echo "$best $peak"
}

echo
echo "== whole process: stackc build -t $targets -o DIR (min of $runs runs) =="
printf '%-22s %10s %12s %16s %12s\n' stack components "time (ms)" "per component" "peak (MiB)"
row() {
    local name="$1" n="$2" stack="$3" ms kib
    read -r ms kib < <(measure "$stack")
    printf '%-22s %10s %12s %16s %12s\n' "$name" "$n" "$ms" \
        "$(awk -v ms="$ms" -v n="$n" 'BEGIN { if (n < 1000) print "-"; else printf "%.1f us", ms * 1000 / n }')" \
        "$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')"
}
# The cost of starting any process here, for scale: /bin/true with the same
# arguments.
cmd=(/bin/true)
row "process start (true)" 1 "$work/webapp.stack"
cmd=("$stackc" build)
row "book example" 5 "$work/webapp.stack"
for n in "${ns[@]}"; do row "bench-$n" "$n" "$work/bench-$n.stack"; done
echo "load average$(uptime | sed 's/.*load average//')"

if ((instructions)); then
    echo
    echo "== instructions: stackc build -t $targets -o DIR (valgrind --tool=callgrind) =="
    printf '%-22s %10s %16s\n' stack components "instructions"
    count() {
        local name="$1" n="$2" stack="$3" out ir
        out="$work/out-$(basename "$3" .stack)"
        ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$stackc" build "$stack" -t "$targets" -o "$out" \
            2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
        printf '%-22s %10s %16s\n' "$name" "$n" "$(awk -v i="$ir" 'BEGIN { printf "%.2f M", i / 1e6 }')"
    }
    count "book example" 5 "$work/webapp.stack"
    for n in "${ns[@]}"; do count "bench-$n" "$n" "$work/bench-$n.stack"; done
fi
