#!/bin/sh
# fetch_cwl.sh: gammaray-fetch on CloudWatch Logs JSON: the filter-log-events pages
# of a workload (bench/gen.sh SIZE --format filter-log-events) and the same events
# as subscription payloads (one {"awslogs":{"data":...}} record a line, 100 events of
# a stream per gzip payload), against a bare jansson parse of the same files: wall
# and CPU time, peak RSS (best of $REPEAT, GNU time, runs interleaved), one markdown
# row per program and input.
#
#   BIN=build/bin sh bench/fetch_cwl.sh [small|medium|large]   (default medium)
#   OLD=/tmp/fetch-old/build/bin sh bench/fetch_cwl.sh       also times another fetch
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
: "${BIN:=$top/build/bin}"
: "${REPEAT:=3}"
: "${OLD:=}"
export LC_ALL=C
size=${1:-medium}
jparse=$(sh "$top/bench/jparse.sh") || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gammaray-cwlbench.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

dir=$(BIN=$BIN sh bench/gen.sh "$size" --format filter-log-events) || exit 1
pages=$dir/logs
sub=$dir/subscription.ndjson
if [ ! -s "$sub" ] || [ "$dir/.gen-params" -nt "$sub" ]; then
	python3 - "$pages" "$sub.tmp" <<'EOF' || exit 1
import base64, gzip, json, os, sys
pages, out = sys.argv[1], sys.argv[2]
streams = {}
for root, _, files in sorted(os.walk(pages)):
    group = "/aws/lambda/" + os.path.basename(root)
    for f in sorted(files):
        for ev in json.load(open(os.path.join(root, f)))["events"]:
            streams.setdefault((group, ev["logStreamName"]), []).append(
                {"id": ev.get("eventId", ""), "timestamp": ev["timestamp"], "message": ev["message"]})
with open(out, "w") as o:
    for (group, stream), evs in sorted(streams.items()):
        for i in range(0, len(evs), 100):
            p = {"messageType": "DATA_MESSAGE", "owner": "123456789012", "logGroup": group,
                 "logStream": stream, "subscriptionFilters": ["gammaray"], "logEvents": evs[i:i + 100]}
            data = gzip.compress(json.dumps(p, separators=(",", ":")).encode(), 1)
            o.write(json.dumps({"awslogs": {"data": base64.b64encode(data).decode()}}) + "\n")
EOF
	mv "$sub.tmp" "$sub"
fi

# run CMD: "wall cpu rss_kb" of one run (fetch ends with 1 when a record is lost:
# the medium workload loses two by design)
run() {
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" sh -c "$1"
	tail -n 1 "$tmp/time" | awk '{ print $1, $2 + $3, $4 }'
}

# row INPUT LABEL:CMD...: every command $REPEAT times, interleaved; best wall and CPU
row() {
	input=$1
	shift
	i=0
	while [ $i -lt "$REPEAT" ]; do
		k=0
		for c in "$@"; do
			run "${c#*:} 2>/dev/null" >>"$tmp/r$k"
			k=$((k + 1))
		done
		i=$((i + 1))
	done
	k=0
	for c in "$@"; do
		awk -v inp="$input" -v label="${c%%:*}" '
			NR == 1 || $1 < w { w = $1 } NR == 1 || $2 < cpu { cpu = $2 }
			$3 > rss { rss = $3 }
			END { if (NR) printf "| %s | %s | %.2f s | %.2f s | %.0f MB |\n", inp, label, w, cpu, rss / 1024 }' \
			"$tmp/r$k"
		rm -f "$tmp/r$k"
		k=$((k + 1))
		input=""
	done
}

mb() { du -sk "$@" | awk '{ s += $1 } END { printf "%.0f", s / 1024 }'; }

echo "| input | program | wall | CPU | peak RSS |"
echo "|---|---|---|---|---|"
set -- "jparse:$jparse $pages/*/*.json >/dev/null" \
	"fetch:$BIN/gammaray-fetch -q -j1 $pages >/dev/null"
[ -n "$OLD" ] && set -- "$@" "fetch before:$OLD/gammaray-fetch -q -j1 $pages >/dev/null"
row "$size filter-log-events pages, $(mb "$pages") MB" "$@"
set -- "jparse:$jparse $sub >/dev/null" "fetch:$BIN/gammaray-fetch -q -j1 $sub >/dev/null"
[ -n "$OLD" ] && set -- "$@" "fetch before:$OLD/gammaray-fetch -q -j1 $sub >/dev/null"
row "$size subscription payloads, $(mb "$sub") MB" "$@"
