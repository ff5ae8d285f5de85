#!/bin/sh
# shard.sh: the sharded run (gammaray-shard(7), contrib/dask) next to one machine, for
# bench/run.sh. Prints markdown rows:
#   - per stage of `gammaray-infer --stage`, as contrib/dask runs them (--buckets,
#     --unsorted): CPU seconds and peak memory per million invocations, the bytes it
#     reads and writes per invocation;
#   - contrib/dask's driver on a local cluster of 1 and 2 worker processes (runs
#     interleaved, best of $REPEAT) against `gammaray-fetch -j 2 | gammaray-infer`;
#     the graphs must be the same.
#
#   BIN=build/bin REPEAT=3 sh bench/shard.sh SIZE...
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
: "${BIN:=$top/build/bin}"
: "${REPEAT:=3}"
PATH=$BIN:$PATH
export LC_ALL=C
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gammaray-shard.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# cpu_rss CMD: best CPU seconds (user + system) and largest peak RSS (KB) of $REPEAT runs
cpu_rss() {
	bc="" rss=0 i=0
	while [ $i -lt "$REPEAT" ]; do
		/usr/bin/time -f "%U %S %M" -o "$tmp/time" sh -c "$1" || { echo "fail 0"; return; }
		set -- "$1" $(tail -n 1 "$tmp/time")
		c=$(awk "BEGIN { print $2 + $3 }")
		if [ -z "$bc" ] || awk "BEGIN { exit !($c < $bc) }"; then bc=$c; fi
		[ "$4" -gt "$rss" ] && rss=$4
		i=$((i + 1))
	done
	echo "$bc $rss"
}

have_dask=0
/usr/bin/python3 -c 'import distributed' 2>/dev/null && have_dask=1

for size in "$@"; do
	dir=$(BIN=$BIN sh bench/gen.sh "$size" --sample-rate 0.5) || { echo "| $size: no workload | |"; continue; }
	in="--export-tasks $dir/export-tasks.json $dir/export $dir/xray"
	gammaray-fetch -q $in >"$tmp/ev" 2>/dev/null
	gammaray-infer -q "$tmp/ev" >"$tmp/one" 2>/dev/null
	ninv=$(grep -c '"type":"node"' "$tmp/one")
	per() { awk "BEGIN { printf \"%.1f\", $1 * 1e6 / $ninv }"; }
	echo "| **sharded run, $size**: $ninv invocations, $(($(wc -c <"$tmp/ev") / 1048576)) MB of events | | | | | |"
	set -- $(cpu_rss "gammaray-infer -q $tmp/ev >/dev/null")
	echo "| one gammaray-infer: CPU-s and peak MB per million invocations | $(per "$1") s, $(awk "BEGIN { printf \"%.0f\", $2 / 1024 * 1e6 / $ninv }") MB | | | | |"
	# each stage as contrib/dask runs it: its own lines only (--buckets 1: the lines go
	# straight to the stage that reads them), in no order (--unsorted, no sort)
	mkdir -p "$tmp/bk/map"
	total=0
	for s in map request:b stream:c trace:d link:e effect:f merge:g; do
		st=${s%:*}
		if [ "$st" = map ]; then
			src=$tmp/ev args="--buckets 1 --bucket-dir $tmp/bk/map"
		else
			cat "$tmp"/bk/*/"${s#*:}"-0.lines >"$tmp/in.$st"
			src=$tmp/in.$st args=--unsorted
			if [ "$st" != merge ]; then
				mkdir -p "$tmp/bk/$st"
				args="$args --buckets 1 --bucket-dir $tmp/bk/$st"
			fi
		fi
		# a run's bucket files are appended to: each run starts from none
		set -- $(cpu_rss "rm -f $tmp/bk/$st/*; gammaray-infer -q --stage $st $args $src >$tmp/out.$st")
		cpu=$1 rss=$2
		if [ "$st" = map ]; then inb=$(wc -c <"$src"); else inb=$(wc -c <"$tmp/in.$st"); fi
		if [ "$st" = merge ]; then outb=$(wc -c <"$tmp/out.merge"); else
			outb=$(cat "$tmp"/bk/"$st"/* 2>/dev/null | wc -c); fi
		total=$(awk "BEGIN { print $total + $cpu }")
		echo "| stage $st: CPU-s per M invocations, peak RSS, read and written per invocation | $(per "$cpu") s, $((rss / 1024)) MB, $(awk "BEGIN { printf \"%.0f B, %.0f B\", $inb / $ninv, $outb / $ninv }") | | | | |"
	done
	cmp -s "$tmp/one" "$tmp/out.merge" && same=same || same=DIFFERENT
	echo "| all stages: CPU-s per M invocations; the graph against one run | $(per "$total") s; $same | | | | |"
	rm -rf "$tmp/bk"
	rm -f "$tmp"/in.* "$tmp"/out.*
	# what this machine gives two processes at once, the ceiling of any speed-up from
	# 1 worker to 2 here: one gammaray-infer over the events, then two at once
	a="" p="" i=0
	while [ $i -lt "$REPEAT" ]; do
		/usr/bin/time -f "%e" -o "$tmp/time" sh -c "gammaray-infer -q $tmp/ev >/dev/null"
		w=$(tail -n 1 "$tmp/time")
		if [ -z "$a" ] || awk "BEGIN { exit !($w < $a) }"; then a=$w; fi
		/usr/bin/time -f "%e" -o "$tmp/time" sh -c "gammaray-infer -q $tmp/ev >/dev/null &
			gammaray-infer -q $tmp/ev >/dev/null; wait"
		w=$(tail -n 1 "$tmp/time")
		if [ -z "$p" ] || awk "BEGIN { exit !($w < $p) }"; then p=$w; fi
		i=$((i + 1))
	done
	echo "| this machine: two gammaray-infer at once against one, the work done per second (the most 2 workers can gain) | ${p}s for two | ${a}s for one | $(awk "BEGIN { printf \"%.2f\", ($p > 0 ? 2 * $a / $p : 0) }") | | |"
	[ $have_dask = 1 ] || { echo "| dask: skipped (no python3-distributed) | | | | | |"; continue; }
	# the driver, fetch included, on 1 and 2 worker processes, against one machine; the
	# stages' lines as files in a shuffle directory (what it does on a local cluster),
	# and on 2 workers through Dask's memory as well (a cluster without shared storage)
	b1="" b2="" bs="" bm="" c1="" c2="" cs="" cm="" r2=0 rmem=0 i=0
	while [ $i -lt "$REPEAT" ]; do
		set -- $(SHUFFLE=memory BIN=$BIN /usr/bin/python3 bench/shard_dask.py 2 "$tmp/dm" $dir/export-tasks.json $dir/export $dir/xray 2>/dev/null)
		wm=${1:-0} mm=${2:-0} um=${3:-0}
		if [ -z "$bm" ] || awk "BEGIN { exit !($wm < $bm) }"; then bm=$wm; fi
		if [ -z "$cm" ] || awk "BEGIN { exit !($um < $cm) }"; then cm=$um; fi
		[ "$mm" -gt "$rmem" ] && rmem=$mm
		set -- $(BIN=$BIN /usr/bin/python3 bench/shard_dask.py 1 "$tmp/d1" $dir/export-tasks.json $dir/export $dir/xray 2>/dev/null)
		w1=${1:-0} u1=${3:-0}
		set -- $(BIN=$BIN /usr/bin/python3 bench/shard_dask.py 2 "$tmp/d2" $dir/export-tasks.json $dir/export $dir/xray 2>/dev/null)
		w2=${1:-0} m2=${2:-0} u2=${3:-0}
		/usr/bin/time -f "%e %U %S" -o "$tmp/time" sh -c "gammaray-fetch -q -j 2 $in | gammaray-infer -q >$tmp/single"
		set -- $(tail -n 1 "$tmp/time")
		ws=$1 us=$(awk "BEGIN { print $2 + $3 }")
		if [ -z "$b1" ] || awk "BEGIN { exit !($w1 < $b1) }"; then b1=$w1; fi
		if [ -z "$b2" ] || awk "BEGIN { exit !($w2 < $b2) }"; then b2=$w2; fi
		if [ -z "$bs" ] || awk "BEGIN { exit !($ws < $bs) }"; then bs=$ws; fi
		if [ -z "$c1" ] || awk "BEGIN { exit !($u1 < $c1) }"; then c1=$u1; fi
		if [ -z "$c2" ] || awk "BEGIN { exit !($u2 < $c2) }"; then c2=$u2; fi
		if [ -z "$cs" ] || awk "BEGIN { exit !($us < $cs) }"; then cs=$us; fi
		[ "$m2" -gt "$r2" ] && r2=$m2
		i=$((i + 1))
	done
	cmp -s "$tmp/single" "$tmp/d2" && cmp -s "$tmp/single" "$tmp/d1" &&
		cmp -s "$tmp/single" "$tmp/dm" && same=same || same=DIFFERENT
	sp=$(awk "BEGIN { printf \"%.2f\", ($b2 > 0 ? $b1 / $b2 : 0) }")
	ra=$(awk "BEGIN { printf \"%.2f\", ($bs > 0 ? $b2 / $bs : 0) }")
	rc=$(awk "BEGIN { printf \"%.2f\", ($cs > 0 ? $c2 / $cs : 0) }")
	echo "| dask, 2 workers vs 1 (speed-up); graphs $same | ${b2}s (${c2}s CPU), worker peak $((r2 / 1024)) MB | ${b1}s (${c1}s CPU) | $sp | >= 1.6 | $(awk "BEGIN { print ($sp >= 1.6) ? \"ok\" : \"SHORT\" }") |"
	echo "| dask, 2 workers, lines through Dask's memory vs through files | ${bm}s (${cm}s CPU), worker peak $((rmem / 1024)) MB | ${b2}s (${c2}s CPU) | $(awk "BEGIN { printf \"%.2f\", ($b2 > 0 ? $bm / $b2 : 0) }") | | |"
	echo "| dask, 2 workers vs fetch -j 2 \\| infer | ${b2}s (${c2}s CPU) | ${bs}s (${cs}s CPU) | $ra ($rc CPU) | <= 1.5 | $(awk "BEGIN { print ($ra <= 1.5) ? \"ok\" : \"SHORT\" }") |"
done
