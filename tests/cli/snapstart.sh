# SnapStart restores (issue 14 item 3). Expected values worked out by hand from the
# sample text, before the code:
# ../shared/corpus/real-world/09-console-copy-snapstart-java21.txt (licence not stated:
#   read there, when present): its REPORT says "Restore Duration: 422.92 ms" and
#   "Billed Restore Duration: 76 ms": restore_us 422920 (not 76000), billed_restore_us
#   76000; RESTORE_START and RESTORE_REPORT are records; no Init Duration and a Restore
#   Duration: a restored start ("start":"restore", "cold":true), init_us 0
# fixtures/logs/snapstart-export.txt, the same lines each joined to its time line:
#   START 2025-05-22T00:33:10.329Z = 1747873990329000 us; start_us = START - restore
#   = 1747873990329000 - 422920 = 1747873989906080; end_us = START + Duration 98.35 ms
#   = 1747873990427350; latency = 422920 + 98350 = 521270 (0.8113 restore, 0.1887 exec)
# fixtures/logs/snapstart-json.ndjson (JSON log format): platform.restoreReport
#   durationMs 500.8 -> restore_us 500800; platform.report durationMs 147.2,
#   restoreDurationMs 500.8; platform.start 2024-11-04T09:12:00.703Z = 1730711520703000;
#   start_us = 1730711520703000 - 500800 = 1730711520202200, end_us = +147200 =
#   1730711520850200, latency 648000 = 500.8 + 147.2 ms (>= 648 ms); restore share
#   500800/648000 = 77.3%
f=../shared/corpus/real-world/09-console-copy-snapstart-java21.txt
if [ -f "$f" ]; then
	gammaray-fetch -q "$f" >"$TMP/09.ev"
	gammaray-infer -q "$TMP/09.ev" >"$TMP/09.graph"
	grep -c '"type":"restore_start"' "$TMP/09.ev" | grep -qx 1 || echo "09: no restore_start"
	grep -q '"type":"restore_report",.*"restore_us":422920' "$TMP/09.ev" || echo "09: restore_report"
	grep -q '"restore_us":422920,"billed_restore_us":76000' "$TMP/09.ev" || echo "09: report"
	grep -q '"init_us":0,"restore_us":422920,"cold":true,"start":"restore"' "$TMP/09.graph" ||
		echo "09: node"
fi
echo "shared 09: checked"
for f in fixtures/logs/snapstart-export.txt fixtures/logs/snapstart-json.ndjson; do
	echo "== $f"
	gammaray-fetch -q "$f" | grep -e restore -e '"report"'
	gammaray-fetch -q "$f" | gammaray-infer -q >"$TMP/g"
	grep '"node"' "$TMP/g"
	gammaray-critpath -q --json "$TMP/g"
done
gammaray-critpath -q "$TMP/g"
gammaray-critpath -q --folded "$TMP/g"
