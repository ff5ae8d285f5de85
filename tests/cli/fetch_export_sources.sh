# the committed export tree is exactly what fixtures/build-exports.sh makes of its sources
cd fixtures
find export-src -name '*.txt' | sort | while read -r f; do
	gz="export/${f#export-src/}"
	gz="${gz%.txt}.gz"
	if zcat "$gz" | cmp -s - "$f"; then echo "same: $gz"; else echo "DIFFERENT: $gz"; fi
done
