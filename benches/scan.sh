#!/usr/bin/env bash
# Reproducible scan benchmark for statree.
#
#   benches/scan.sh [--quick] [--scaling]
#
#   --quick     3 timed runs per tool instead of 5
#   --scaling   also time `statree --summary -j N` for N = 1 2 4 8 16 ... up to nproc
#
# Environment:
#   BENCH_DIR         where the generated fixtures live (default /tmp/statree-bench);
#                     generated once, reused by later runs (see benches/gen_tree.py)
#   CARGO_TARGET_DIR  honoured when locating the release binary
#
# What it does:
#   1. cargo build --release --locked
#   2. generates (once) $BENCH_DIR/tree (fan-out 13, depth 4, 31 small files per
#      directory: 990,112 entries) and $BENCH_DIR/flat (one directory, 200,000
#      empty files), then checks both with `find | wc -l`
#   3. warms the page/dentry/inode caches: `du -s` twice on each target
#   4. on each target (tree, flat, /usr): one untimed check run per tool (which
#      also verifies statree's entry count), then K timed runs, interleaved
#      round-robin (one run of every tool per round, the starting tool rotated
#      each round) so drift and background load hit every tool alike
#   5. prints a Markdown report to stdout and writes it to
#      bench-out/results-<date>.md, with the raw samples beside it (.tsv)
#
# Honesty rules: all tools see the same warm cache; caches are never dropped;
# every tool's stdout goes to /dev/null in timed runs; wall time is taken the
# same way for every tool.
set -euo pipefail
export LC_ALL=C

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }

QUICK=0
SCALING=0
for arg in "$@"; do
    case "$arg" in
        --quick) QUICK=1 ;;
        --scaling) SCALING=1 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done
K=5
((QUICK)) && K=3

cd "$(dirname "$0")/.."
REPO=$PWD
BENCH_DIR=${BENCH_DIR:-/tmp/statree-bench}
TREE=$BENCH_DIR/tree
FLAT=$BENCH_DIR/flat
TREE_ENTRIES=990112 # 30941 dirs + 959171 files
FLAT_ENTRIES=200001 # the directory + 200000 files
STAMP=$(date +%Y-%m-%d-%H%M%S)
OUT_DIR=$REPO/bench-out
REPORT=$OUT_DIR/results-$STAMP.md
RAW=$OUT_DIR/results-$STAMP.tsv
INVOCATION="benches/scan.sh${*:+ $*}"

log() { printf 'scan.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/statree-scan.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# --- prerequisites -----------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
    log "/usr/bin/time missing: installing the 'time' package"
    SUDO=
    ((EUID == 0)) || SUDO=sudo
    $SUDO apt-get update && $SUDO apt-get install -y time
fi
[[ -x /usr/bin/time ]] || die "/usr/bin/time is required"
command -v python3 >/dev/null || die "python3 is required (benches/gen_tree.py)"

find_tool() { # name -> path on PATH or in ~/.cargo/bin, or nothing
    if command -v "$1" >/dev/null 2>&1; then
        command -v "$1"
    elif [[ -x $HOME/.cargo/bin/$1 ]]; then
        printf '%s\n' "$HOME/.cargo/bin/$1"
    fi
}
DUA=$(find_tool dua)
GDU=$(find_tool gdu)
DISKUS=$(find_tool diskus)
PDU=$(find_tool pdu)

# --- 1. build ----------------------------------------------------------------
log "building statree (release)"
cargo build --release --locked >&2
STATREE=$(realpath "${CARGO_TARGET_DIR:-target}/release/statree")
[[ -x $STATREE ]] || die "no binary at $STATREE"
# Recorded now, at build time: what the binary was built from.
BUILT_FROM=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -z $(git status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null) ]] ||
    BUILT_FROM+=" plus uncommitted changes in: $(git status --porcelain -- src Cargo.toml Cargo.lock | awk '{ print $2 }' | paste -sd ' ')"

# --- 2. fixtures -------------------------------------------------------------
log "ensuring fixtures under $BENCH_DIR"
python3 benches/gen_tree.py "$BENCH_DIR"
for pair in "$TREE:$TREE_ENTRIES" "$FLAT:$FLAT_ENTRIES"; do
    dir=${pair%:*} want=${pair##*:}
    got=$(find "$dir" | wc -l)
    [[ $got == "$want" ]] || die "$dir: find | wc -l = $got, expected $want (rm -rf $BENCH_DIR to regenerate)"
    log "verified $dir: $got entries"
done

# --- 3. warm caches ----------------------------------------------------------
for dir in "$TREE" "$FLAT" /usr; do
    log "warming cache: du -s $dir (x2)"
    du -s "$dir" >/dev/null 2>&1 || true
    du -s "$dir" >/dev/null 2>&1 || true
done

# --- helpers -----------------------------------------------------------------
NPROC=$(nproc)
SCALE_NS=()
if ((SCALING)); then
    for n in 1 2 4 8 16 32 64 128 256 512 1024; do ((n <= NPROC)) && SCALE_NS+=("$n"); done
    [[ ${SCALE_NS[-1]} == "$NPROC" ]] || SCALE_NS+=("$NPROC")
fi

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
us_now() { local t=$EPOCHREALTIME; printf '%s\n' "${t/./}"; } # microseconds since the epoch
statree_entries() { awk '$1 == "entries" { print $2 }' "$1"; }
emit() { tee -a "$REPORT"; }

FAILURES=()

# bench TARGET_NAME PATH EXPECTED_ENTRIES (empty: take statree's count)
bench() {
    local name=$1 path=$2 expected=$3
    local q s labels=() cmds=() i n r j rc t0 t1
    q=$(printf '%q' "$path")
    s=$(printf '%q' "$STATREE")
    labels+=("statree -j 1") cmds+=("$s --summary -j 1 $q")
    labels+=("statree (all cores)") cmds+=("$s --summary $q")
    for n in "${SCALE_NS[@]}"; do
        ((n == 1)) && continue
        labels+=("statree -j $n") cmds+=("$s --summary -j $n $q")
    done
    labels+=("du -s") cmds+=("du -s $q")
    labels+=("find -printf") cmds+=("find $q -printf '%s\\n'")
    [[ -n $DUA ]] && { labels+=("dua") cmds+=("$(printf '%q' "$DUA") aggregate $q"); }
    [[ -n $GDU ]] && { labels+=("gdu") cmds+=("$(printf '%q' "$GDU") -n -s $q"); }
    [[ -n $DISKUS ]] && { labels+=("diskus") cmds+=("$(printf '%q' "$DISKUS") $q"); }
    [[ -n $PDU ]] && { labels+=("pdu") cmds+=("$(printf '%q' "$PDU") --max-depth=1 $q"); }
    n=${#labels[@]}

    # Untimed check run of every tool: verifies it works and gives statree's count.
    local -A check_rc=()
    for ((i = 0; i < n; i++)); do
        log "[$name] check run: ${labels[i]}"
        set +e
        eval "${cmds[i]}" >"$WORK/check.$i.out" 2>"$WORK/check.$i.err"
        rc=$?
        set -e
        check_rc[$i]=$rc
        ((rc == 0)) || log "[$name] ${labels[i]} exited $rc: $(head -c 300 "$WORK/check.$i.err")"
    done
    local st1 stall findn checks
    st1=$(statree_entries "$WORK/check.0.out")
    stall=$(statree_entries "$WORK/check.1.out")
    findn=$(wc -l <"$WORK/check.$(idx_of "find -printf" "${labels[@]}").out")
    local entries=${expected:-$stall}
    [[ -n $entries ]] || die "[$name] could not read statree's entry count"
    checks=""
    local lbl got
    for lbl in "statree -j 1:$st1" "statree (all cores):$stall" "find -printf (lines):$findn"; do
        got=${lbl##*:}
        if [[ $got == "$entries" ]]; then
            checks+="${lbl%:*} = $got ✓; "
        else
            checks+="${lbl%:*} = ${got:-?} ✗ (expected $entries); "
            FAILURES+=("[$name] ${lbl%:*} counted ${got:-?} entries, expected $entries")
        fi
    done
    rm -f "$WORK"/check.*.out

    # Timed runs: K rounds, every tool once per round, start rotated each round.
    local -A walls=() rsss=() rcs=()
    for ((r = 0; r < K; r++)); do
        for ((j = 0; j < n; j++)); do
            i=$(((r + j) % n))
            log "[$name] round $((r + 1))/$K: ${labels[i]}"
            t0=$(us_now)
            set +e
            eval "/usr/bin/time -f '%e %M' -o \"\$WORK/time\" ${cmds[i]}" >/dev/null 2>>"$WORK/err.$i"
            rc=$?
            set -e
            t1=$(us_now)
            local wall rss
            wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e6 }')
            rss=$(tail -n 1 "$WORK/time" | awk '{ print $2 }')
            walls[$i]+="$wall "
            rsss[$i]+="$rss "
            ((rc == 0)) || rcs[$i]+="$rc "
            printf '%s\t%s\t%d\t%s\t%s\t%s\t%s\n' "$name" "${labels[i]}" "$((r + 1))" "$wall" "$rss" "$rc" "${cmds[i]}" >>"$RAW"
        done
    done

    # Medians and ratios.
    local -a med mn mx rssm
    for ((i = 0; i < n; i++)); do
        med[i]=$(tr ' ' '\n' <<<"${walls[$i]}" | grep . | median)
        mn[i]=$(tr ' ' '\n' <<<"${walls[$i]}" | grep . | sort -g | head -n 1)
        mx[i]=$(tr ' ' '\n' <<<"${walls[$i]}" | grep . | sort -g | tail -n 1)
        rssm[i]=$(tr ' ' '\n' <<<"${rsss[$i]}" | grep . | median)
    done
    local du_med dua_med=""
    du_med=${med[$(idx_of "du -s" "${labels[@]}")]}
    [[ -n $DUA ]] && dua_med=${med[$(idx_of "dua" "${labels[@]}")]}

    {
        printf '\n## %s: `%s` (%s entries)\n\n' "$name" "$path" "$entries"
        printf 'Entry-count check (untimed run): %s\n\n' "${checks%; }"
        printf '| tool | median wall (s) | min–max (s) | entries/s | peak RSS (MiB) | RSS bytes/entry | t / t(du -s) | t / t(dua) | exit |\n'
        printf '|---|--:|--:|--:|--:|--:|--:|--:|--|\n'
        for ((i = 0; i < n; i++)); do
            local exitcol="0"
            [[ -n ${rcs[$i]:-} ]] && exitcol="nonzero: ${rcs[$i]% }"
            ((${check_rc[$i]} == 0)) || exitcol+=" (check run: ${check_rc[$i]})"
            awk -v l="${labels[i]}" -v m="${med[i]}" -v lo="${mn[i]}" -v hi="${mx[i]}" \
                -v rss="${rssm[i]}" -v e="$entries" -v du="$du_med" -v dua="$dua_med" -v x="$exitcol" '
                function ratio(t, base) { return (base == "" || base <= 0) ? "n/a" : sprintf("%.2f×", t / base) }
                BEGIN {
                    printf "| %s | %.3f | %.3f–%.3f | %s | %.1f | %.0f | %s | %s | %s |\n",
                        l, m, lo, hi, (m > 0 ? sprintf("%.0f", e / m) : "n/a"),
                        rss / 1024, rss * 1024 / e, ratio(m, du), ratio(m, dua), x
                }'
        done
        printf '\nCommands (stdout to /dev/null in timed runs; each wrapped as `/usr/bin/time -f '"'"'%%e %%M'"'"' -o FILE CMD`):\n\n'
        for ((i = 0; i < n; i++)); do
            printf -- '- %s: `%s`\n' "${labels[i]}" "${cmds[i]}"
        done
    } | emit
}

idx_of() { # label labels... -> index
    local want=$1 k=0
    shift
    for l in "$@"; do
        [[ $l == "$want" ]] && { echo "$k"; return; }
        k=$((k + 1))
    done
    die "no tool labelled $want"
}

# --- 4./5. measure, 6. report ------------------------------------------------
mkdir -p "$OUT_DIR"
: >"$REPORT"
printf 'target\ttool\tround\twall_s\tpeak_rss_kib\texit\tcommand\n' >"$RAW"

tool_version() { [[ -n $1 ]] && { "$1" --version 2>&1 | head -n 1; } || echo "not installed"; }
{
    printf '# statree scan benchmark\n\n'
    printf -- '- date: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf -- '- invocation: `%s` (K = %d timed runs per tool)\n' "$INVOCATION" "$K"
    printf -- '- host: nproc = %s; CPU: %s; kernel: %s\n' "$NPROC" \
        "$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)" "$(uname -srm)"
    printf -- '- load average at start: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf -- '- statree: built from commit %s; binary `%s` (cargo build --release --locked; %s)\n' \
        "$BUILT_FROM" "$STATREE" "$(rustc --version)"
    printf -- '- tools: %s; %s; dua: %s; gdu: %s; diskus: %s; pdu: %s\n' \
        "$(du --version | head -n 1)" "$(find --version | head -n 1)" "$(tool_version "$DUA")" \
        "$(tool_version "$GDU")" "$(tool_version "$DISKUS")" "$(tool_version "$PDU")"
    printf -- '- fixtures: `%s` (fan-out 13, depth 4, 31 files of 8 bytes per directory; 30,941 dirs + 959,171 files), `%s` (200,000 empty files), generated by benches/gen_tree.py\n' "$TREE" "$FLAT"
    printf -- '- method: caches warmed (`du -s` twice per target), never dropped; one untimed check run per tool, then %d rounds, each running every tool once, starting tool rotated per round; wall = bash $EPOCHREALTIME around `/usr/bin/time` (includes ~1 ms of fork/exec, same for all tools); peak RSS = `/usr/bin/time %%M` (median of runs); RSS bytes/entry = RSS KiB × 1024 / entries; t / t(X) = median wall ÷ X'"'"'s median wall (< 1 is faster). du and find are single-threaded; dua uses all logical CPUs by default.\n' "$K"
} | emit

bench tree "$TREE" "$TREE_ENTRIES"
bench flat "$FLAT" "$FLAT_ENTRIES"
bench usr /usr ""

{
    printf '\n---\n\n- load average at end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf -- '- raw samples: `%s`\n' "${RAW#"$REPO"/}"
    if ((${#FAILURES[@]})); then
        printf '\n**COUNT CHECK FAILURES**\n\n'
        printf -- '- %s\n' "${FAILURES[@]}"
    fi
} | emit

log "report written to ${REPORT#"$REPO"/}"
((${#FAILURES[@]} == 0)) || { log "entry-count checks failed (see report)"; exit 1; }
