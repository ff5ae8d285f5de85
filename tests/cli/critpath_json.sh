# one object per root: typed segments root to sink, nested synchronous callees, slack
gammaray-critpath --json --slack fixtures/critpath/basic.graph.ndjson
echo "status $?"
# one root only, from standard input
gammaray-critpath --json --root 00000007-0000-4000-8000-000000000007 <fixtures/critpath/basic.graph.ndjson
