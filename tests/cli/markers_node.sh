# markers_node: the Node.js marker emitter (contrib/node) with the real AWS SDK v3 (canned
# HTTP responses), every event shape and trigger-capable call, through gammaray-fetch |
# gammaray-infer.  The SDK comes from npm into build/npm (git-ignored), once.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
	{ echo "markers_node: node and npm are needed (build-aux/deps.sh test)"; exit 1; }
# The SDK versions, and every package under them, are pinned by the lockfiles in
# contrib/node/tests/sdk{,-old}/: `npm ci` installs exactly those, so a registry that
# later serves a newer sub-package (whose own dependency it may lack) changes nothing.
install() { # install DIR LOCKDIR: once per lockfile; concurrent runs share it
	dir=$1 lock=$2
	want=$(cat "$lock/package.json" "$lock/package-lock.json" | cksum)
	[ -f "$dir/.gammaray-sdk" ] && [ "$(cat "$dir/.gammaray-sdk")" = "$want" ] && return 0
	tmp=$dir.tmp.$$
	rm -rf "$tmp" && mkdir -p "$tmp" || exit 1
	cp "$lock/package.json" "$lock/package-lock.json" "$tmp/" || exit 1
	if npm ci --prefix "$tmp" --no-audit --no-fund --loglevel=error >"$tmp.log" 2>&1; then
		echo "$want" >"$tmp/.gammaray-sdk"
		# a run that got there first wins; a stale install moves aside (renames are atomic)
		if ! { [ -f "$dir/.gammaray-sdk" ] && [ "$(cat "$dir/.gammaray-sdk")" = "$want" ]; }; then
			[ -d "$dir" ] && mv -T "$dir" "$dir.old.$$" 2>/dev/null
		fi
		mv -T "$tmp" "$dir" 2>/dev/null
		rm -rf "$tmp" "$tmp.log" "$dir.old.$$"
		return 0
	fi
	echo "markers_node: npm ci in $lock failed (is the npm registry reachable?); see $tmp.log"
	tail -5 "$tmp.log" >&2
	exit 1
}
install build/npm/sdk contrib/node/tests/sdk
install build/npm/sdk-old contrib/node/tests/sdk-old
exec node contrib/node/tests/test-markers.js --bin "$BIN" --sdk build/npm/sdk --old-sdk build/npm/sdk-old
