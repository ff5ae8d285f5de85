#!/bin/sh
# run.sh: `make bench`. Generates (or reuses) inputs of several sizes with
# gammaray-synth, runs every program next to its baseline on the same input, and prints
# one table: wall time (best of $REPEAT, runs interleaved), peak RSS, the ratio against
# the baseline with the issue's goal, and the quality figures against ground truth.
# Results also go to bench/results.md, which bench/README.md quotes.
#
#   BIN=build/bin sh bench/run.sh [small|medium|large|all]   (default: small medium)
#   REPEAT=5 ...    more runs per measurement (default 3)
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
: "${BIN:=$top/build/bin}"
: "${REPEAT:=3}"
PATH=$BIN:$PATH
export LC_ALL=C
sizes=${*:-small medium}
[ "$sizes" = all ] && sizes="small medium large"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gammaray-bench.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
results=$top/bench/results.md

die() { echo "bench: $*" >&2; exit 1; }
for p in gammaray-fetch gammaray-synth; do
	command -v $p >/dev/null || die "$p not built (run make first)"
done

# The bare jansson baseline: parse every line, nothing else.
jparse=$(sh "$top/bench/jparse.sh") || exit 1

# Workloads: bench/gen.sh makes (once) about 10 MB, 100 MB and 1 GB of logs of the
# mixed application with X-Ray at 50% sampling, and the truth.
workload() {
	BIN=$BIN sh bench/gen.sh "$1" --sample-rate 0.5 || die "cannot generate the $1 workload"
}

# measure CMD: best wall seconds, best CPU seconds (user + system) and the peak RSS
# (KB) over $REPEAT runs: prints "wall cpu rss", or "fail" when CMD failed. The wall
# time is read from the clock in milliseconds (GNU time prints hundredths, too coarse
# for the small workload's 10-40 ms runs); CPU seconds stay in hundredths.
measure() {
	bw="" bc="" rss=0 i=0
	while [ $i -lt "$REPEAT" ]; do
		t0=$(date +%s%N)
		/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" sh -c "$1" || { echo "fail 0 0"; return; }
		t1=$(date +%s%N)
		set -- "$1" $(tail -n 1 "$tmp/time")
		w=$(awk "BEGIN { printf \"%.3f\", ($t1 - $t0) / 1e9 }") c=$(awk "BEGIN { print $3 + $4 }") m=$5
		if [ -z "$bw" ] || awk "BEGIN { exit !($w < $bw) }"; then bw=$w; fi
		if [ -z "$bc" ] || awk "BEGIN { exit !($c < $bc) }"; then bc=$c; fi
		[ "$m" -gt "$rss" ] && rss=$m
		i=$((i + 1))
	done
	echo "$bw $bc $rss"
}

# pair LABEL GOAL OURS BASE: run both $REPEAT times, interleaved, and report the ratio
# of the best wall times (the goal's measure) and of the best CPU times (steadier on a
# shared machine). GOAL "<=N": ratio at most N; ">=N": at least N times faster. Runs
# of under a tenth of a second are taken five times as often: at 10-40 ms one
# scheduling hiccup is a third of the time, and three tries often all meet one.
pair() {
	label=$1 goal=$2 ours=$3 base=$4
	ow="" oc="" bw="" bc="" orss=0 i=0 n=$REPEAT
	while [ $i -lt "$n" ]; do
		set -- $(REPEAT=1 measure "$ours")
		[ "$1" = fail ] && { echo "| $label | failed | | | $goal | FAIL |"; return; }
		if [ -z "$ow" ] || awk "BEGIN { exit !($1 < $ow) }"; then ow=$1; fi
		if [ -z "$oc" ] || awk "BEGIN { exit !($2 < $oc) }"; then oc=$2; fi
		[ "$3" -gt "$orss" ] && orss=$3
		set -- $(REPEAT=1 measure "$base")
		if [ -z "$bw" ] || awk "BEGIN { exit !($1 < $bw) }"; then bw=$1; fi
		if [ -z "$bc" ] || awk "BEGIN { exit !($2 < $bc) }"; then bc=$2; fi
		[ $i = 0 ] && awk "BEGIN { exit !($ow < 0.1 && $bw < 0.1) }" && n=$((REPEAT * 5))
		i=$((i + 1))
	done
	rw=$(awk "BEGIN { printf \"%.2f\", ($bw > 0 ? $ow / $bw : 0) }")
	# CPU seconds come in hundredths: a baseline under one has no ratio
	rc=$(awk "BEGIN { if ($bc > 0) printf \"%.2f\", $oc / $bc; else printf \"-\" }")
	verdict=$(awk "BEGIN { g = \"$goal\"; sub(/^[<>]=/, \"\", g); g += 0; \
		if (\"$goal\" ~ /^>=/) print ($rw > 0 && 1 / $rw >= g) ? \"ok\" : \"SHORT\"; \
		else print ($rw <= g) ? \"ok\" : \"SHORT\" }")
	echo "| $label | ${ow}s (${oc}s CPU), $((orss / 1024)) MB | ${bw}s (${bc}s CPU) | $rw ($rc CPU) | $goal | $verdict |"
}

mb() { du -sk "$@" | awk '{ s += $1 } END { printf "%.0f", s / 1024 }'; }
raw_mb() { find "$@" -name '*.gz' -exec zcat {} + | wc -c | awk '{ printf "%.0f", $1 / 1e6 }'; }

{
	echo "## Results"
	echo
	echo "Machine: $(uname -m), $(nproc) CPUs, $(awk '/model name/ { sub(/.*: /, ""); print; exit }' /proc/cpuinfo 2>/dev/null)"
	echo "Date: $(date -u +%Y-%m-%d), gammaray $(gammaray-fetch --version | awk '{ print $2 }'), best of $REPEAT interleaved runs ($((REPEAT * 5)) for pairs of runs under 0.1 s)."
	echo "Ratios are ours / baseline (lower is better) unless the goal says >= (a speed-up)."
	echo
	echo "| measurement | ours: wall (CPU), peak RSS | baseline: wall (CPU) | ratio: wall (CPU) | goal | |"
	echo "|---|---|---|---|---|---|"
} >"$results"

for size in $sizes; do
	dir=$(workload "$size")
	exp=$dir/export
	xr=$dir/xray
	echo "| **$size**: $(raw_mb "$exp") MB of logs ($(mb "$exp") MB gzip), $(mb "$xr") MB of X-Ray pages | | | | | |" >>"$results"
	pair "fetch export, 1 job vs zcat" "<=2" \
		"gammaray-fetch -q --export-tasks $dir/export-tasks.json $exp >/dev/null" \
		"find $exp -name '*.gz' -exec zcat {} + >/dev/null" >>"$results"
	pair "fetch export, -j 2 vs zcat (1 core)" "<=1.25" \
		"gammaray-fetch -q -j 2 --export-tasks $dir/export-tasks.json $exp >/dev/null" \
		"find $exp -name '*.gz' -exec zcat {} + >/dev/null" >>"$results"
	if command -v jq >/dev/null; then
		pair "fetch X-Ray pages, 1 job vs jq" ">=3" \
			"gammaray-fetch -q $xr >/dev/null" \
			"jq -c '.Traces[].Segments[].Document|fromjson' $xr/*.json >/dev/null" >>"$results"
		pair "fetch X-Ray pages, -j 2 vs jq" ">=3" \
			"gammaray-fetch -q -j 2 $xr >/dev/null" \
			"jq -c '.Traces[].Segments[].Document|fromjson' $xr/*.json >/dev/null" >>"$results"
	fi
	# CloudWatch Logs JSON: the same application as filter-log-events pages
	fdir=$(BIN=$BIN sh bench/gen.sh "$size" --format filter-log-events --sample-rate 0.5) ||
		die "cannot generate the $size filter-log-events workload"
	pair "fetch filter-log-events pages, 1 job vs jparse" "<=1" \
		"gammaray-fetch -q -j 1 $fdir/logs >/dev/null 2>&1 || [ \$? = 1 ]" \
		"$jparse $fdir/logs/*/*.json >/dev/null 2>&1" >>"$results"
	# the whole pipeline with default options against just reading the same input
	# (issue 13: <= 5x), and each stage alone on the previous stage's output
	pair "pipeline fetch | infer | critpath vs zcat + cat of the input" "<=5" \
		"gammaray-fetch -q --export-tasks $dir/export-tasks.json $exp $xr | gammaray-infer -q | gammaray-critpath -q >/dev/null" \
		"find $exp -name '*.gz' -exec zcat {} + >/dev/null; find $xr -type f -exec cat {} + >/dev/null" >>"$results"
	gammaray-fetch -q --export-tasks $dir/export-tasks.json $exp $xr >"$tmp/pipe-ev" 2>/dev/null
	gammaray-infer -q "$tmp/pipe-ev" >"$tmp/pipe-graph" 2>/dev/null
	st_fetch=$(measure "gammaray-fetch -q --export-tasks $dir/export-tasks.json $exp $xr >/dev/null")
	st_infer=$(measure "gammaray-infer -q $tmp/pipe-ev >/dev/null")
	st_crit=$(measure "gammaray-critpath -q $tmp/pipe-graph >/dev/null")
	echo "| pipeline stages alone ($size): fetch, infer, critpath | $(echo "$st_fetch" | awk '{ print $1 "s" }'), $(echo "$st_infer" | awk '{ print $1 "s" }'), $(echo "$st_crit" | awk '{ print $1 "s" }') wall | | | | |" >>"$results"
	rm -f "$tmp/pipe-ev" "$tmp/pipe-graph"
	# the generator itself: invocations simulated and written per second
	ninv=$(grep -c '"type":"node"' "$dir/truth.ndjson")
	set -- $(measure "gammaray-synth -q --app mixed --invocations $ninv --seed 1 --sample-rate 0.5 --force -o $tmp/synth")
	rm -rf "$tmp/synth"
	echo "| synth: $ninv invocations written ($size) | ${1}s (${2}s CPU), $(($3 / 1024)) MB: $(awk "BEGIN { printf \"%.0f\", $ninv / $1 }") inv/s | | | >= 50000 inv/s | $(awk "BEGIN { print ($ninv / $1 >= 50000) ? \"ok\" : \"SHORT\" }") |" >>"$results"
	gammaray-fetch -q --export-tasks "$dir/export-tasks.json" "$exp" "$xr" >"$tmp/events.ndjson"
	echo "| fetch peak RSS, export + X-Ray ($size) | $(measure "gammaray-fetch -q --export-tasks $dir/export-tasks.json $exp $xr >/dev/null" | awk '{ printf "%d MB", $3 / 1024 }') | | | < 64 MB + a page | |" >>"$results"

	if command -v gammaray-infer >/dev/null; then
		pair "infer vs bare jansson parse of the events" "<=1.5" \
			"gammaray-infer $tmp/events.ndjson >/dev/null" "$jparse $tmp/events.ndjson 2>/dev/null" >>"$results"
		gammaray-infer "$tmp/events.ndjson" >"$tmp/graph.ndjson" 2>/dev/null
		nodes=$(grep -c '"type":"node"' "$tmp/graph.ndjson")
		rss=$(measure "gammaray-infer $tmp/events.ndjson >/dev/null" | awk '{ print $3 }')
		echo "| infer memory per invocation ($nodes) | $(awk "BEGIN { printf \"%.0f B\", $rss * 1024 / ($nodes > 0 ? $nodes : 1) }") | | | <= 1 KB | |" >>"$results"
		wrss=$(measure "gammaray-infer --window 5m $tmp/events.ndjson >/dev/null" | awk '{ print $3 }')
		echo "| infer --window 5m memory per invocation | $(awk "BEGIN { printf \"%.0f B\", $wrss * 1024 / ($nodes > 0 ? $nodes : 1) }") | | | bounded | |" >>"$results"
		if command -v gammaray-score >/dev/null; then
			gammaray-score "$dir/truth.ndjson" "$tmp/graph.ndjson" >"$tmp/score" 2>&1
			cp "$tmp/score" "$tmp/kinds-$size-markers"
			echo "| infer with markers ($size): precision, recall | $(awk '$1 == "all" { print $5 ", " $6 }' "$tmp/score") | | | >= 0.995 | |" >>"$results"
			# X-Ray only: the same workload without markers, 50% sampling
			xdir=$(BIN=$BIN sh bench/gen.sh "$size" --sample-rate 0.5 --no-markers)
			gammaray-fetch -q --export-tasks "$xdir/export-tasks.json" "$xdir/export" "$xdir/xray" |
				gammaray-infer >"$tmp/xgraph.ndjson" 2>/dev/null
			gammaray-score --xray-only "$xdir/truth.ndjson" "$tmp/xgraph.ndjson" >"$tmp/xscore" 2>&1
			cp "$tmp/xscore" "$tmp/kinds-$size-xray"
			echo "| infer X-Ray only ($size): precision, recall of X-Ray-visible edges | $(awk '$1 == "all" { print $5 ", " $6 }' "$tmp/xscore") | | | P >= 0.995, R >= 0.99 | |" >>"$results"
			# OpenTelemetry only: the same workload without markers or X-Ray pages,
			# spans of the invocations sampled at 50% (aws/spans export and OTLP/JSON)
			odir=$(BIN=$BIN sh bench/gen.sh "$size" --sample-rate 0.5 --no-markers --traces otel)
			gammaray-fetch -q --export-tasks "$odir/export-tasks.json" "$odir/export" "$odir/aws-spans" \
				"$odir/otlp" >"$tmp/oevents.ndjson"
			gammaray-infer "$tmp/oevents.ndjson" >"$tmp/ograph.ndjson" 2>/dev/null
			gammaray-score --otel-only "$odir/truth.ndjson" "$tmp/ograph.ndjson" >"$tmp/oscore" 2>&1
			cp "$tmp/oscore" "$tmp/kinds-$size-otel"
			echo "| infer, OpenTelemetry only ($size): precision, recall of span-visible edges | $(awk '$1 == "all" { print $5 ", " $6 }' "$tmp/oscore") | | | P >= 0.995, R >= 0.99 | |" >>"$results"
			# every span invocation joined with its log records: no "span:" node, as
			# many nodes as the truth
			onodes=$(grep -c '"type":"node"' "$tmp/ograph.ndjson")
			tnodes=$(grep -c '"type":"node"' "$odir/truth.ndjson")
			unjoined=$(grep -c '"type":"node","id":"span:' "$tmp/ograph.ndjson")
			echo "| OpenTelemetry only ($size): span invocations not joined to their logs | $unjoined ($onodes nodes, truth $tnodes) | | | 0 | $([ "$unjoined" -eq 0 ] && [ "$onodes" -eq "$tnodes" ] && echo ok || echo SHORT) |" >>"$results"
			pair "fetch aws/spans export, 1 job vs zcat" "<=2" \
				"gammaray-fetch -q $odir/aws-spans >/dev/null" \
				"find $odir/aws-spans -name '*.gz' -exec zcat {} + >/dev/null" >>"$results"
			orss=$(measure "gammaray-infer $tmp/oevents.ndjson >/dev/null" | awk '{ print $3 }')
			echo "| infer memory per invocation, OpenTelemetry only ($onodes) | $(awk "BEGIN { printf \"%.0f B\", $orss * 1024 / ($onodes > 0 ? $onodes : 1) }") | | | <= 1 KB | |" >>"$results"
			if command -v gammaray-critpath >/dev/null; then
				gammaray-score --critpath "$dir/truth.ndjson" "$tmp/graph.ndjson" >"$tmp/cscore" 2>&1
				echo "| critpath agreement with the truth ($size) | $(sed -n 's/.*both [0-9]* (\([0-9.]*\)).*/\1 of roots: same path and latency/p' "$tmp/cscore") | | | >= 0.995 | |" >>"$results"
			fi
		fi
		if command -v gammaray-critpath >/dev/null; then
			pair "critpath vs bare jansson parse of the graph" "<=0.6" \
				"gammaray-critpath --json $tmp/graph.ndjson >/dev/null" \
				"$jparse $tmp/graph.ndjson 2>/dev/null" >>"$results"
			# --what-if (issue 19): the function most often on the critical paths
			# twice as fast, against the plain run on the same graph
			wfn=$(gammaray-critpath "$tmp/graph.ndjson" 2>/dev/null | awk '/^every run/ { on = 1; next }
				/^$/ { on = 0 } on && $2 == "function" && $3 > best { best = $3; fn = $1 }
				END { print fn }')
			[ -n "$wfn" ] && pair "critpath --what-if faster=$wfn:2 vs plain critpath, both --json" "<=2" \
				"gammaray-critpath --json --what-if faster=$wfn:2 $tmp/graph.ndjson >/dev/null" \
				"gammaray-critpath --json $tmp/graph.ndjson >/dev/null" >>"$results"
		fi
		if command -v gammaray-dot >/dev/null; then
			pair "dot function view vs bare jansson parse" "<=0.6" \
				"gammaray-dot --view functions $tmp/graph.ndjson >/dev/null" \
				"$jparse $tmp/graph.ndjson 2>/dev/null" >>"$results"
		fi
		# issue 16: the whole HTML report against critpath's text report (the
		# report runs critpath, lays out the map on a second thread, and writes
		# the page); bench/report.sh has the same on random graphs
		if command -v gammaray-report >/dev/null; then
			pair "report vs critpath report, same graph" "<=1.5" \
				"gammaray-report -q -o $tmp/report.html $tmp/graph.ndjson" \
				"gammaray-critpath -q $tmp/graph.ndjson >/dev/null" >>"$results"
			echo "| report page size ($size) | $(wc -c <"$tmp/report.html" | awk -v n="$(grep -c '"type":"node"' "$tmp/graph.ndjson")" '{ printf "%.1f MB, %.2f MB per 100k invocations", $1 / 1e6, $1 / 1e6 / (n / 100000) }') | | | <= 20 MB at 1M | |" >>"$results"
		fi
	fi
done

# precision and recall per edge kind, as gammaray-score prints them
for size in $sizes; do
	for what in markers xray otel; do
		[ -f "$tmp/kinds-$size-$what" ] || continue
		{
			echo
			if [ $what = markers ]; then
				echo "gammaray-infer on the $size workload, with markers (gammaray-score):"
			elif [ $what = xray ]; then
				echo "gammaray-infer on the $size workload, X-Ray only, 50% sampling (gammaray-score --xray-only):"
			else
				echo "gammaray-infer on the $size workload, OpenTelemetry only, 50% sampling (gammaray-score --otel-only):"
			fi
			echo
			sed -n '/^edges/,/^all/s/^/    /p' "$tmp/kinds-$size-$what"
		} >>"$results"
	done
done

# the sharded run: each stage's CPU and memory per million invocations, contrib/dask on
# 1 and 2 worker processes against one machine (bench/shard.sh)
{
	echo
	echo "gammaray-infer --stage and contrib/dask next to one machine (best of $REPEAT):"
	echo
	echo "| measurement | ours | baseline | ratio | goal | |"
	echo "|---|---|---|---|---|---|"
	BIN=$BIN REPEAT=$REPEAT sh bench/shard.sh $sizes 2>/dev/null
} >>"$results"

# gammaray-critpath on synthetic graphs of 10k, 100k and 1M invocations and on one trace
# of a million spans, against the same bare parse (bench/critpath.sh)
if command -v gammaray-critpath >/dev/null; then
	{
		echo
		echo "gammaray-critpath on synthetic graphs and a million-span trace (best CPU of $REPEAT):"
		echo
		BIN=$BIN REPEAT=$REPEAT sh bench/critpath.sh "${CRITPATH_MAX:-1000000}"
	} >>"$results"
fi

# gammaray-critpath --what-if against the truth gammaray-synth --what-if simulates, on
# the medium workload (bench/whatif.sh)
case " $sizes " in
*" medium "*)
	{
		echo
		echo "What if (issue 19): latencies predicted by gammaray-critpath --what-if against the truth re-simulated by gammaray-synth --what-if (medium):"
		echo
		BIN=$BIN sh bench/whatif.sh medium
	} >>"$results"
	;;
esac

# gammaray-report against gammaray-critpath's report on the same graphs, the page's size,
# the demo page's load event in headless Chromium (bench/report.sh)
if command -v gammaray-report >/dev/null; then
	{
		echo
		echo "gammaray-report on the same synthetic graphs (best of $REPEAT), its page, the demo page in a browser:"
		echo
		BIN=$BIN REPEAT=$REPEAT sh bench/report.sh "${CRITPATH_MAX:-1000000}"
	} >>"$results"
fi

cat "$results"
echo
echo "bench: results written to bench/results.md"
