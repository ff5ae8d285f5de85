# gammaray-infer --stage (gammaray-shard(7)): the stages with sort between them write
# byte for byte the graph one gammaray-infer writes, stats record included: on the
# synthetic workloads with markers, X-Ray only and OpenTelemetry; the input cut into
# parts each mapped by its own process; each stage's lines regrouped by key alone in
# any order (as Hadoop sorts); critical paths, whole and per run shard
export LC_ALL=C
stages="request stream trace link effect"
sharded() { # sharded SORT MAPPER...: the mappers' output through the stages
	srt=$1; shift
	"$@" | $srt >"$TMP/s.0"
	i=0
	for s in $stages; do
		gammaray-infer -q --stage $s "$TMP/s.$i" | $srt >"$TMP/s.$((i + 1))" || echo "stage $s failed"
		i=$((i + 1))
	done
	gammaray-infer -q --stage merge "$TMP/s.$i"
}
maps() { # maps PART...: one mapper per part, outputs concatenated
	i=0
	for p in "$@"; do gammaray-infer -q --stage map --part $i "$p"; i=$((i + 1)); done
}
# key-only grouping of shuffled lines: what a Hadoop reducer may be given
bykey() { shuf --random-source="$TMP/ev.markers" | sort -s -t "$(printf '\t')" -k1,1; }
# no sort at all: every stage given its lines shuffled (--unsorted), the merge too
unsorted() { # unsorted MAPPER...
	"$@" | shuf --random-source="$TMP/ev.markers" >"$TMP/u.0"
	i=0
	for s in $stages; do
		gammaray-infer -q --stage $s --unsorted "$TMP/u.$i" |
			shuf --random-source="$TMP/ev.markers" >"$TMP/u.$((i + 1))" || echo "stage $s failed"
		i=$((i + 1))
	done
	gammaray-infer -q --stage merge --unsorted "$TMP/u.$i"
}
check() { # check NAME SYNTH-OPTIONS...
	name=$1; shift
	gammaray-synth -q -o "$TMP/$name" -n 40 -s 7 "$@"
	gammaray-fetch -q "$TMP/$name/export" "$TMP/$name/xray" "$TMP/$name/otlp" \
		"$TMP/$name/aws-spans" >"$TMP/ev.$name" 2>/dev/null
	gammaray-infer -q "$TMP/ev.$name" >"$TMP/one.$name"
	sharded sort gammaray-infer -q --stage map "$TMP/ev.$name" >"$TMP/sh.$name"
	cmp -s "$TMP/one.$name" "$TMP/sh.$name" && echo "$name: same graph" \
		"($(grep -c '"type":"node"' "$TMP/one.$name") nodes," \
		"$(grep -c '"type":"edge"' "$TMP/one.$name") edges," \
		"$(grep -c '"type":"unmatched"' "$TMP/one.$name") unmatched)"
	split -n l/3 -d "$TMP/ev.$name" "$TMP/part.$name."
	sharded sort maps "$TMP/part.$name."* >"$TMP/sh3.$name"
	cmp -s "$TMP/one.$name" "$TMP/sh3.$name" && echo "$name: in 3 parts, 3 mappers: same graph"
	sharded bykey gammaray-infer -q --stage map "$TMP/ev.$name" >"$TMP/hk.$name"
	cmp -s "$TMP/one.$name" "$TMP/hk.$name" && echo "$name: grouped by key alone: same graph"
	unsorted maps "$TMP/part.$name."* >"$TMP/un.$name"
	cmp -s "$TMP/one.$name" "$TMP/un.$name" && echo "$name: shuffled, each stage --unsorted: same graph"
	gammaray-critpath --json "$TMP/one.$name" >"$TMP/cp1"
	gammaray-critpath --json "$TMP/sh.$name" >"$TMP/cp2"
	cmp -s "$TMP/cp1" "$TMP/cp2" && echo "$name: same critical paths"
}
check markers
check xray-only --no-markers --sample-rate 1
check otel --traces otel

# the edge cases of the fixtures: X-Ray shapes, spans (links, writes and invokes of
# client spans, mixed fleets), SnapStart, failed inits, retries, bad records
# (an input that is no event stream stops gammaray-infer, and the map, with exit 1)
n=0 same=0 stopped=0
for f in fixtures/infer/*.ndjson fixtures/otel/* fixtures/xray/* fixtures/logs/* fixtures/real/* \
	fixtures/export; do
	gammaray-fetch -q "$f" >"$TMP/fx" 2>/dev/null
	case $f in fixtures/infer/*) cp "$f" "$TMP/fx" ;; esac
	gammaray-infer -q "$TMP/fx" >"$TMP/fx.one" 2>/dev/null
	n=$((n + 1))
	if [ ! -s "$TMP/fx.one" ]; then
		gammaray-infer -q --stage map "$TMP/fx" >/dev/null 2>&1 || stopped=$((stopped + 1))
		continue
	fi
	sharded sort gammaray-infer -q --stage map "$TMP/fx" >"$TMP/fx.sh" 2>/dev/null
	# and cut in 3 parts (a part's first line is no stream's first line)
	rm -f "$TMP/fxp."*
	split -n l/3 -d "$TMP/fx" "$TMP/fxp."
	sharded sort maps "$TMP/fxp."* >"$TMP/fx.sh3" 2>/dev/null
	# and every stage's lines shuffled, --unsorted
	unsorted maps "$TMP/fxp."* >"$TMP/fx.un" 2>/dev/null
	if cmp -s "$TMP/fx.one" "$TMP/fx.sh" && cmp -s "$TMP/fx.one" "$TMP/fx.sh3" &&
		cmp -s "$TMP/fx.one" "$TMP/fx.un"; then
		same=$((same + 1))
	else
		echo "differs: $f"
	fi
done
echo "fixtures: $same of $n the same graph (whole, in 3 parts, shuffled with --unsorted)," \
	"$stopped stopped at their first line"

# --buckets: each stage writes files by the stage that reads its lines and the hash of
# their key; 3 partitions per stage, each fed its files from every task before it (what
# contrib/dask does), the same graph
bk=$TMP/bk
mkdir -p "$bk/map"
gammaray-infer -q --stage map --buckets 3 --bucket-dir "$bk/map" "$TMP/ev.markers"
for s in request:b stream:c trace:d link:e effect:f; do
	for j in 0 1 2; do
		mkdir -p "$bk/${s%:*}$j"
		cat "$bk"/*/"${s#*:}-$j.lines" 2>/dev/null | sort >"$bk/in"
		gammaray-infer -q --stage "${s%:*}" --buckets 3 --bucket-dir "$bk/${s%:*}$j" "$bk/in"
	done
done
cat "$bk"/*/g-0.lines | sort | gammaray-infer -q --stage merge >"$TMP/bk.g"
cmp -s "$TMP/one.markers" "$TMP/bk.g" && echo "--buckets 3, 3 partitions a stage: same graph" \
	"($(ls "$bk"/*/*.lines | wc -l) bucket files)"

# and as contrib/dask runs them: no sort, each partition's files in any order
for s in request:b stream:c trace:d link:e effect:f; do
	for j in 0 1 2; do
		mkdir -p "$bk/u${s%:*}$j"
		ls "$bk"/map/"${s#*:}-$j.lines" "$bk"/u*/"${s#*:}-$j.lines" 2>/dev/null | sort -r |
			xargs cat >"$bk/in"
		gammaray-infer -q --stage "${s%:*}" --unsorted --buckets 3 \
			--bucket-dir "$bk/u${s%:*}$j" "$bk/in"
	done
done
cat "$bk"/map/g-0.lines "$bk"/u*/g-0.lines | gammaray-infer -q --stage merge --unsorted >"$TMP/bk.u"
cmp -s "$TMP/one.markers" "$TMP/bk.u" && echo "--buckets 3 and --unsorted, no sort: same graph"

# the merge with --split: the same graph, and each run whole in one of 3 shards
mkdir "$TMP/runs"
gammaray-infer -q --stage merge --split 3 --split-dir "$TMP/runs" "$TMP/s.5" >"$TMP/split.g"
cmp -s "$TMP/one.otel" "$TMP/split.g" && echo "--split: same graph"
for f in "$TMP/runs/"*; do gammaray-critpath --json "$f"; done | sort >"$TMP/cp.runs"
gammaray-critpath --json "$TMP/one.otel" | sort >"$TMP/cp.one"
cmp -s "$TMP/cp.runs" "$TMP/cp.one" && echo "--split: each run's critical path as in the whole graph" \
	"($(ls "$TMP/runs" | wc -l) shards)"

# the merge's counts: every record read once, as one run counts them
gammaray-infer -q --stats=json --stage merge "$TMP/s.5" 2>"$TMP/st" >/dev/null
jq -c '{records_in, records_out, written, invocations, edges}' "$TMP/st"

# what is not a stage's input stops the stage (exit 1), named
err() { "$@" 2>"$TMP/err" >/dev/null; st=$?; sed "s|$TMP/||" "$TMP/err"; echo "status $st"; }
err gammaray-infer --stage trace "$TMP/ev.otel"
sort -r "$TMP/s.2" >"$TMP/unsorted"
err gammaray-infer --stage trace "$TMP/unsorted"
err gammaray-infer --stage link "$TMP/s.1"
err gammaray-infer --stage map --window 5m "$TMP/ev.otel"
err gammaray-infer --stage trace --split 2 --split-dir "$TMP" "$TMP/s.2"
err gammaray-infer --stage shuffle
err gammaray-infer --stage merge --buckets 2 --bucket-dir "$TMP"
err gammaray-infer --stage map --unsorted "$TMP/ev.otel"
