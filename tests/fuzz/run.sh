#!/bin/sh
# run.sh: run libFuzzer targets for a while each and summarise (called by `make fuzz`).
#
#   FUZZ_SECONDS=60 FUZZ_JOBS=1 sh tests/fuzz/run.sh [TARGET...]
#
# Each target build/fuzz/bin/fuzz_NAME runs FUZZ_SECONDS over its working corpus
# build/fuzz/corpus/NAME (kept between runs) seeded from tests/fuzz/corpus/NAME, with
# the dictionary of its family (tests/fuzz/dict/); FUZZ_JOBS targets run at once (a
# pool: the next starts when one ends). A crashing, leaking or hanging input is saved
# under build/fuzz/artifacts/NAME/ (emptied at each run): copy it into
# tests/fuzz/regressions/NAME/ once fixed, and `make check` replays it.
# FUZZ_BIN_DIR runs copies of the binaries, so that a long run can go on while the
# tree is rebuilt; FUZZ_MAX_LEN caps input sizes (16384).
# Prints one line per target (time, executions, executions per second, coverage,
# features, corpus) and exits 1 when any target found something.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
secs=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
max_len=${FUZZ_MAX_LEN:-16384}
fz=build/fuzz
bindir=${FUZZ_BIN_DIR:-$fz/bin}

if [ "${1:-}" = --one ]; then
	t=$2
	rm -rf "$fz/artifacts/$t"
	mkdir -p "$fz/corpus/$t" "$fz/artifacts/$t" "$fz/logs"
	case $t in
	export|lambda_line|json_log) dict=lambda ;;
	reader|subscription|xray|json_scan) dict=json ;;
	marker|events|infer|graph|dot|critpath) dict=streams ;;
	*) dict="" ;;
	esac
	set -- "$bindir/fuzz_$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
		-max_len="$max_len" -print_final_stats=1 -artifact_prefix="$fz/artifacts/$t/"
	[ -n "$dict" ] && set -- "$@" -dict="tests/fuzz/dict/$dict.dict"
	set -- "$@" "$fz/corpus/$t"
	[ -d "tests/fuzz/corpus/$t" ] && set -- "$@" "tests/fuzz/corpus/$t"
	start=$(date +%s)
	"$@" >"$fz/logs/$t.log" 2>&1
	echo "$? $(($(date +%s) - start))" >"$fz/logs/$t.status"
	exit 0
fi

targets=${*:-$(ls tests/fuzz/fuzz_*.c | sed 's|.*/fuzz_||; s|\.c$||')}
for t in $targets; do
	[ -x "$bindir/fuzz_$t" ] || { echo "run.sh: $bindir/fuzz_$t is not built (make fuzz-build)" >&2; exit 2; }
	rm -f "$fz/logs/$t.status"
done
printf '%s\n' $targets | xargs -n 1 -P "$jobs" sh "$0" --one

failed=""
for t in $targets; do
	log=$fz/logs/$t.log
	rc=? took=?
	[ -f "$fz/logs/$t.status" ] && read -r rc took <"$fz/logs/$t.status"
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	last=$(grep -aE "^#[0-9]+[[:space:]]+(INITED|NEW|REDUCE|pulse|DONE)" "$log" | tail -1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\) .*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\) .*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p')
	if [ "$rc" = 0 ]; then
		res=clean
	else
		res="FOUND $(ls "$fz/artifacts/$t" 2>/dev/null | head -3 | tr '\n' ' ')(see $log)"
		failed="$failed $t"
	fi
	printf '%-13s %6ss %10s execs %7s/s  cov %5s  ft %6s  corpus %5s  %s\n' "$t" "$took" \
		"${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$res"
done
[ -z "$failed" ] || { echo "fuzz: found inputs in:$failed"; exit 1; }
exit 0
