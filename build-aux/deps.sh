#!/bin/sh
# deps.sh: make sure the build dependencies are present; install them on Debian when we can.
#
# usage: build-aux/deps.sh [build|test|bench|fuzz]
#   build  the libraries every program links (pkg-config modules)
#   test   build + Criterion + the tools the tests call (dot, python3, jq, node, the AWS
#          CLI v2, chromium for the report's browser test, Dask distributed for
#          contrib/dask's test)
#   bench  test + the baselines the benchmark compares against (jq, python3, GNU time)
#   fuzz   test + clang with its libFuzzer runtime, valgrind (make fuzz, make valgrind-check)
#
# Exit 0 when everything is there (possibly after installing it), 1 with the exact
# list of Debian packages to install otherwise.
set -u

what=${1:-build}

# pkg-config module -> Debian package
mods="libpcre2-8:libpcre2-dev jansson:libjansson-dev libcgraph:libgraphviz-dev libgvc:libgraphviz-dev zlib:zlib1g-dev"
# command -> Debian package
cmds="pkg-config:pkg-config cc:gcc make:make"
case $what in
build) ;;
test) mods="$mods criterion:libcriterion-dev"; cmds="$cmds dot:graphviz /usr/bin/python3:python3 /usr/lib/python3/dist-packages/botocore:python3-botocore node:nodejs npm:npm jq:jq /usr/bin/aws:awscli chromium:chromium /usr/lib/python3/dist-packages/distributed:python3-distributed" ;;
bench) mods="$mods criterion:libcriterion-dev"
       cmds="$cmds dot:graphviz jq:jq python3:python3 zcat:gzip"
       [ -x /usr/bin/time ] || cmds="$cmds /usr/bin/time:time" ;;
fuzz) mods="$mods criterion:libcriterion-dev"; cmds="$cmds dot:graphviz clang:clang valgrind:valgrind"
      rt=$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null)
      case $rt in /*) ;; "") cmds="$cmds clang:libclang-rt-dev" ;; *) cmds="$cmds $rt:libclang-rt-dev" ;; esac ;;
*) echo "deps.sh: unknown set '$what' (build, test, bench or fuzz)" >&2; exit 2 ;;
esac

missing() {
	need=""
	for pair in $cmds; do
		c=${pair%%:*}; p=${pair#*:}
		command -v "$c" >/dev/null 2>&1 || need="$need $p"
	done
	if command -v pkg-config >/dev/null 2>&1; then
		for pair in $mods; do
			m=${pair%%:*}; p=${pair#*:}
			pkg-config --exists "$m" 2>/dev/null || need="$need $p"
		done
	else
		for pair in $mods; do need="$need ${pair#*:}"; done
	fi
	# one line, each package once
	printf '%s\n' $need | sort -u | tr '\n' ' ' | sed 's/ *$//'
}

need=$(missing)
[ -z "$need" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps.sh: installing missing packages: $need" >&2
	export DEBIAN_FRONTEND=noninteractive
	# the package lists may be empty on a fresh machine: update once, then install
	if ! apt-get install -y -qq --no-install-recommends $need >/dev/null 2>&1; then
		apt-get update -qq >/dev/null 2>&1 || true
		apt-get install -y -qq --no-install-recommends $need >&2 || {
			echo "deps.sh: apt-get install failed; install these by hand: $need" >&2
			exit 1
		}
	fi
	need=$(missing)
	[ -z "$need" ] && exit 0
fi

echo "deps.sh: missing build dependencies; install them with:" >&2
echo "    sudo apt-get install $need" >&2
exit 1
