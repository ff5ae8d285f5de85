# usage errors exit 2 with a hint; --help and --version exit 0
gammaray-fetch --no-such-option 2>&1; echo "status $?"
gammaray-fetch -j 999 x 2>&1; echo "status $?"
gammaray-fetch --since yesterday x 2>&1; echo "status $?"
gammaray-fetch --since 2024-05-02 --until 2024-05-01 x 2>&1; echo "status $?"
gammaray-fetch --function '(' x 2>&1; echo "status $?"
gammaray-fetch --max-line 12Q x 2>&1; echo "status $?"
gammaray-fetch --help | head -2; echo "status $?"
gammaray-fetch --version; echo "status $?"
