#!/bin/sh
# report.sh: gammaray-report against gammaray-critpath (its report) on the same synthetic
# graphs as bench/critpath.sh (100k and 1M invocations), the page's size per 100k
# invocations, and the demo page's load event in headless Chromium. Prints markdown rows.
#
#   BIN=build/bin sh bench/report.sh [MAX]   MAX: 100000 or 1000000 (default)
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
: "${BIN:=$top/build/bin}"
: "${REPEAT:=3}"
max=${1:-1000000}
cache=$top/bench/cache/critpath
mkdir -p "$cache" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gammaray-rpbench.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
# the graphs of bench/critpath.sh, made the same way when it has not made them yet
eval "$(sed -n '/^gen_graph() {/,/^}/p' "$top/bench/critpath.sh")"

# best CMD: the best wall and CPU seconds of $REPEAT runs ("wall cpu")
best() {
	bw="" bc="" r=0
	while [ $r -lt "$REPEAT" ]; do
		/usr/bin/time -f "%e %U %S" -o "$tmp/t" sh -c "$1" >/dev/null 2>&1
		set -- "$1" $(tail -n 1 "$tmp/t")
		w=$2 c=$(awk "BEGIN { print $3 + $4 }")
		if [ -z "$bw" ] || awk "BEGIN { exit !($w < $bw) }"; then bw=$w; fi
		if [ -z "$bc" ] || awk "BEGIN { exit !($c < $bc) }"; then bc=$c; fi
		r=$((r + 1))
	done
	echo "$bw $bc"
}

echo "| measurement | report (wall, CPU) | critpath report (wall, CPU) | ratio: wall (CPU) | page | goal |"
echo "|---|---|---|---|---|---|"
for n in 100000 1000000; do
	[ "$n" -gt "$max" ] && break
	g=$cache/graph-$n.ndjson
	[ -s "$g" ] || gen_graph "$n" >"$g" || exit 1
	set -- $(best "$BIN/gammaray-report -q -o $tmp/r.html $g")
	ow=$1 oc=$2
	set -- $(best "$BIN/gammaray-critpath -q $g")
	bw=$1 bc=$2
	size=$(wc -c <"$tmp/r.html")
	echo "| report, $n invocations | ${ow}s, ${oc}s | ${bw}s, ${bc}s | $(awk "BEGIN { printf \"%.2f (%.2f)\", ($bw > 0 ? $ow / $bw : 0), ($bc > 0 ? $oc / $bc : 0) }") | $(awk "BEGIN { printf \"%.1f MB, %.2f MB per 100k invocations\", $size / 1e6, $size / 1e6 / ($n / 100000) }") | time <= 1.5x; <= 20 MB at 1M |"
done
if command -v chromium >/dev/null 2>&1; then
	BIN=$BIN sh tests/browser/run.sh "$tmp/browser" >"$tmp/browser.log" 2>&1
	load=$(sed -n 's/.*load event at \([0-9]*\) ms.*/\1/p' "$tmp/browser.log")
	echo "| demo page (95 invocations, 30 runs) in headless Chromium | load event at ${load:-?} ms | | | $(wc -c <"$tmp/browser/report.html" | awk '{ printf "%.0f KB", $1 / 1000 }') | opens at once |"
else
	echo "| demo page in headless Chromium | no chromium | | | | |"
fi
