# folded stacks, a Trace Event timeline of one run, the annotated graph
gammaray-critpath --folded fixtures/critpath/basic.graph.ndjson
echo "== chrome"
gammaray-critpath --chrome-trace fixtures/critpath/basic.graph.ndjson
echo "== chrome --root"
gammaray-critpath --chrome-trace --root 00000006-0000-4000-8000-000000000006 fixtures/critpath/basic.graph.ndjson
echo "== annotate"
gammaray-critpath --annotate fixtures/critpath/basic.graph.ndjson | grep -c '"critical":true'
gammaray-critpath --annotate fixtures/critpath/basic.graph.ndjson | gammaray-dot >"$TMP/g.dot"
echo "dot status $?"
