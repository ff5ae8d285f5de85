# workflow report of a hand-built graph: shares per root function, slowest runs
gammaray-critpath --top 3 fixtures/critpath/basic.graph.ndjson
echo "status $?"
# colour only when asked (not a terminal here)
gammaray-critpath --color always --top 1 fixtures/critpath/basic.graph.ndjson | head -4 | od -c | head -3
