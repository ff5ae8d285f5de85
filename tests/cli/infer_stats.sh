# --stats: every record accounted for by reason, edges by kind and evidence, loops
gammaray-infer --stats -o "$TMP/g.ndjson" fixtures/infer/markers.ndjson 2>&1
echo "status $?"
wc -l < "$TMP/g.ndjson"
