# every long option in a program's --help is documented in its man page (mdoc "Fl -x")
for p in fetch infer critpath dot synth score report; do
	prog=gammaray-$p
	$prog --help | grep -oE -- '--[a-z][a-z-]*[a-z]' | sort -u >"$TMP/$p.help"
	grep 'Fl ' "man/$prog.1" | grep -oE -- ' -[a-z][a-z-]*[a-z]' | sed 's/^ /-/' | sort -u >"$TMP/$p.documented"
	missing=$(comm -23 "$TMP/$p.help" "$TMP/$p.documented" | tr '\n' ' ')
	echo "$prog: $(wc -l <"$TMP/$p.help") options in --help${missing:+; not in the man page: $missing}"
done
