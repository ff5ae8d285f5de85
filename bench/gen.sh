#!/bin/sh
# gen.sh: benchmark inputs from gammaray-synth, generated once into bench/cache/<name>/.
#
#   sh bench/gen.sh small|medium|large [gammaray-synth option...]
#
# Prints the directory. Sizes are about 10 MB, 100 MB and 1 GB of uncompressed
# logs (the mixed application writes about 1.26 KB of log text per invocation).
# The directory is reused while its parameters (size, SEED, options, synth version
# and workload version, both in its --version) are unchanged; extra options get a
# directory of their own, <size>-<checksum>.
# BIN (default build/bin) names where gammaray-synth is; SEED defaults to 1.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
: "${BIN:=$top/build/bin}"
: "${SEED:=1}"
synth=$BIN/gammaray-synth

usage() {
	echo "usage: bench/gen.sh small|medium|large [gammaray-synth option...]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
size=$1
shift
case $size in
small) n=8000 ;;
medium) n=80000 ;;
large) n=800000 ;;
*) usage ;;
esac
[ -x "$synth" ] || { echo "bench/gen.sh: $synth not built (run make)" >&2; exit 1; }

params="--app mixed --invocations $n --seed $SEED $*"
stamp="$params | $("$synth" --version)"
name=$size
if [ $# -gt 0 ]; then
	name=$size-$(printf '%s' "$*" | cksum | cut -d' ' -f1)
fi
dir=$top/bench/cache/$name

if [ -f "$dir/.gen-params" ] && [ "$(cat "$dir/.gen-params")" = "$stamp" ]; then
	echo "$dir"
	exit 0
fi
rm -rf "$dir"
mkdir -p "$dir" || exit 1
echo "bench/gen.sh: generating $name: gammaray-synth $params" >&2
# shellcheck disable=SC2086
"$synth" --out "$dir" $params >&2 || { rm -rf "$dir"; exit 1; }
printf '%s\n' "$stamp" >"$dir/.gen-params"
echo "$dir"
