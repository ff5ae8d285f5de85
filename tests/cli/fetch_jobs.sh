# output does not depend on the number of jobs
gammaray-fetch -q --export-tasks fixtures/export-tasks.json fixtures >"$TMP/j1"
gammaray-fetch -q -j 8 --export-tasks fixtures/export-tasks.json fixtures >"$TMP/j8"
gammaray-fetch -q -j 0 --export-tasks fixtures/export-tasks.json fixtures >"$TMP/j0"
cmp "$TMP/j1" "$TMP/j8" && cmp "$TMP/j1" "$TMP/j0" && echo same output with 1, 8 and all CPUs
