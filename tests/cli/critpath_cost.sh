# --cost: money per run, per root function and per function, on the critical path and
# off it. fixtures/critpath/cost.graph.ndjson priced by hand (x86_64, us-east-1:
# 16,666,700 pico-dollars per GB-s, 200,000 per request; arm64 13,333,400):
#   upload 400 ms 128 MB: 16,666,700 * 0.4 * 0.125 = 833,335 + 200,000 = 1,033,335
#   auth 40 ms 128 MB: 83,333.5 + 200,000 -> 283,334 (rounded once, halves up)
#   notify 200 ms 256 MB (off the path): 833,335 + 200,000 = 1,033,335
#   resize 700 ms 1024 MB, arm64 (cost.prices): 9,333,380 + 200,000 = 9,533,380
#   index: no Billed Duration or Memory Size: unknown, on the path
#   upload's run: 1,033,335 + 283,334 + 1,033,335 + 9,533,380 = 11,883,384
#   cron 100 ms 2048 MB, restored, restore=free: 3,333,340 + 200,000 = 3,533,340
# Messages go to $TMP/err and are shown after the output (stdout and stderr do not mix).
gammaray-critpath --prices fixtures/critpath/cost.prices fixtures/critpath/cost.graph.ndjson 2>"$TMP/err"
echo "status $?"
cat "$TMP/err"
echo "== --json: pico-dollars as integers; without --prices the defaults and a warning"
gammaray-critpath --json --cost --root 00000001-0000-4000-8000-000000000001 \
	fixtures/critpath/cost.graph.ndjson 2>"$TMP/err"
echo "status $?"
cat "$TMP/err"
echo "== the SnapStart restore charged by default when the runtime is not known (no"
echo "== RESTORE_START read; Python and .NET are charged, Java not): cron 3,533,340 +"
echo "== 139,799,800 * 2048/1024 = 279,599,600 -> 283,132,940"
gammaray-critpath --json --cost -q --root 00000006-0000-4000-8000-000000000006 \
	fixtures/critpath/cost.graph.ndjson | grep -o '"cost":{[^}]*}'
echo "== --stats=json counts the invocations priced and not"
gammaray-critpath -q --cost --stats=json fixtures/critpath/cost.graph.ndjson 2>&1 >/dev/null |
	grep -o '"cost_[a-z]*":[0-9]*'
echo "== X-Ray only (no REPORT): cost unknown, never free"
grep -v '"type":"report"\|"type":"start"' fixtures/infer/xray.ndjson | gammaray-infer -q >"$TMP/xray.graph"
gammaray-critpath --cost --top 1 --function 'front|check' "$TMP/xray.graph" 2>"$TMP/err"
echo "status $?"
cat "$TMP/err"
gammaray-critpath --cost -q --json --function front "$TMP/xray.graph" | grep -o '"cost[a-z_]*":[^,]*'
echo "== a bad price file: its name and line, exit 2"
printf 'function resize arch=arm64\nprice us-east-1 x86_64 duration=0.00001666671234567\n' >"$TMP/bad.prices"
cd "$TMP" && gammaray-critpath --prices bad.prices "$OLDPWD/fixtures/critpath/cost.graph.ndjson" 2>&1
echo "status $?"
gammaray-critpath --prices none.prices "$OLDPWD/fixtures/critpath/cost.graph.ndjson" 2>&1
echo "status $?"
cd "$OLDPWD" || exit 1
echo "== --cost goes with the report and --json, and with the graph"
gammaray-critpath --cost --folded fixtures/critpath/cost.graph.ndjson 2>&1
echo "status $?"
gammaray-critpath --cost --request fixtures/critpath/otlp.json 2>&1
echo "status $?"
gammaray-critpath --cost --what-if faster=work:2 fixtures/critpath/cost.graph.ndjson 2>&1
echo "status $?"
echo "== the real SnapStart sample (corpus 09, fixtures/logs/snapstart-export.txt), through"
echo "== the pipeline: Billed Duration 175 ms (76 ms of restore in it), 3538 MB, x86_64:"
echo "== 16,666,700 * 0.175 * 3538/1024 + 200,000 = 10,277,331.35 -> 10,277,331: its"
echo "== RESTORE_START names java:21.v38, and a Java restore has no charge (the default"
echo "== restore=runtime); restore=charged, or the same log with python:3.12.v16, adds"
echo "== 139,799,800 * 3538/1024 -> 493,296,562"
gammaray-fetch -q fixtures/logs/snapstart-export.txt | gammaray-infer -q >"$TMP/snap.graph"
grep -o '"runtime":"[^"]*"' "$TMP/snap.graph"
gammaray-critpath -q --json --cost "$TMP/snap.graph" | grep -o '"cost":{"pico":[0-9]*'
echo 'default restore=charged' >"$TMP/charged.prices"
gammaray-critpath -q --json --prices "$TMP/charged.prices" "$TMP/snap.graph" | grep -o '"cost":{"pico":[0-9]*'
sed 's/java:21\.v38/python:3.12.v16/' fixtures/logs/snapstart-export.txt >"$TMP/snap-py.txt"
gammaray-fetch -q "$TMP/snap-py.txt" | gammaray-infer -q >"$TMP/snap-py.graph"
grep -o '"runtime":"[^"]*"' "$TMP/snap-py.graph"
gammaray-critpath -q --json --cost "$TMP/snap-py.graph" | grep -o '"cost":{"pico":[0-9]*'
