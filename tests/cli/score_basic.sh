# gammaray-score: per-kind table, JSON, --xray-only, wrong files
gammaray-infer fixtures/infer/markers.ndjson > "$TMP/g"
gammaray-score fixtures/infer/score-truth.ndjson "$TMP/g"
gammaray-score --json --xray-only fixtures/infer/score-truth.ndjson "$TMP/g"
(cd "$TMP" && gammaray-score g "$OLDPWD/fixtures/infer/score-truth.ndjson" 2>&1); echo "status $?"
gammaray-score fixtures/infer/score-truth.ndjson 2>&1; echo "status $?"
