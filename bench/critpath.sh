#!/bin/sh
# critpath.sh: gammaray-critpath against a bare jansson parse of the same input, on graph
# streams of 10k, 100k and 1M invocations (workflows of 1 to 12 invocations, async hops
# and synchronous calls), and on one trace of a million spans (--request). Prints
# markdown rows: wall and CPU time (best of $REPEAT), the ratio to the parse, and the
# growth from one size to the next (10x the input: at most 12x the time).
#
#   BIN=build/bin sh bench/critpath.sh [MAX]   MAX: 10000, 100000 or 1000000 (default)
#   OLD=/tmp/old/gammaray-critpath sh bench/critpath.sh   also times another critpath
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
: "${BIN:=$top/build/bin}"
: "${REPEAT:=3}"
: "${OLD:=}"
max=${1:-1000000}
cache=$top/bench/cache/critpath
mkdir -p "$cache" || exit 2
jparse=$(sh "$top/bench/jparse.sh") || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gammaray-cpbench.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# A graph stream of N invocations (deterministic: awk's srand with a fixed seed).
gen_graph() {
	awk -v N="$1" 'BEGIN {
		srand(7); t = 1714564800000000; i = 0; ne = 0
		split("upload resize thumb index notify audit auth db cache mailer", fn, " ")
		split("s3 sqs sns dynamodb kinesis lambda events", kd, " ")
		while (i < N) {
			size = 1 + int(rand() * 12); if (size > N - i) size = N - i
			t += 1000 + int(rand() * 49000); base = i
			s[i] = t; e[i] = t + 50000 + int(rand() * 450000)
			ini[i] = rand() < 0.25 ? 150000 : 0; f[i] = fn[1 + int(rand() * 10)]; i++
			for (k = 1; k < size; k++) {
				p = base + int(rand() * k); lo = s[p] + ini[p]; hi = e[p] - 1
				if (hi < lo) hi = lo
				c = lo + int(rand() * (hi - lo + 1))
				if (rand() < 0.3) {
					s[i] = c + 2000; e[i] = s[i] + 1000 + int(rand() * 99000)
					if (e[i] >= e[p]) e[i] = e[p] - 1
					if (e[i] <= s[i]) e[i] = s[i] + 1
					kind = "lambda"; sy = "true"
				} else {
					s[i] = c + 10000 + int(rand() * 1990000)
					e[i] = s[i] + 50000 + int(rand() * 450000)
					kind = kd[1 + int(rand() * 7)]; sy = "false"
				}
				ini[i] = 0; f[i] = fn[1 + int(rand() * 10)]
				ef[ne] = p; et[ne] = i; ek[ne] = kind; es[ne] = sy; ec[ne] = c; ne++; i++
			}
		}
		print "{\"type\":\"gammaray-graph\",\"v\":1}"
		for (j = 0; j < N; j++)
			printf "{\"type\":\"node\",\"id\":\"%08d-0000-4000-8000-%012d\",\"fn\":\"%s\",\"start_us\":%.0f,\"end_us\":%.0f,\"init_us\":%d,\"cold\":%s,\"status\":\"ok\",\"stream\":\"2024/05/01/[$LATEST]0a1b2c3d4e5f60718293a4b5c6d7e8f9\",\"mem_mb\":256,\"billed_us\":%d}\n", (j * 7919) % 100000000, j, f[j], s[j], e[j], ini[j], ini[j] ? "true" : "false", e[j] - s[j]
		for (j = 0; j < ne; j++)
			printf "{\"type\":\"edge\",\"from\":\"%08d-0000-4000-8000-%012d\",\"to\":\"%08d-0000-4000-8000-%012d\",\"kind\":\"%s\",\"sync\":%s,\"evidence\":\"marker\",\"key\":\"bucket/key-%d\",\"confidence\":1.000,\"cause_us\":%.0f,\"delay_us\":%d}\n", (ef[j] * 7919) % 100000000, ef[j], (et[j] * 7919) % 100000000, et[j], ek[j], es[j], et[j], ec[j], s[et[j]] + ini[et[j]] - ec[j]
	}'
}

# One trace of N spans as segment records: a random tree, children inside parents.
gen_spans() {
	awk -v N="$1" 'BEGIN {
		srand(3); print "{\"type\":\"gammaray-events\",\"v\":1}"
		s[0] = 0; e[0] = 100 * N
		printf "{\"type\":\"segment\",\"trace\":\"T\",\"id\":\"s0\",\"name\":\"root\",\"svc\":\"svc\",\"start_us\":0,\"end_us\":%d}\n", e[0]
		for (i = 1; i < N; i++) {
			lo = i > 1000 ? i - 1000 : 0; p = lo + int(rand() * (i - lo))
			if (e[p] - s[p] < 2) p = 0
			s[i] = s[p] + int(rand() * (e[p] - s[p])); e[i] = s[i] + 1 + int(rand() * (e[p] - s[i]))
			printf "{\"type\":\"segment\",\"trace\":\"T\",\"id\":\"s%d\",\"parent\":\"s%d\",\"name\":\"op%d\",\"svc\":\"svc%d\",\"start_us\":%d,\"end_us\":%d}\n", i, p, i % 7, i % 5, s[i], e[i]
		}
	}'
}

# best CMD [K]: the best wall and CPU seconds of $REPEAT runs ("wall cpu"); with K, each
# run is K back-to-back runs of CMD, divided by K (/usr/bin/time counts in 10 ms steps,
# too coarse for the 10k graph).
best() {
	bw="" bc="" k=${2:-1}
	r=0
	while [ $r -lt "$REPEAT" ]; do
		/usr/bin/time -f "%e %U %S" -o "$tmp/t" \
			sh -c "i=0; while [ \$i -lt $k ]; do $1; i=\$((i + 1)); done" >/dev/null 2>&1
		set -- "$1" $(tail -n 1 "$tmp/t")
		w=$(awk "BEGIN { print $2 / $k }") c=$(awk "BEGIN { print ($3 + $4) / $k }")
		if [ -z "$bw" ] || awk "BEGIN { exit !($w < $bw) }"; then bw=$w; fi
		if [ -z "$bc" ] || awk "BEGIN { exit !($c < $bc) }"; then bc=$c; fi
		r=$((r + 1))
	done
	echo "$bw $bc"
}

echo "| measurement | critpath (wall, CPU) | jansson parse (wall, CPU) | ratio (CPU) | growth x10 (CPU) | goal |"
echo "|---|---|---|---|---|---|"
prev="" oprev=""
for n in 10000 100000 1000000; do
	[ "$n" -gt "$max" ] && break
	g=$cache/graph-$n.ndjson
	[ -s "$g" ] || gen_graph "$n" >"$g" || exit 1
	k=$((1000000 / n / 10)) # 10 runs at 10k
	[ $k -ge 1 ] || k=1
	set -- $(best "$BIN/gammaray-critpath --json $g" $k)
	ow=$1 oc=$2
	set -- $(best "$jparse $g" $k)
	bw=$1 bc=$2
	ratio=$(awk "BEGIN { printf \"%.2f\", ($bc > 0 ? $oc / $bc : 0) }")
	growth=$( [ -n "$prev" ] && awk "BEGIN { printf \"%.1f\", ($prev > 0 ? $oc / $prev : 0) }" || echo "-")
	echo "| critpath --json, $n invocations | ${ow}s, ${oc}s | ${bw}s, ${bc}s | $ratio | $growth | ratio <= 0.6, growth <= 12 |"
	if [ -n "$OLD" ]; then
		set -- $(best "$OLD --json $g" $k)
		echo "| $OLD --json, $n invocations | ${1}s, ${2}s | ${bw}s, ${bc}s | $(awk "BEGIN { printf \"%.2f\", ($bc > 0 ? $2 / $bc : 0) }") | $( [ -n "$oprev" ] && awk "BEGIN { printf \"%.1f\", ($oprev > 0 ? $2 / $oprev : 0) }" || echo "-") | before |"
		oprev=$2
	fi
	prev=$oc
done
if [ "$max" -ge 1000000 ]; then
	s=$cache/spans-1000000.ndjson
	[ -s "$s" ] || gen_spans 1000000 >"$s" || exit 1
	set -- $(best "$BIN/gammaray-critpath --request --json $s")
	ow=$1 oc=$2
	set -- $(best "$jparse $s")
	echo "| critpath --request, one trace of 1,000,000 spans | ${ow}s, ${oc}s | ${1}s, ${2}s | $(awk "BEGIN { printf \"%.2f\", ($2 > 0 ? $oc / $2 : 0) }") | - | works (Jaeger UI: ~10,000) |"
fi
