# gammaray-synth: bad usage exits 2 with a message; --list-apps names every application
gammaray-synth 2>&1
echo "no output directory: $?"
gammaray-synth -o "$TMP/x" --rate 0 2>&1
echo "bad rate: $?"
gammaray-synth -o "$TMP/x" --app nope 2>&1
echo "unknown application: $?"
gammaray-synth -o "$TMP/x" --format csv 2>&1
echo "unknown format: $?"
gammaray-synth -o "$TMP/x" extra 2>&1
echo "operand: $?"
mkdir "$TMP/full" && : >"$TMP/full/keep"
gammaray-synth -q -o "$TMP/full" >"$TMP/msg" 2>&1
echo "not empty: $?"
sed "s|$TMP|TMP|" "$TMP/msg"
gammaray-synth --list-apps
echo "list: $?"
gammaray-synth --help >/dev/null
echo "help: $?"
