# every real input (../shared/corpus, fixtures/real) read as a person reads it: the
# counts in real_inputs.expect, and no Lambda platform line left as application text
dir=../shared/corpus
[ -d "$dir" ] || dir=
bad=0
# every corpus file has its line in the expectations (the list is kept honest)
if [ -n "$dir" ]; then
	for f in $(cd "$dir" && find . -type f ! -name SOURCES.md ! -name README.md ! -name 'service-2.json' | sort); do
		grep -q "^corpus/${f#./} " tests/cli/real_inputs.expect || { echo "no expectation for corpus/${f#./}"; bad=1; }
	done
fi
grep -v '^#' tests/cli/real_inputs.expect | while read -r path inv rep init err fn timed seg rest; do
	[ -n "$path" ] || continue
	case $path in corpus/*) [ -n "$dir" ] || continue; f=$dir/${path#corpus/} ;; *) f=$path ;; esac
	[ "$inv" = - ] && continue
	gammaray-fetch -q --keep-logs "$f" 2>/dev/null >"$TMP/ev"
	got=$(/usr/bin/python3 -c '
import json, sys
reqs, errs, fns = set(), set(), set()
rep = init = timed = seg = 0
text = 0
for line in open(sys.argv[1]):
	try:
		e = json.loads(line)
	except ValueError:
		continue
	t = e.get("type")
	if t in ("start", "end", "report", "fault"):
		reqs.add(e.get("req"))
	if t in ("start", "end", "report") and "ts" in e:
		timed += 1
	if t == "report":
		rep += 1
		init += "init_us" in e
	if (t == "fault" or (t == "report" and e.get("status") in ("error", "timeout"))):
		errs.add(e.get("req"))
	if t == "stream" and e.get("fn"):
		fns.add(e["fn"])
	if t == "segment":
		seg += 1
	if t == "log":
		m = e.get("msg", "")
		for k in ("START RequestId:", "END RequestId:", "REPORT RequestId:"):
			if k in m:
				text += 1
print(len(reqs), rep, init, len(errs), len(fns), timed, seg, text)
' "$TMP/ev")
	want="$inv $rep $init $err $fn $timed $seg 0"
	[ "$got" = "$want" ] || { echo "$path: inv rep init err fn timed seg as-text: got $got, want $want"; bad=1; }
done >"$TMP/out"
cat "$TMP/out"
[ -s "$TMP/out" ] || [ $bad = 1 ] || echo ok
