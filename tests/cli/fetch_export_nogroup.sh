# without a log group: functions come from what the events say, and that is said
gammaray-fetch fixtures/export 2>&1 >"$TMP/out" | sed 's/^/stderr: /'
grep -h '"type":"stream"' "$TMP/out"
