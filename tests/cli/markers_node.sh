# markers_node: the Node.js marker emitter (contrib/node) with the real AWS SDK v3 (canned
# HTTP responses), every event shape and trigger-capable call, through gammaray-fetch |
# gammaray-infer.  The SDK comes from npm into build/npm (git-ignored), once.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
	{ echo "markers_node: node and npm are needed (build-aux/deps.sh test)"; exit 1; }
sdk="@aws-sdk/client-s3@3.1175.0 @aws-sdk/client-dynamodb@3.1169.0 @aws-sdk/lib-dynamodb@3.1169.0
@aws-sdk/client-sns@3.1169.0 @aws-sdk/client-sqs@3.1175.0 @aws-sdk/client-kinesis@3.1143.0
@aws-sdk/client-lambda@3.1164.0 @aws-sdk/client-eventbridge@3.1169.0 @aws-sdk/client-sfn@3.1164.0"
old="@aws-sdk/client-sqs@3.600.0"
install() { # install DIR PACKAGES...: once per package list; concurrent runs share it
	dir=$1; shift
	want=$(echo "$@" | tr ' ' '\n' | sort | tr '\n' ' ')
	[ -f "$dir/.gammaray-sdk" ] && [ "$(cat "$dir/.gammaray-sdk")" = "$want" ] && return 0
	tmp=$dir.tmp.$$
	rm -rf "$tmp" && mkdir -p "$tmp" || exit 1
	if npm install --prefix "$tmp" --no-save --no-package-lock --no-audit --no-fund \
		--loglevel=error "$@" >"$tmp.log" 2>&1; then
		echo "$want" >"$tmp/.gammaray-sdk"
		# a run that got there first wins; a stale install moves aside (renames are atomic)
		if ! { [ -f "$dir/.gammaray-sdk" ] && [ "$(cat "$dir/.gammaray-sdk")" = "$want" ]; }; then
			[ -d "$dir" ] && mv -T "$dir" "$dir.old.$$" 2>/dev/null
		fi
		mv -T "$tmp" "$dir" 2>/dev/null
		rm -rf "$tmp" "$tmp.log" "$dir.old.$$"
		return 0
	fi
	echo "markers_node: npm install $* failed (is the npm registry reachable?); see $tmp.log"
	tail -5 "$tmp.log" >&2
	exit 1
}
install build/npm/sdk $sdk
install build/npm/sdk-old $old
exec node contrib/node/tests/test-markers.js --bin "$BIN" --sdk build/npm/sdk --old-sdk build/npm/sdk-old
