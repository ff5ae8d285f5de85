# a CLI golden case whose program leaks ($LEAK: buf, cgraph or none): its stdout and
# exit status are right, so only the leak can fail it
gammaray-planted-leak "$LEAK" | sed 's/ .*//'
