# invocations whose function no input names (sam logs never names it): one
# "(unknown function)" row in critpath, one node in dot's function view, never one
# row per request id
gammaray-fetch -q fixtures/real/sam-logs.txt | gammaray-infer -q >"$TMP/g"
gammaray-critpath "$TMP/g"
gammaray-dot --view functions "$TMP/g" | grep -c 'unknown function'
