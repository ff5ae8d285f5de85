# one input loop for infer, critpath and dot: a truncated .gz before a good file is
# counted lost and named, the good file is still read, exit 1 (infer and critpath used
# to write nothing at all); under --strict the run stops at the broken file
cd "$TMP"
top=$OLDPWD
graph=$top/fixtures/critpath/basic.graph.ndjson
gammaray-fetch -q -g /aws/lambda/upload "$top/fixtures/logs/filter-log-events.json" >events.ndjson
gzip -n -c events.ndjson >events.gz
head -c $(($(wc -c <events.gz) / 2)) events.gz >cut-events.gz
gzip -n -c "$graph" >graph.gz
head -c $(($(wc -c <graph.gz) / 2)) graph.gz >cut-graph.gz
run() { # name, then a command
	n=$1; shift
	echo "== $n"
	"$@" >out.txt 2>err.txt
	echo "status $? lines out $(wc -l <out.txt)"
	grep -v 'bytes (' err.txt
}
run infer gammaray-infer --stats=json cut-events.gz events.ndjson
gammaray-infer events.ndjson >want.txt 2>/dev/null
# the graph without the stats records that end it (their counts differ by input)
records() { grep -v '^{"type":"stats",' "$1"; }
records want.txt >a; records out.txt >b
cmp -s a b && echo "infer: the same graph as from the good file alone"
run infer-strict gammaray-infer --strict cut-events.gz events.ndjson
run critpath gammaray-critpath --json cut-graph.gz "$graph"
gammaray-critpath --json "$graph" >want.txt 2>/dev/null
cmp -s want.txt out.txt && echo "critpath: the same paths as from the good file alone"
run critpath-strict gammaray-critpath --strict --json cut-graph.gz "$graph"
run dot gammaray-dot cut-graph.gz "$graph"
gammaray-dot "$graph" >want.txt 2>/dev/null
cmp -s want.txt out.txt && echo "dot: the same picture as from the good file alone"
run dot-strict gammaray-dot --strict cut-graph.gz "$graph"
