#!/bin/sh
# cli.sh: every family's grammar-driven variants in one batch through the programs:
# gammaray-fetch --stats, gammaray-infer, gammaray-critpath (and --request) and
# gammaray-dot, each must end with 0 or 1 (never a usage error, a crash or a signal)
# and fetch's accounting must balance.
#
#   BIN=build/bin sh tests/gen/cli.sh build/tests/gen-tests
set -u

gen=$1
: "${BIN:=build/bin}"
PATH=$BIN:$PATH
export PATH LC_ALL=C TZ=UTC

work=$(mktemp -d "${TMPDIR:-/tmp}/gammaray-gen.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM

# GEN_SAMPLE=1: one variant per mutation class and family (make valgrind-check)
"$gen" --write "$work/in" ${GEN_SAMPLE:+--sample} >"$work/list" ||
	{ echo "gen-check: gen-tests --write failed"; exit 1; }

fail=0
n=0
# status NAME STATUS: 0 or 1 is an answer; anything else is a failure
status() {
	case $2 in
	0 | 1) ;;
	*) echo "gen-check: FAIL $fam: $1 exit status $2 on the batch $path (stderr: $(head -c 300 "$work/err"))"
	   fail=$((fail + 1)) ;;
	esac
}

while read -r fam feed group path; do
	n=$((n + 1))
	ev=$path
	graph=$path
	if [ "$feed" = fetch ]; then
		ev=$work/events.ndjson
		if [ "$group" = - ]; then
			gammaray-fetch --stats -q --no-progress "$path" >"$ev" 2>"$work/err"
		else
			gammaray-fetch --stats -q --no-progress --log-group "$group" "$path" >"$ev" 2>"$work/err"
		fi
		status gammaray-fetch $?
		if grep -q 'accounting does not add up' "$work/err" ||
		   ! grep -q 'in: [0-9]*, written: ' "$work/err"; then
			echo "gen-check: FAIL $fam: gammaray-fetch --stats accounting not balanced on $path"
			fail=$((fail + 1))
		fi
	fi
	if [ "$feed" != graph ]; then
		graph=$work/graph.ndjson
		gammaray-infer -q "$ev" >"$graph" 2>"$work/err"
		status gammaray-infer $?
		gammaray-critpath -q --request "$ev" >/dev/null 2>"$work/err"
		status "gammaray-critpath --request" $?
	fi
	gammaray-critpath -q "$graph" >/dev/null 2>"$work/err"
	status gammaray-critpath $?
	gammaray-dot -q "$graph" >/dev/null 2>"$work/err"
	status gammaray-dot $?
done <"$work/list"

echo "gen-check: batches of $n families through the programs, $fail failed"
[ "$fail" = 0 ]
