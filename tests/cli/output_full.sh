# an output that cannot be written (a full disk: /dev/full) stops each program with
# status 1 and says why, by the first write's error, not a later call's
cd "$TMP"
top=$OLDPWD
[ -w /dev/full ] || { echo "no /dev/full"; exit 0; }
run() {
	echo "== $*"
	"$@" >out.txt 2>err.txt
	echo "status $?"
	grep -e 'error writing' -e 'cannot write' err.txt | sed "s|$TMP|TMP|g"
}
gammaray-synth -q -o w -n 5 -s 3
gammaray-fetch -q w/export w/xray >ev.ndjson
gammaray-infer -q ev.ndjson >graph.ndjson
run gammaray-fetch -q -o /dev/full w/export w/xray
run gammaray-infer -q -o /dev/full ev.ndjson
run gammaray-infer -q --stage map -o /dev/full ev.ndjson
gammaray-infer -q --stage map ev.ndjson | LC_ALL=C sort >map.lines
run gammaray-infer -q --stage request -o /dev/full map.lines
run gammaray-critpath -q --json -o /dev/full graph.ndjson
run gammaray-dot -q -o /dev/full graph.ndjson
