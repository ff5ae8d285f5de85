# every real sample copied into fixtures/corpus: its events and its accounting
cd fixtures/corpus
find . -type f ! -name README.md | sort | while read -r f; do
	echo "== $f"
	case $f in
	*trace01.json)
		gammaray-fetch --stats "$f" 2>"$TMP/err" >"$TMP/out"; echo "status $?"
		echo "$(wc -l <"$TMP/out") lines; first and last:"; sed -n '2p;$p' "$TMP/out" ;;
	*)
		gammaray-fetch --stats "$f" 2>"$TMP/err"; echo "status $?" ;;
	esac
	grep -v 'bytes (' "$TMP/err"
done
