#!/bin/sh
# jparse.sh: build (when missing or older than its source) the bare jansson baseline
# bench/jparse.c into build/bench/jparse, and print its path. The bench scripts call it.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
jparse=$top/build/bench/jparse
if [ ! -x "$jparse" ] || [ "$top/bench/jparse.c" -nt "$jparse" ]; then
	mkdir -p "$(dirname "$jparse")" &&
		cc -O2 -o "$jparse" "$top/bench/jparse.c" $(pkg-config --cflags --libs jansson) ||
		{ echo "bench: cannot build the jansson baseline" >&2; exit 1; }
fi
echo "$jparse"
