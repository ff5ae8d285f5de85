# bare Lambda console text: no times, XRAY on its own line, print() markers
gammaray-fetch --stats fixtures/logs/console-copy.txt 2>&1
