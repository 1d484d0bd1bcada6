#!/bin/sh
# -L over many paths to the same directories (issue 14 §5): eight links to a
# 1 MiB directory, and a 25-level two-way fan-out ending in a loop. Prints
# statree's totals, wall time and peak memory next to `du -L`'s.
# Usage: benches/follow_links.sh [path/to/statree]   (default: target/release/statree)
set -eu
BIN=${1:-target/release/statree}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

mkdir -p "$DIR/eight/data"
head -c 1048576 /dev/zero > "$DIR/eight/data/blob"
for i in 1 2 3 4 5 6 7 8; do ln -s data "$DIR/eight/l$i"; done

i=0
while [ $i -lt 25 ]; do
    d=$(printf '%s/fan/d%02d' "$DIR" $i)
    mkdir -p "$d"
    head -c 1000 /dev/zero > "$d/f"
    if [ $i -lt 24 ]; then
        n=$(printf '../d%02d' $((i + 1)))
        ln -s "$n" "$d/a"; ln -s "$n" "$d/b"
    else
        ln -s ../d00 "$d/up"
    fi
    i=$((i + 1))
done

for case in eight fan; do
    echo "== $case"
    echo "du -L apparent: $(du -L -s -B1 --apparent-size "$DIR/$case" | cut -f1)"
    echo "du -L allocated: $(du -L -s -B1 "$DIR/$case" | cut -f1)"
    /usr/bin/time -f 'wall %e s, peak RSS %M KiB' timeout 60 "$BIN" -L --summary "$DIR/$case" 2>&1 \
        | grep -E '^(entries|apparent|allocated)|wall|Command' || echo "(killed after 60 s)"
done
