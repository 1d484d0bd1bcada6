#!/usr/bin/env bash
# The import (`-f FILE --summary`) of the 990,112-entry reference tree's ncdu
# export and `--json` output, this build against an older one, alternated.
#
#   benches/import.sh [ROUNDS]          (default 5)
#
# Environment:
#   BENCH_DIR   the fixtures (default /tmp/statree-bench: tree/ from
#               benches/gen_tree.py; tree.ncdu.json and tree.jsonl are written
#               from it by BIN when missing or empty)
#   BIN         the statree binary (default target/release/statree, built here)
#   OLD_BIN     optional: an older statree, timed in the same rounds
#
# Each round runs every command once, the first one rotated; stdout goes to
# /dev/null. Per run: the wall time and, where perf is installed, the CPU
# time of every thread (`perf stat -e task-clock`: the import reads on one
# thread while the tree is built on another). Then the median per command and
# the entries a second that median gives.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."

ROUNDS=${1:-5}
BENCH_DIR=${BENCH_DIR:-/tmp/statree-bench}
TREE=$BENCH_DIR/tree
if [[ -z ${BIN:-} ]]; then
    cargo build --release --locked >&2
    BIN=target/release/statree
fi
[[ -f $BENCH_DIR/tree.done ]] || { echo "no $TREE: run benches/scan.sh first" >&2; exit 1; }
EXPORT=$BENCH_DIR/tree.ncdu.json
JSONL=$BENCH_DIR/tree.jsonl
[[ -s $EXPORT ]] || "$BIN" -o "$EXPORT" "$TREE"
[[ -s $JSONL ]] || "$BIN" --json "$TREE" > "$JSONL"
entries=$(find "$TREE" | wc -l)

names=(ncdu json)
cmds=("$BIN -f $EXPORT --summary" "$BIN -f $JSONL --summary")
if [[ -n ${OLD_BIN:-} ]]; then
    names+=(ncdu-before json-before)
    cmds+=("$OLD_BIN -f $EXPORT --summary" "$OLD_BIN -f $JSONL --summary")
fi
perf_ok=false
perf stat -e task-clock true 2>/dev/null && perf_ok=true

echo "# $(date -u '+%F %T UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# entries: $entries, export bytes: $(stat -c %s "$EXPORT"), --json bytes: $(stat -c %s "$JSONL")"
declare -A walls cpus
n=${#names[@]}
for ((round = 0; round < ROUNDS; round++)); do
    for ((k = 0; k < n; k++)); do
        i=$(((k + round) % n))
        cpu=-
        start=$(date +%s.%N)
        if $perf_ok; then
            # shellcheck disable=SC2086
            cpu=$(perf stat -x, -e task-clock ${cmds[$i]} 2>&1 >/dev/null | awk -F, '/task-clock/ {printf "%.3f", $1 / 1000}')
        else
            # shellcheck disable=SC2086
            ${cmds[$i]} > /dev/null
        fi
        end=$(date +%s.%N)
        t=$(echo "$end - $start" | bc)
        walls[${names[$i]}]+="$t "
        cpus[${names[$i]}]+="$cpu "
        printf 'round %d  %-12s %6.3f s wall  %s s cpu\n' "$round" "${names[$i]}" "$t" "$cpu"
    done
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
median() {
    printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'
}
echo "| command | median wall s | min–max wall s | entries/s (median wall) | median CPU s |"
echo "|---|--:|--:|--:|--:|"
for name in "${names[@]}"; do
    read -r -a xs <<< "${walls[$name]}"
    read -r -a cs <<< "${cpus[$name]}"
    m=$(median "${xs[@]}")
    sorted=$(printf '%s\n' "${xs[@]}" | sort -g)
    c=-
    $perf_ok && c=$(median "${cs[@]}")
    printf '| %s | %.3f | %.3f–%.3f | %.0f | %s |\n' "$name" "$m" "$(head -1 <<< "$sorted")" \
        "$(tail -1 <<< "$sorted")" "$(echo "$entries / $m" | bc)" "$c"
done
