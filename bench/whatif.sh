#!/bin/sh
# whatif.sh: how right gammaray-critpath --what-if is (issue 19). On a workload of
# bench/gen.sh (medium by default, as bench/run.sh makes it), for each change: the
# truth, re-simulated by gammaray-synth --what-if (same seed, same runs, the same
# random decisions, through the simulator's environments and batches), against the
# prediction of gammaray-critpath --what-if on the graph inferred from the logs
# (fetch | infer: what a user has) and on the truth's own graph. Prints markdown rows:
# per root function whose runs reach the changed function, the latency p50 and p95
# before, after (true), after (predicted) and the relative error. Goal: within 5%.
#
#   BIN=build/bin sh bench/whatif.sh [small|medium|large]
#   WHATIF='faster=web-audit:2 delay=sqs:x2' sh bench/whatif.sh   other changes
#
# The changes, unless WHATIF names them: no-cold-starts on the function whose cold
# starts cost the critical paths most (its init on the paths, summed), and
# faster=FN:2 on the function most often on a critical path (ties: the most time
# on the paths, as gammaray-critpath's report orders its rows); both read from
# gammaray-critpath --json on the inferred graph. Percentiles are nearest-rank, as
# gammaray-critpath's (lib/common/numbers.c), over the runs of each root function.
# Without --what-if in gammaray-critpath, only the truth is printed.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
: "${BIN:=$top/build/bin}"
: "${WHATIF:=}"
PATH=$BIN:$PATH
export LC_ALL=C
size=${1:-medium}
py=/usr/bin/python3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gammaray-whatif.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

die() { echo "bench/whatif.sh: $*" >&2; exit 1; }
for p in gammaray-synth gammaray-fetch gammaray-infer gammaray-critpath; do
	command -v $p >/dev/null || die "$p not built (run make first)"
done
dir=$(BIN=$BIN sh bench/gen.sh "$size" --sample-rate 0.5) || die "cannot generate the $size workload"

# the re-run takes the workload's parameters with the number of runs it made: -N
# depends on the invocations, which a change changes
params=$(sed -n '1s/ | .*//p' "$dir/.gen-params")
runs=$(grep -c '"type":"critpath"' "$dir/truth.ndjson")
wparams=$(echo "$params" | sed "s/--invocations [0-9]*/--runs $runs/")
case $wparams in *--runs*) ;; *) die "unexpected workload parameters: $params" ;; esac

gammaray-fetch -q --export-tasks "$dir/export-tasks.json" "$dir/export" "$dir/xray" |
	gammaray-infer -q >"$tmp/graph.ndjson" || die "fetch | infer failed"
gammaray-critpath -q --json "$tmp/graph.ndjson" >"$tmp/graph.cp" || die "critpath failed on the graph"
gammaray-critpath -q --json "$dir/truth.ndjson" >"$tmp/truth.cp" || die "critpath failed on the truth"

predictor=yes
gammaray-critpath --help 2>/dev/null | grep -q -e '--what-if' || predictor=

if [ -z "$WHATIF" ]; then
	WHATIF=$($py - "$tmp/graph.cp" <<'EOF'
import json, sys
on, init, time = {}, {}, {}
for line in open(sys.argv[1]):
    run = json.loads(line)
    seen = set()
    for hop in run["path"]:
        fn = hop["fn"]
        seen.add(fn)
        for seg in hop.get("segments", []):
            if seg["type"] in ("init", "restore", "exec"):
                time[fn] = time.get(fn, 0) + seg["dur_us"]
            if seg["type"] == "init":
                init[fn] = init.get(fn, 0) + seg["dur_us"]
    for fn in seen:
        on[fn] = on.get(fn, 0) + 1
cold = max(init, key=lambda f: (init[f], f))
fast = max(on, key=lambda f: (on[f], time.get(f, 0), f))
print("no-cold-starts=%s faster=%s:2" % (cold, fast))
EOF
) || die "cannot choose the changes"
fi

echo "Workload: bench/gen.sh $size ($params: $runs runs); re-simulated with --runs $runs."
if [ -z "$predictor" ]; then
	echo "gammaray-critpath has no --what-if here: the predictions are not shown."
fi
echo
echo "| change | root function (runs) | before p50, p95 | true after p50, p95 | predicted from the inferred graph: p50, p95 (error) | predicted from the truth: p50, p95 (error) | goal | |"
echo "|---|---|---|---|---|---|---|---|"
for change in $WHATIF; do
	rm -rf "$tmp/w"
	# shellcheck disable=SC2086
	gammaray-synth -q -j 2 -o "$tmp/w" $wparams --what-if "$change" ||
		die "gammaray-synth --what-if $change failed"
	gammaray-critpath -q --json "$tmp/w/truth.ndjson" >"$tmp/after.cp" ||
		die "critpath failed on the re-simulated truth"
	cp "$tmp/w/truth.ndjson" "$tmp/after.truth"
	rm -rf "$tmp/w"
	: >"$tmp/p-graph"
	: >"$tmp/p-truth"
	if [ -n "$predictor" ]; then
		gammaray-critpath -q --json --what-if "$change" "$tmp/graph.ndjson" >"$tmp/p-graph" ||
			echo "bench/whatif.sh: critpath --what-if $change failed on the graph" >&2
		gammaray-critpath -q --json --what-if "$change" "$dir/truth.ndjson" >"$tmp/p-truth" ||
			echo "bench/whatif.sh: critpath --what-if $change failed on the truth" >&2
	fi
	$py - "$change" "$dir/truth.ndjson" "$tmp/truth.cp" "$tmp/after.cp" "$tmp/p-graph" \
		"$tmp/p-truth" <<'EOF'
import json, sys
change, truth, before_cp, after_cp, p_graph, p_truth = sys.argv[1:7]
what, arg = change.split("=", 1)
target = arg.split(":")[0]  # a function, or with delay= a hop kind

def pct(v, q):
    # nearest rank, as gr_pct_i64: rank = (size_t)(q * n + 0.999999), in [1, n]
    v = sorted(v)
    r = int(q * len(v) + 0.999999)
    return v[min(max(r, 1), len(v)) - 1]

def latencies(path):
    by = {}
    for line in open(path):
        run = json.loads(line)
        by.setdefault(run["fn"], []).append(run["latency_us"])
    return {f: (len(v), pct(v, 0.5), pct(v, 0.95)) for f, v in by.items()}

def predicted(path):
    out = {}
    for line in open(path):
        o = json.loads(line)
        if o.get("type") == "what-if":
            out[o["function"]] = (o["after"]["p50_us"], o["after"]["p95_us"])
    return out

# root functions whose runs reach the changed function (or a hop of the changed
# kind), in the baseline truth
node_fn, succ, roots = {}, {}, []
for line in open(truth):
    o = json.loads(line)
    if o["type"] == "node":
        node_fn[o["id"]] = o["fn"]
    elif o["type"] == "edge":
        succ.setdefault(o["from"], []).append((o["to"], o["kind"]))
    elif o["type"] == "critpath":
        roots.append(o["root"])
reach = set()
for r in roots:
    if node_fn[r] in reach:
        continue
    seen, todo, hit = {r}, [r], node_fn[r] == target
    while todo and not hit:
        for w, kind in succ.get(todo.pop(), []):
            hit |= node_fn[w] == target if what != "delay" else kind == target
            if w not in seen:
                seen.add(w)
                todo.append(w)
    if hit:
        reach.add(node_fn[r])

ms = lambda us: "%.1f ms" % (us / 1000.0) if us < 10000000 else "%.2f s" % (us / 1e6)
before, after = latencies(before_cp), latencies(after_cp)
pg, pt = predicted(p_graph), predicted(p_truth)
for f in sorted(reach):
    n, b50, b95 = before[f]
    _, a50, a95 = after.get(f, (0, 0, 0))
    cells, worst = [], None
    for p in (pg, pt):
        if f not in p:
            cells.append("-")
            continue
        e50, e95 = (p[f][0] - a50) / a50, (p[f][1] - a95) / a95
        cells.append("%s, %s (%+.1f%%, %+.1f%%)" % (ms(p[f][0]), ms(p[f][1]), 100 * e50, 100 * e95))
        if p is pg:
            worst = max(abs(e50), abs(e95))
    verdict = "" if worst is None else ("ok" if worst <= 0.05 else "SHORT")
    print("| %s | %s (%d) | %s, %s | %s, %s | %s | %s | within 5%% | %s |"
          % (change, f, n, ms(b50), ms(b95), ms(a50), ms(a95), cells[0], cells[1], verdict))
EOF
done
