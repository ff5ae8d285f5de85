#!/bin/sh
# run.sh: gammaray-report in a real browser: the demo workload's page opened in Debian's
# headless Chromium, driven (a function clicked, the slowest run opened, a request id
# searched), what it shows compared with the graph (tests/browser/drive.py).
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
exec /usr/bin/python3 "$(dirname "$0")/drive.py" "$browser" "$out"
