# gammaray-report: names and keys that are markup, quotes, line separators and bidi
# controls stay text: escaped in the page's data (nothing could close the element),
# round-tripped exactly through it
s='</script><script>alert(1)</script>'
b=$(printf '\342\200\256evil\342\201\246x\342\200\250y')
{
	echo '{"type":"gammaray-graph","v":1}'
	printf '{"type":"node","id":"r-1","fn":"%s","start_us":1714564800000000,"end_us":1714564800100000,"init_us":0,"status":"ok","trace":"1-<b>t</b>"}\n' "$s"
	printf '{"type":"node","id":"r-2","fn":"%s","start_us":1714564800200000,"end_us":1714564800300000,"init_us":50000,"cold":true,"start":"cold","status":"error"}\n' "$b"
	printf '{"type":"edge","from":"r-1","to":"r-2","kind":"s3","evidence":"marker","key":"bkt/<img src=x onerror=alert(2)>&amp;\\"q","cause_us":1714564800090000,"delay_us":110000,"confidence":1}\n'
	printf '{"type":"unmatched","what":"trigger","req":"r-2","fn":"%s","kind":"s3","key":"<svg onload=alert(3)>","ts":1714564800250000}\n' "$s"
	echo '{"type":"stats","stage":"infer","files":1,"records_in":5,"records_out":4,"written":4,"skipped":{},"lost":{"bad-json":1}}'
} >"$TMP/g.ndjson"
gammaray-report -q -o "$TMP/r.html" "$TMP/g.ndjson"; echo "exit $?"
/usr/bin/python3 tests/cli/report_check.py "$TMP/r.html" "$TMP/g.ndjson" "$s" "$b" \
	'<img src=x onerror=alert(2)>&amp;"q' '<svg onload=alert(3)>' '<b>t</b>'
grep -c 'alert' "$TMP/r.html" | sed 's/^/lines naming alert: /'
LC_ALL=C grep -c "$(printf '\342\200\256')" "$TMP/r.html" | sed 's/^/lines with a raw U+202E: /'
