#!/bin/sh
# Copy speed of statree's paste against `cp -a`, and how fast a cancel
# stops it. Warm caches (dropping them is not possible here), RUNS
# interleaved runs each, median reported.
#
#   benches/copy.sh [WORKDIR] [RUNS] [WHAT]
#
# WORKDIR (default: a new directory under target/) must be on the filesystem
# to measure (/dev/shm for tmpfs); it needs about 3 GiB free. WHAT is
# "large small" by default: 4 files of 256 MiB, and 100,000 files of 1 to
# 1,024 bytes in 100 directories.
set -eu
cd "$(dirname "$0")/.."
cargo build --release --locked --example paste >/dev/null
bin=target/release/examples/paste
work=${1:-target/copy-bench}
runs=${2:-5}
what_list=${3:-large small}
rm -rf "$work"; mkdir -p "$work"
work=$(cd "$work" && pwd)

echo "building fixtures in $work"
mkdir -p "$work/large"
for n in 1 2 3 4; do head -c 268435456 /dev/urandom > "$work/large/f$n"; done
python3 - "$work/small" <<'PY'
import os, sys
root = sys.argv[1]
blob = os.urandom(1024)
for d in range(100):
    path = os.path.join(root, f"d{d:03}")
    os.makedirs(path)
    for f in range(1000):
        with open(os.path.join(path, f"f{f:04}"), "wb") as out:
            out.write(blob[: (f * 7) % 1024 + 1])
PY
sync

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
secs() { start=$(date +%s.%N); "$@"; end=$(date +%s.%N); echo "$end - $start" | bc; }

for what in $what_list; do
  : > "$work/$what.cp"; : > "$work/$what.statree"
  for i in $(seq "$runs"); do
    rm -rf "$work/out"; mkdir "$work/out"; sync
    secs cp -a "$work/$what" "$work/out/" >> "$work/$what.cp"
    rm -rf "$work/out"; mkdir "$work/out"; sync
    "$bin" "$work/out" "$work/$what" >> "$work/$what.statree"
  done
  cp_m=$(median < "$work/$what.cp"); st_m=$(median < "$work/$what.statree")
  echo "$what: cp -a median ${cp_m} s [$(tr '\n' ' ' < "$work/$what.cp")]; statree median ${st_m} s [$(tr '\n' ' ' < "$work/$what.statree")]; ratio $(echo "scale=2; $st_m / $cp_m" | bc)"
done

for i in $(seq "$runs"); do
  rm -rf "$work/out"; mkdir "$work/out"
  "$bin" --cancel-after 300 "$work/out" "$work/large"
done
rm -rf "$work"
