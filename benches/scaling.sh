#!/usr/bin/env bash
# Thread scaling of `statree --summary` on a many-core machine, against du and
# dua, on the benchmark tree (fan-out 13, depth 4, 31 files per directory).
#
#   benches/scaling.sh [STATREE_BIN] [DUA_BIN]
#
# Meant to run as one short job on a borrowed machine: it needs only python3,
# du, awk and the two binaries (built here: `cargo build --release`, then copied to
# bench-out/bin/). It generates the tree under $BENCH_DIR (default
# /tmp/statree-bench), warms the cache, then times 3 interleaved rounds of
# every configuration and prints a Markdown table of medians.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
STATREE=${1:-bench-out/bin/statree}
DUA=${2:-bench-out/bin/dua}
BENCH_DIR=${BENCH_DIR:-/tmp/statree-bench}
ROUNDS=${ROUNDS:-3}
NPROC=$(nproc)

python3 benches/gen_tree.py "$BENCH_DIR" >&2
TREE=$BENCH_DIR/tree
du -s "$TREE" >/dev/null
du -s "$TREE" >/dev/null

configs=()
for n in 1 2 4 8 16 32 64; do
    ((n <= NPROC)) && configs+=("statree -j $n")
done
configs+=("du -s")
[[ -x $DUA ]] && configs+=("dua")

run() { # config -> runs it once on the tree, output discarded
    case "$1" in
        statree*) "$STATREE" --summary ${1#statree } "$TREE" >/dev/null ;;
        "du -s") du -s "$TREE" >/dev/null ;;
        dua) "$DUA" "$TREE" >/dev/null ;;
    esac
}

declare -A samples
for ((round = 0; round < ROUNDS; round++)); do
    for config in "${configs[@]}"; do
        start=$EPOCHREALTIME
        run "$config"
        end=$EPOCHREALTIME
        samples[$config]+="$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }') "
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "## Scaling on $(nproc) cores: $(lscpu | sed -n 's/^Model name: *//p'), $(uname -r)"
echo
echo "Tree: $(find "$TREE" | wc -l) entries. Median of $ROUNDS interleaved rounds, warm cache."
echo
echo "| configuration | median wall (s) | all samples (s) |"
echo "|---|--:|---|"
for config in "${configs[@]}"; do
    printf '| %s | %.3f | %s|\n' "$config" "$(echo "${samples[$config]}" | median)" "${samples[$config]}"
done
