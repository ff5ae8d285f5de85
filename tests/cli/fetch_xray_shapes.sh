# X-Ray shapes: escaped documents (one malformed among good ones), ListRetrievedTraces,
# an array of segment documents, and --function on traces
for f in page-escapes list-retrieved-traces segments-array; do
	echo "== $f"
	gammaray-fetch --stats "fixtures/xray/$f.json" 2>&1 | grep -v 'bytes ('
done
echo "== --function keeps the whole trace when one Lambda segment matches"
gammaray-fetch -q --function 'r.size "v2"' fixtures/xray/page-escapes.json | wc -l
gammaray-fetch -q --function 'other' fixtures/xray/page-escapes.json | wc -l
