# an empty "subsegments" array, top level or nested, in every X-Ray form: read, not a crash
# (a SIGSEGV until 0.1.1: the stack reversal computed n - 1 on an empty stack)
for f in tests/fuzz/regressions/xray/*empty-subsegments-segv; do
	echo "== ${f##*/}"
	gammaray-fetch -q "$f"
	echo "exit $?"
done
