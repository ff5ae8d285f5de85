#!/bin/sh
# run.sh: CLI golden tests. Each tests/cli/NAME.sh is run from the repository root
# with the programs of $BIN first on PATH and $TMP a fresh scratch directory; its
# stdout must equal NAME.out byte for byte, its exit status NAME.exit (0 when that
# file is absent), and its stderr NAME.err when that file exists. With sanitized
# programs (SANITIZE=1), a case also fails when any program it ran reported an error
# or a leak (third-party leaks are suppressed by tests/lsan.supp), whatever the case
# did with that program's exit status and stderr: reports go to files, not stderr.
#
#   BIN=build/bin sh tests/cli/run.sh [NAME...]   run all cases, or the named ones
#                                                 (a NAME with a '/' is a path)
#   UPDATE=1 ...                                  rewrite the golden files instead
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
: "${BIN:=$top/build/bin}"
PATH=$BIN:$PATH
export PATH BIN LC_ALL=C TZ=UTC

LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
asan_user=${ASAN_OPTIONS:-}
ubsan_user=${UBSAN_OPTIONS:-}
export LSAN_OPTIONS

if [ $# -gt 0 ]; then
	cases=$(for n in "$@"; do case $n in */*) echo "${n%.sh}.sh" ;;
		*) echo "tests/cli/${n%.sh}.sh" ;; esac; done)
else
	cases=$(ls tests/cli/*.sh | grep -v '/run\.sh$' | sort)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/gammaray-cli.XXXXXX") || exit 2
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT INT TERM

pass=0
fail=0
failed=""
for c in $cases; do
	name=${c%.sh}
	TMP=$work/$(basename "$name")
	mkdir -p "$TMP"
	export TMP
	ASAN_OPTIONS="${asan_user:+$asan_user:}log_path=$TMP.san"
	UBSAN_OPTIONS="${ubsan_user:+$ubsan_user:}log_path=$TMP.san"
	export ASAN_OPTIONS UBSAN_OPTIONS
	sh "$c" >"$TMP.stdout" 2>"$TMP.stderr"
	status=$?
	san=$(ls "$TMP".san.* 2>/dev/null)
	want_status=0
	[ -f "$name.exit" ] && want_status=$(cat "$name.exit")
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$TMP.stdout" "$name.out"
		if [ "$status" != 0 ]; then echo "$status" >"$name.exit"; else rm -f "$name.exit"; fi
		[ -f "$name.err" ] && cp "$TMP.stderr" "$name.err"
		echo "updated $name"
		continue
	fi
	why=""
	if [ -n "$san" ]; then
		why="sanitizer report (leak or error) from a program it ran"
	elif [ "$status" != "$want_status" ]; then
		why="exit status $status, expected $want_status"
	elif ! cmp -s "$TMP.stdout" "$name.out"; then
		why="stdout differs from $name.out"
	elif [ -f "$name.err" ] && ! cmp -s "$TMP.stderr" "$name.err"; then
		why="stderr differs from $name.err"
	fi
	if [ -z "$why" ]; then
		pass=$((pass + 1))
		continue
	fi
	fail=$((fail + 1))
	failed="$failed $(basename "$name")"
	echo "FAIL $(basename "$name"): $why"
	case $why in
	sanitizer*) cat $san | head -60 ;;
	stdout*) diff -u "$name.out" "$TMP.stdout" | head -20 ;;
	stderr*) diff -u "$name.err" "$TMP.stderr" | head -20 ;;
	*) head -c 2000 "$TMP.stderr" ;;
	esac
done

[ "${UPDATE:-0}" = 1 ] && exit 0
echo "cli tests: $pass passed, $fail failed"
[ "$fail" = 0 ] || { echo "failed:$failed"; exit 1; }
