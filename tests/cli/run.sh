#!/bin/sh
# run.sh: CLI golden tests. Each tests/cli/NAME.sh is run from the repository root
# with the programs of $BIN first on PATH and $TMP a fresh scratch directory; its
# stdout must equal NAME.out byte for byte, its exit status NAME.exit (0 when that
# file is absent), and its stderr NAME.err when that file exists.
#
#   BIN=build/bin sh tests/cli/run.sh [NAME...]   run all cases, or the named ones
#   UPDATE=1 ...                                  rewrite the golden files instead
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
: "${BIN:=$top/build/bin}"
PATH=$BIN:$PATH
export PATH BIN LC_ALL=C TZ=UTC

if [ $# -gt 0 ]; then
	cases=$(for n in "$@"; do echo "tests/cli/${n%.sh}.sh"; done)
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
	sh "$c" >"$TMP.stdout" 2>"$TMP.stderr"
	status=$?
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
	if [ "$status" != "$want_status" ]; then
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
	stdout*) diff -u "$name.out" "$TMP.stdout" | head -20 ;;
	stderr*) diff -u "$name.err" "$TMP.stderr" | head -20 ;;
	*) head -c 2000 "$TMP.stderr" ;;
	esac
done

[ "${UPDATE:-0}" = 1 ] && exit 0
echo "cli tests: $pass passed, $fail failed"
[ "$fail" = 0 ] || { echo "failed:$failed"; exit 1; }
