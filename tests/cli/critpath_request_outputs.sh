# request mode: report, folded, chrome trace of Jaeger API and OTLP traces
gammaray-fetch fixtures/critpath/crisp/18.json fixtures/critpath/crisp/23.json >"$TMP/ev.ndjson"
gammaray-critpath --request "$TMP/ev.ndjson"
echo "== folded"
gammaray-critpath --request --folded "$TMP/ev.ndjson"
echo "== chrome"
gammaray-critpath --request --chrome-trace --root A "$TMP/ev.ndjson" | head -c 600; echo
echo "== jaeger api + otlp"
gammaray-fetch -q fixtures/critpath/jaeger-api.json fixtures/critpath/otlp.json 2>/dev/null |
	gammaray-critpath --request --json --stats
