# usage errors exit 2 with a hint; --help and --version exit 0
gammaray-infer --no-such-option 2>&1; echo "status $?"
gammaray-infer --tolerance 5parsecs 2>&1; echo "status $?"
gammaray-infer --window 0 2>&1; echo "status $?"
gammaray-infer --max-messages -1 2>&1; echo "status $?"
gammaray-infer --help | head -3; echo "status $?"
gammaray-infer --version; echo "status $?"
