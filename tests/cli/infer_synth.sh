# the quality bar on a small simulation (overall precision and recall): markers with
# X-Ray at 50%, then X-Ray only (recall over what X-Ray shows); shuffled input
gammaray-synth -q -o "$TMP/m" -n 60 -s 4 --sample-rate 0.5 --error-rate 0.05 --timeout-rate 0.02
gammaray-fetch -q --export-tasks "$TMP/m/export-tasks.json" "$TMP/m/export" "$TMP/m/xray" > "$TMP/ev"
gammaray-infer "$TMP/ev" > "$TMP/g"
gammaray-score "$TMP/m/truth.ndjson" "$TMP/g" | awk '$1 == "all" { print "markers", $5, $6 }'
awk 'NR % 2' "$TMP/ev" > "$TMP/odd"; awk 'NR % 2 == 0' "$TMP/ev" > "$TMP/even"
gammaray-infer "$TMP/even" "$TMP/odd" "$TMP/ev" > "$TMP/g2"
# the graph without the stats records that end it (their counts differ by input)
records() { grep -v '^{"type":"stats",' "$1"; }
records "$TMP/g" >"$TMP/a"; records "$TMP/g2" >"$TMP/b"
cmp "$TMP/a" "$TMP/b" && echo "any order, duplicates merged: same graph"
gammaray-synth -q -o "$TMP/x" -n 60 -s 4 --sample-rate 0.5 --no-markers
gammaray-fetch -q --export-tasks "$TMP/x/export-tasks.json" "$TMP/x/export" "$TMP/x/xray" |
	gammaray-infer | gammaray-score --xray-only "$TMP/x/truth.ndjson" - |
	awk '$1 == "all" { print "xray-only", $5, $6 }'
