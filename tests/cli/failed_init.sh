# a failed init counts as a cold start (issue 14 item 3). Expected values worked out
# by hand from the sample text, before the code:
# fixtures/logs/failed-init-logresult.txt (LogResult form, no times): "INIT_REPORT Init
#   Duration: 19.27 ms Phase: invoke Status: error Error Type: Runtime.ExitError", then
#   START/END/REPORT without Init Duration: the init ran again in the invoke phase and
#   failed: "start":"failed-init", "cold":true, init_us 19270, status error (REPORT)
# fixtures/logs/failed-init-export.txt (the same with times, after a failed init phase):
#   START 2024-09-16T08:00:00.436Z = 1726473600436000; Lambda counts the suppressed
#   init in Duration and logs START after it: start_us = START - 19270 =
#   1726473600416730, end_us = start_us + Duration 31.40 ms = 1726473600448130
#   (the REPORT's time, 00.448, within a millisecond); latency 31400: init 19270
#   (0.6137), exec 31400 - 19270 = 12130 (0.3863)
for f in fixtures/logs/failed-init-logresult.txt fixtures/logs/failed-init-export.txt; do
	echo "== $f"
	gammaray-fetch -q "$f" | grep '"init_report"'
	gammaray-fetch -q "$f" | gammaray-infer -q >"$TMP/g"
	grep '"node"' "$TMP/g"
	gammaray-critpath -q --json "$TMP/g"
done
