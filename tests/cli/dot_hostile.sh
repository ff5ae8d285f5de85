# names with quotes, backslashes, Graphviz escapes, newlines, HTML and non-ASCII:
# the DOT parses and the SVG shows each name as it is
gammaray-dot fixtures/dot/hostile.ndjson >"$TMP/o.dot"
echo "status $?"
dot -Tcanon "$TMP/o.dot" >/dev/null || echo "graphviz cannot read the DOT"
gammaray-dot --view functions fixtures/dot/hostile.ndjson >"$TMP/f.dot"
dot -Tcanon "$TMP/f.dot" >/dev/null || echo "graphviz cannot read the function DOT"
gammaray-dot -T svg fixtures/dot/hostile.ndjson >"$TMP/o.svg"
echo "svg status $?"
# the SVG text of each label (XML-escaped by Graphviz)
for want in 'quote&quot;in&quot;name' 'back\slash\N\G\n\' 'new\nline\ttab' \
	'&lt;b&gt;html&lt;/b&gt; &amp;amp; &lt;table&gt;' '{record|shape}' '>node<' \
	'&#45;&#45;' 'end\' '>&quot;<'; do
	printf '%s %s\n' "$(grep -cF "$want" "$TMP/o.svg")" "$want"
done
cat "$TMP/o.dot"
