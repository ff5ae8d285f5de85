#!/bin/sh
# run.sh: contrib/dask's driver on a real Dask cluster on this machine (a scheduler and
# two worker processes on loopback TCP, started and stopped here): tests/dask/check.py.
#
#   BIN=build/bin sh tests/dask/run.sh
# Without Debian's python3-distributed (installed by build-aux/deps.sh test) the test is
# skipped, except under CI=true, where it fails.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
: "${BIN:=$top/build/bin}"
if ! /usr/bin/python3 -c 'import distributed' 2>/dev/null; then
	if [ "${CI:-}" = true ]; then
		echo "dask tests: FAIL: python3-distributed missing (apt-get install python3-distributed)"
		exit 1
	fi
	echo "dask tests: skipped: python3-distributed missing (apt-get install python3-distributed)"
	exit 0
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gammaray-dask.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT INT TERM
BIN=$(cd "$BIN" && pwd) /usr/bin/python3 tests/dask/check.py "$TMP"
