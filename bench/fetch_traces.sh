#!/bin/sh
# fetch_traces.sh: gammaray-fetch on one Jaeger JSON document of N spans (default a
# million) and on the same trace as OTLP/JSON, against a bare jansson parse of each:
# wall time and peak RSS (best of $REPEAT, GNU time), one markdown row per program.
#
#   BIN=build/bin sh bench/fetch_traces.sh [N]
#   OLD=/tmp/fetch-old sh bench/fetch_traces.sh   also times another gammaray-fetch
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
: "${BIN:=$top/build/bin}"
: "${REPEAT:=3}"
: "${OLD:=}"
n=${1:-1000000}
cache=$top/bench/cache/traces
mkdir -p "$cache" || exit 2
jparse=$(sh "$top/bench/jparse.sh") || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gammaray-trbench.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# One Jaeger trace of N spans on one line, as the query API answers: a random tree
# (children inside their parents), tags, a log, and the processes table after the
# spans. Deterministic (awk's srand with a fixed seed).
gen_jaeger() {
	awk -v N="$1" 'BEGIN {
		srand(3); t0 = 1714564800000000
		printf "{\"data\":[{\"traceID\":\"5b8efff798038103d269b633813fc60c\",\"spans\":["
		s[0] = 0; e[0] = 100 * N
		for (i = 0; i < N; i++) {
			if (i) {
				lo = i > 1000 ? i - 1000 : 0; p = lo + int(rand() * (i - lo))
				if (e[p] - s[p] < 2) p = 0
				s[i] = s[p] + int(rand() * (e[p] - s[p])); e[i] = s[i] + 1 + int(rand() * (e[p] - s[i]))
				ref = sprintf("{\"refType\":\"CHILD_OF\",\"traceID\":\"5b8efff798038103d269b633813fc60c\",\"spanID\":\"%016x\"}", p + 1)
			} else {
				ref = ""
			}
			printf "%s{\"traceID\":\"5b8efff798038103d269b633813fc60c\",\"spanID\":\"%016x\",\"operationName\":\"op%d\",\"references\":[%s],\"startTime\":%.0f,\"duration\":%d,\"tags\":[{\"key\":\"span.kind\",\"type\":\"string\",\"value\":\"%s\"},{\"key\":\"http.status_code\",\"type\":\"int64\",\"value\":%d},{\"key\":\"internal.span.format\",\"type\":\"string\",\"value\":\"jaeger\"}],\"logs\":[{\"timestamp\":%.0f,\"fields\":[{\"key\":\"event\",\"type\":\"string\",\"value\":\"done\"}]}],\"processID\":\"p%d\",\"warnings\":null}", i ? "," : "", i + 1, i % 7, ref, t0 + s[i], e[i] - s[i], i % 3 ? "client" : "server", i % 11 ? 200 : 503, t0 + e[i], i % 5
		}
		printf "],\"processes\":{"
		for (j = 0; j < 5; j++)
			printf "%s\"p%d\":{\"serviceName\":\"svc%d\",\"tags\":[{\"key\":\"hostname\",\"type\":\"string\",\"value\":\"host-%d\"}]}", j ? "," : "", j, j, j
		printf "},\"warnings\":null}],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}\n"
	}'
}

# The same kind of trace as OTLP/JSON: one resource per service, ids in hex, times
# in nanoseconds as strings, attributes.
gen_otlp() {
	awk -v N="$1" 'BEGIN {
		srand(3); t0 = 1714564800000000
		printf "{\"resourceSpans\":["
		for (r = 0; r < 5; r++) {
			printf "%s{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc%d\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"bench\"},\"spans\":[", r ? "," : "", r
			for (i = r; i < N; i += 5) {
				s = int(rand() * 100 * N); d = 1 + int(rand() * 1000000)
				printf "%s{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"%016x\",\"parentSpanId\":\"%016x\",\"name\":\"op%d\",\"kind\":%d,\"startTimeUnixNano\":\"%.0f000\",\"endTimeUnixNano\":\"%.0f000\",\"attributes\":[{\"key\":\"http.response.status_code\",\"value\":{\"intValue\":\"%d\"}}],\"status\":{}}", (i >= 5 ? "," : ""), i + 1, i ? 1 + int(rand() * i) : 0, i % 7, 2 + i % 2, t0 + s, t0 + s + d, i % 11 ? 200 : 503
			}
			printf "]}]}"
		}
		printf "]}\n"
	}'
}

# best CMD: the best wall seconds and peak RSS (MB) of $REPEAT runs ("wall rss").
best() {
	bw="" br=""
	r=0
	while [ $r -lt "$REPEAT" ]; do
		/usr/bin/time -f "%e %M" -o "$tmp/t" sh -c "exec $1" >/dev/null 2>&1
		set -- "$1" $(tail -n 1 "$tmp/t")
		if [ -z "$bw" ] || awk "BEGIN { exit !($2 < $bw) }"; then bw=$2; fi
		if [ -z "$br" ] || [ "$3" -lt "$br" ]; then br=$3; fi
		r=$((r + 1))
	done
	echo "$bw $((br / 1024))"
}

echo "| input | program | wall s | peak RSS MB |"
echo "|---|---|---|---|"
for fmt in jaeger otlp; do
	f=$cache/$fmt-$n.json
	[ -s "$f" ] || gen_$fmt "$n" >"$f" || exit 1
	mb=$(( $(wc -c <"$f") / 1048576 ))
	set -- $(best "$jparse $f")
	echo "| $fmt, $n spans, $mb MB | jansson parse | $1 | $2 |"
	set -- $(best "$BIN/gammaray-fetch --max-doc 4G --no-progress $f")
	echo "| $fmt, $n spans, $mb MB | gammaray-fetch | $1 | $2 |"
	if [ -n "$OLD" ]; then
		set -- $(best "$OLD --max-doc 4G --no-progress $f")
		echo "| $fmt, $n spans, $mb MB | $(basename "$OLD") | $1 | $2 |"
	fi
done
