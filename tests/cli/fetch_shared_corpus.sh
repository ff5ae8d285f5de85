# every log or trace input in ../shared/corpus (when present; CC-BY-SA files stay there):
# no crash, no error on the valid ones, a clear error on the invalid ones
dir=../shared/corpus
[ -d "$dir" ] || { echo ok; exit 0; }
bad=0
for f in $(find "$dir" -type f ! -name SOURCES.md ! -name README.md ! -name 'service-2.json' | sort); do
	gammaray-fetch -q "$f" >/dev/null 2>"$TMP/err"
	st=$?
	case $st in 0|1) ;; *) echo "CRASH or usage error ($st): $f"; bad=1; continue ;; esac
	case $f in
	*_INVALIDJSON*|*get-service-graph.rst__output.txt)
		[ $st = 1 ] || { echo "accepted invalid JSON: $f"; bad=1; } ;;
	*/tests/events/s3Event.json|*/sqsEvent.json|*/snsEvent.json|*/dynamoStreamEvent.json|\
	*/eventBridgeEvent.json|*/kinesisStreamEvent.json|*-exceptions.md__*)
		# trigger events and invocation responses are not log or trace inputs
		[ $st = 1 ] || { echo "accepted a non-log input: $f"; bad=1; } ;;
	*)
		[ $st = 0 ] || { echo "error on a valid input: $f"; cat "$TMP/err"; bad=1; } ;;
	esac
done
[ $bad = 0 ] && echo ok
