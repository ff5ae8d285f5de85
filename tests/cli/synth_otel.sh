# gammaray-synth --traces: OpenTelemetry spans beside (or instead of) X-Ray pages;
# same seed, same bytes; without spans the output is what --traces xray writes
gammaray-synth -q -o "$TMP/a" --runs 60 --sample-rate 0.5 --traces both
gammaray-synth -q -o "$TMP/b" --runs 60 --sample-rate 0.5 --traces both
diff -r "$TMP/a" "$TMP/b" >/dev/null && echo "same seed, same bytes"
gammaray-synth -q -o "$TMP/x" --runs 60 --sample-rate 0.5
diff -r "$TMP/a/export" "$TMP/x/export" >/dev/null && diff -r "$TMP/a/xray" "$TMP/x/xray" >/dev/null &&
	echo "logs and X-Ray pages as without spans"
sed 's/,"otel":[a-z]*//' "$TMP/a/truth.ndjson" | cmp -s - "$TMP/x/truth.ndjson" &&
	echo "the truth as without spans, but for the otel flags"
echo "== spans only, no markers: the edges spans show are found, every span joined"
gammaray-synth -q -o "$TMP/o" --runs 60 --sample-rate 0.5 --no-markers --traces otel
ls "$TMP/o"
gammaray-fetch -q --export-tasks "$TMP/o/export-tasks.json" "$TMP/o/export" "$TMP/o/aws-spans" \
	"$TMP/o/otlp" | gammaray-infer >"$TMP/o.graph"
gammaray-score --otel-only "$TMP/o/truth.ndjson" "$TMP/o.graph"
echo "span: nodes $(grep -c '"id":"span:' "$TMP/o.graph")"
