#!/bin/sh
# run.sh: gammaray-report in a real browser: the demo workload's page opened in Debian's
# headless Chromium, driven (a function clicked, the slowest run opened, a request id
# searched), what it shows compared with the graph (tests/browser/drive.py); and a page
# of hostile names, where nothing may run.
# Screenshots of the map and of a timeline are left in OUT.
#
#   BIN=build/bin sh tests/browser/run.sh OUT
#
# Without chromium the test is skipped, except under CI=true, where it fails.
set -eu
: "${BIN:?}"
out=${1:?usage: run.sh OUT}
PATH=$BIN:$PATH
export PATH LC_ALL=C TZ=UTC
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	if [ "${CI:-}" = true ]; then
		echo "browser-check: FAIL: chromium is missing (CI=true: never skipped; build-aux/deps.sh test installs it)"
		exit 1
	fi
	echo "browser-check: skipped: no chromium (apt-get install chromium; CI=true makes this a failure)"
	exit 0
fi
rm -rf "$out"
mkdir -p "$out"
# the demo's workload (build-aux/demo.sh)
gammaray-synth -q -o "$out/app" --app webapp --runs 30 --seed 7 --sample-rate 0.5
gammaray-fetch -q --export-tasks "$out/app/export-tasks.json" "$out/app/export" "$out/app/xray" |
	gammaray-infer -q >"$out/graph.ndjson"
gammaray-report -q -o "$out/report.html" "$out/graph.ndjson"
# the same page with what the invocations cost (the compiled-in prices)
gammaray-report -q --cost -o "$out/cost.html" "$out/graph.ndjson"
# a page of hostile names: markup, quotes, bidi controls, a line separator
mkdir -p "$out/hostile"
s='</script><script>alert(1)</script>'
b=$(printf '\342\200\256evil\342\201\246x\342\200\250y')
k='<img src=x onerror=alert(2)>&amp;"q'
{
	echo '{"type":"gammaray-graph","v":1}'
	printf '{"type":"node","id":"r-1","fn":"%s","start_us":1714564800000000,"end_us":1714564800100000,"init_us":0,"status":"ok"}\n' "$s"
	printf '{"type":"node","id":"r-2","fn":"%s","start_us":1714564800200000,"end_us":1714564800300000,"init_us":50000,"cold":true,"start":"cold","status":"error"}\n' "$b"
	printf '{"type":"edge","from":"r-1","to":"r-2","kind":"s3","evidence":"marker","key":"bkt/x","cause_us":1714564800090000,"delay_us":110000,"confidence":1}\n'
	printf '{"type":"unmatched","what":"trigger","req":"r-2","kind":"s3","key":"%s","ts":1714564800250000}\n' "$(printf '%s' "$k" | sed 's/"/\\"/g')"
} >"$out/hostile/graph.ndjson"
S=$s B=$b K=$k /usr/bin/python3 -c 'import json, os; print(json.dumps({"fns": [os.environ["S"], os.environ["B"]], "keys": [os.environ["K"]]}))' >"$out/hostile/names.json"
gammaray-report -q -o "$out/hostile/report.html" "$out/hostile/graph.ndjson"
exec /usr/bin/python3 "$(dirname "$0")/drive.py" "$browser" "$out"
