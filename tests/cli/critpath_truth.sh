# a simulated workload: the critical paths of the truth's own graph are the truth's,
# exactly; those of the inferred graph agree with them
gammaray-synth -q -o "$TMP/s" -n 300 -s 3
gammaray-fetch -q --export-tasks "$TMP/s/export-tasks.json" "$TMP/s/export" "$TMP/s/xray" |
	gammaray-infer -q >"$TMP/graph.ndjson"
gammaray-critpath --json "$TMP/s/truth.ndjson" >"$TMP/truth-runs.json"
gammaray-score --json --critpath="$TMP/truth-runs.json" "$TMP/s/truth.ndjson" "$TMP/graph.ndjson" | tail -1
gammaray-score --critpath "$TMP/s/truth.ndjson" "$TMP/graph.ndjson" | tail -2
