#!/usr/bin/env bash
# `--json` against `--summary` and `find -printf` with the same fields, and
# the import (`-f`) of the same tree, side by side in one run.
#
#   benches/json.sh [ROUNDS]          (default 5)
#
# Environment:
#   BENCH_DIR   the generated fixtures (default /tmp/statree-bench; the 990,112-entry
#               tree is made by benches/scan.sh / benches/gen_tree.py)
#   BIN         the statree binary (default target/release/statree, built here)
#   OLD_BIN     optional: a statree built before the worker-side --json, timed too
#   THREADS     -j for statree (default: every core)
#
# Each round runs every command once, starting with a different one each round
# (so drift and background load hit all alike); stdout goes to /dev/null. It
# prints the wall time of every run, then the median per command, and the peak
# resident memory of a scan and of an import of the same tree (GNU time).
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
J=()
[[ -n ${THREADS:-} ]] && J=(-j "$THREADS")
[[ -f $BENCH_DIR/tree.done ]] || { echo "no $TREE: run benches/scan.sh first" >&2; exit 1; }

EXPORT=$BENCH_DIR/tree.ncdu.json
JSONL=$BENCH_DIR/tree.jsonl
"$BIN" -o "$EXPORT" "$TREE"
"$BIN" --json "$TREE" > "$JSONL"
du -s "$TREE" > /dev/null
du -s "$TREE" > /dev/null

# The same fields as a --json record, from find.
FIND_FMT='%p %y %m %M %i %D %n %U %G %u %g %s %b %A@ %T@ %C@ %B@\n'
names=(summary json find import-ncdu import-json)
cmds=(
    "$BIN ${J[*]} --summary $TREE"
    "$BIN ${J[*]} --json $TREE"
    "find $TREE -printf '$FIND_FMT'"
    "$BIN -f $EXPORT --summary"
    "$BIN -f $JSONL --summary"
)
if [[ -n ${OLD_BIN:-} ]]; then
    names+=(json-before)
    cmds+=("$OLD_BIN ${J[*]} --json $TREE")
fi

echo "# $(date -u '+%F %T UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# entries: $(find "$TREE" | wc -l), --json bytes: $(stat -c %s "$JSONL"), export bytes: $(stat -c %s "$EXPORT")"
declare -A samples
n=${#names[@]}
for ((round = 0; round < ROUNDS; round++)); do
    for ((k = 0; k < n; k++)); do
        i=$(((k + round) % n))
        start=$(date +%s.%N)
        eval "${cmds[$i]}" > /dev/null
        end=$(date +%s.%N)
        t=$(echo "$end - $start" | bc)
        samples[${names[$i]}]+="$t "
        printf 'round %d  %-12s %6.3f s\n' "$round" "${names[$i]}" "$t"
    done
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| command | median s | min–max s |"
echo "|---|--:|--:|"
for name in "${names[@]}"; do
    read -r -a xs <<< "${samples[$name]}"
    sorted=$(printf '%s\n' "${xs[@]}" | sort -g)
    median=$(echo "$sorted" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
    printf '| %s | %.3f | %.3f–%.3f |\n' "$name" "$median" "$(echo "$sorted" | head -1)" "$(echo "$sorted" | tail -1)"
done
echo
for what in "--summary $TREE" "-f $EXPORT --summary"; do
    # shellcheck disable=SC2086
    rss=$(/usr/bin/time -f %M "$BIN" $what 2>&1 >/dev/null | tail -1)
    echo "peak RSS, statree $what: $rss KiB"
done
