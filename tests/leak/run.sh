#!/bin/sh
# run.sh: the leak checks of SANITIZE=1 builds must be able to fail. A Criterion test
# that leaks must fail the unit-test run, and a program that leaks must fail its CLI
# golden case, whether the memory was dropped by project code or is a cgraph graph
# never closed; the same without the leak must pass (so the failures are the leaks').
# Run by `make leak-check`, part of `make check SANITIZE=1`: the unit tests run with
# $UNIT_ENV (the variables `make unit-check` sets), the CLI case as `make cli-check`
# runs it.
#
#   UNIT_ENV="VAR=value ..." sh tests/leak/run.sh BUILD_DIR     (build/san)
set -u
o=$1
log=$o/tests/leak/log
fail=0
expect() { # what, wanted status (0 or fail), then the command
	what=$1 want=$2; shift 2
	"$@" >"$log" 2>&1
	st=$?
	if { [ "$want" = 0 ] && [ $st != 0 ]; } || { [ "$want" = fail ] && [ $st = 0 ]; }; then
		echo "leak-check: FAIL: $what: exit status $st, expected $want"
		head -c 3000 "$log"
		fail=1
	elif [ "$want" = fail ] && ! grep -q 'LeakSanitizer: detected memory leaks' "$log"; then
		echo "leak-check: FAIL: $what failed, but not for a leak"
		head -c 3000 "$log"
		fail=1
	fi
}

unit=$(cd "$o/tests/leak" && pwd)/planted-unit
# UNIT_ENV is words (VAR=value ...), split on purpose
expect "unit test without a leak" 0 env ${UNIT_ENV:-} "$unit" --filter 'planted/no_leak'
expect "unit test with a planted leak" fail env ${UNIT_ENV:-} "$unit" --filter 'planted/leak'
expect "unit tests, --jobs=2" fail env ${UNIT_ENV:-} "$unit" --jobs=2

cli() { # LEAK value: one CLI golden case run as tests/cli/run.sh runs them
	LEAK=$1 BIN=$(cd "$o/tests/leak/bin" && pwd) sh tests/cli/run.sh tests/leak/planted_cli
}
expect "CLI case without a leak" 0 cli none
expect "CLI case leaking project memory" fail cli buf
expect "CLI case leaking a cgraph graph" fail cli cgraph

[ $fail = 0 ] && echo "leak-check: planted leaks fail unit and CLI tests, their controls pass"
exit $fail
