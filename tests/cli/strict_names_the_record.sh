# --strict stops at the first lost record and says which one, in every program that
# reads a stream (critpath and gammaray-report said only that they stopped), once
# once, with or without -q
cd "$TMP"
printf '{"type":"gammaray-graph","v":1}\n{bad\n' >g.ndjson
printf '{"type":"gammaray-events","v":1}\n{bad\n' >e.ndjson
for p in "gammaray-critpath" "gammaray-dot" "gammaray-report -o r.html"; do
	for q in "" -q; do
		echo "== $p --strict $q"
		$p --strict $q g.ndjson 2>&1 >/dev/null
		echo "status $?"
	done
done
for q in "" -q; do
	echo "== gammaray-infer --strict $q"
	gammaray-infer --strict $q e.ndjson 2>&1 >/dev/null
	echo "status $?"
done
