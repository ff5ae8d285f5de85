# every long option of --help is in the man page and the other way round
gammaray-dot --help | grep -o -- '--[a-z][a-z-]*' | sort -u >"$TMP/help"
grep -o 'Fl -[a-z][a-z-]*' man/gammaray-dot.1 | sed 's/^Fl -/--/' | sort -u >"$TMP/man"
diff "$TMP/help" "$TMP/man" && echo "help and man page list the same options"
gammaray-dot --version | sed 's/ [0-9][0-9.]*.*//'
