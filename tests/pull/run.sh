#!/bin/sh
# run.sh: gammaray-pull with the real AWS CLI v2 against tests/pull/endpoint.py, a local
# endpoint on 127.0.0.1 (a free port) serving a gammaray-synth workload. Shows: what
# gammaray-pull brings down gives gammaray-fetch | gammaray-infer the graph the synth
# files give; several pages of every paginated call; a throttled call backed off; an
# access-denied answer naming the IAM action; no credentials; an interrupted run
# continued without fetching anything twice (the endpoint's request log); an export task
# (one already running first), its objects and task list.
#
#   BIN=build/bin sh tests/pull/run.sh
# Without /usr/bin/aws (Debian's awscli, installed by build-aux/deps.sh test) the test is
# skipped, except under CI=true, where it fails.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
: "${BIN:=$top/build/bin}"
if [ ! -x /usr/bin/aws ]; then
	if [ "${CI:-}" = true ]; then
		echo "pull tests: FAIL: /usr/bin/aws missing (apt-get install awscli)"; exit 1
	fi
	echo "pull tests: skipped: /usr/bin/aws missing (apt-get install awscli)"; exit 0
fi
PATH=$BIN:/usr/bin:$PATH
GAMMARAY_PULL_AWS=/usr/bin/aws  # Debian's v2 (a v1 may come first on PATH); no version probe
export PATH LC_ALL=C TZ=UTC GAMMARAY_PULL_AWS
t0=$(date +%s)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gammaray-pull.XXXXXX") || exit 2
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM

# dummy credentials and a config of our own: nothing of the user's is read
cat >"$TMP/config" <<EOC
[default]
region = us-east-1
max_attempts = 1
s3 =
    addressing_style = path
EOC
: >"$TMP/credentials"
export AWS_ACCESS_KEY_ID=AKIDGAMMARAYTEST AWS_SECRET_ACCESS_KEY=gammaray-test-secret \
	AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=$TMP/config \
	AWS_SHARED_CREDENTIALS_FILE=$TMP/credentials
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION 2>/dev/null

fail=0
pass=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# start ARGS...: an endpoint for this case; $url is where it listens
start() {
	rm -f "$TMP/port"
	/usr/bin/python3 tests/pull/endpoint.py --filter "$TMP/f" --export "$TMP/e" \
		--port-file "$TMP/port" "$@" &
	pid=$!
	i=0
	while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	url=http://127.0.0.1:$(cat "$TMP/port")
}
stop() { kill $pid 2>/dev/null; wait $pid 2>/dev/null; pid=""; }

# graph DIR... : the graph without its final stats records
graph() { gammaray-fetch -q "$@" | gammaray-infer -q | grep -v '"type":"stats"'; }

# dups LOG...: requests made more than once (a failure injected on purpose aside)
dups() { cat "$@" | grep -v '"injected"' | grep -v DescribeExportTasks | sort | uniq -d; }

win="--since 2024-05-01T11:00:00Z --until 2024-05-01T13:00:00Z"
gammaray-synth -q -a webapp -n 4 --sample-rate 0.3 --format filter-log-events -o "$TMP/f" &&
	gammaray-synth -q -a webapp -n 4 --sample-rate 0.3 -o "$TMP/e" || { echo "pull tests: synth failed"; exit 1; }
# the reference: the simulator's files read directly, each page with its log group
set --
for d in "$TMP"/f/logs/*; do set -- "$@" -g "/aws/lambda/${d##*/}" "$d"; done
graph "$@" -g '' "$TMP/f/xray" >"$TMP/want"

echo "== --all, filter-log-events, X-Ray, aws/spans; one ThrottlingException"
start --log "$TMP/log1" --spans --throttle-once FilterLogEvents
gammaray-pull -q --endpoint-url "$url" --all $win -o "$TMP/p1" 2>"$TMP/err1"
st=$?
stop
[ $st = 0 ] && ok || { bad "pull exit status $st"; cat "$TMP/err1"; }
graph "$TMP/p1" >"$TMP/got1"
cmp -s "$TMP/want" "$TMP/got1" && ok || { bad "pulled graph differs"; diff "$TMP/want" "$TMP/got1" | head; }
grep -q 'throttled by AWS (ThrottlingException on FilterLogEvents); waiting 1 s' "$TMP/err1" &&
	ok || bad "no back-off message: $(cat "$TMP/err1")"
for op in DescribeLogGroups FilterLogEvents GetTraceSummaries BatchGetTraces; do
	n=$(grep "\"$op\"" "$TMP/log1" | grep -c '"token": "')
	[ "$n" -ge 1 ] && ok || bad "$op: no second page"
done
[ -s "$TMP/p1/logs/aws_spans/page-000000.json" ] && ok || bad "aws/spans not pulled"
[ -z "$(dups "$TMP/log1")" ] && ok || bad "requests repeated: $(dups "$TMP/log1")"

echo "== an interrupted run, continued"
start --log "$TMP/log2" --spans --stop-after 6
gammaray-pull -q --endpoint-url "$url" --all --no-traces $win -o "$TMP/p2" 2>"$TMP/err2"
st=$?
stop
[ $st = 1 ] && grep -q 'cannot reach AWS' "$TMP/err2" && ok || { bad "interrupted: status $st"; cat "$TMP/err2"; }
start --log "$TMP/log3" --spans
gammaray-pull -q --endpoint-url "$url" --all --no-traces $win -o "$TMP/p2" 2>"$TMP/err3"
st=$?
stop
[ $st = 0 ] && ok || { bad "continued: status $st"; cat "$TMP/err3"; }
[ "$(grep -c . "$TMP/log2")" = 6 ] && ok || bad "the first run made $(grep -c . "$TMP/log2") requests, not 6"
[ -z "$(dups "$TMP/log2" "$TMP/log3")" ] && ok || bad "fetched twice: $(dups "$TMP/log2" "$TMP/log3")"
diff -r -x .gammaray-pull -x xray "$TMP/p1" "$TMP/p2" >"$TMP/diff2" && ok || { bad "continued pull: not the pages of an uninterrupted one"; head -c 600 "$TMP/diff2"; }
gammaray-pull --endpoint-url "$url" --all --no-traces $win -o "$TMP/p2" 2>"$TMP/err4"
[ $? = 0 ] && grep -q 'already complete' "$TMP/err4" && ok || bad "complete pull: $(cat "$TMP/err4")"

echo "== access denied, no credentials"
start --log "$TMP/log5" --deny FilterLogEvents
gammaray-pull --endpoint-url "$url" --function web-frontend $win -o "$TMP/p5" 2>"$TMP/err5"
st=$?
stop
[ $st = 1 ] && grep -q 'gammaray-pull: access denied: these credentials may not call logs:FilterLogEvents' "$TMP/err5" &&
	ok || { bad "denied: status $st"; cat "$TMP/err5"; }
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY gammaray-pull --endpoint-url http://127.0.0.1:9 \
	--function web-frontend $win -o "$TMP/p6" 2>"$TMP/err6"
st=$?
[ $st = 1 ] && grep -q 'gammaray-pull: no AWS credentials' "$TMP/err6" && ok || { bad "no credentials: status $st"; cat "$TMP/err6"; }

echo "== export task to S3, one already running"
start --log "$TMP/log7" --limit-once
gammaray-pull -q --endpoint-url "$url" --method export --bucket exports --no-traces \
	--function web-frontend --function web-process $win -o "$TMP/p7" 2>"$TMP/err7"
st=$?
stop
[ $st = 0 ] && ok || { bad "export: status $st"; cat "$TMP/err7"; }
grep -q 'an export task is already running in this account' "$TMP/err7" && ok || bad "no LimitExceeded message"
[ "$(grep -c '"ListObjectsV2"' "$TMP/log7")" -ge 3 ] && ok || bad "ListObjectsV2: not several pages"
set --
for fn in web-frontend web-process; do set -- "$@" "$TMP/e/export/$fn"; done
graph --export-tasks "$TMP/e/export-tasks.json" "$@" >"$TMP/want7"
graph "$TMP/p7" >"$TMP/got7"
cmp -s "$TMP/want7" "$TMP/got7" && ok || { bad "exported graph differs"; diff "$TMP/want7" "$TMP/got7" | head; }
[ -z "$(dups "$TMP/log7")" ] && ok || bad "requests repeated: $(dups "$TMP/log7")"

echo "pull tests: $pass passed, $fail failed ($(($(date +%s) - t0)) s)"
[ $fail = 0 ]
