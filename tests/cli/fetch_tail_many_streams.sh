# `aws logs tail` text naming more log streams than fetch first made room for: each
# line starting an event of a new stream moved every stream while the previous event
# was held by pointer (a heap use after free found by the export fuzzer, 2026-12-06;
# caught here under SANITIZE=1). Nine streams, one START each: nine starts, each
# in its own stream.
f=tests/fuzz/regressions/export/aws-logs-tail-new-stream-while-an-event-is-held.txt
gammaray-fetch --stats -g /aws/lambda/resize "$f" | grep -c '"type":"start"'
gammaray-fetch -q -g /aws/lambda/resize "$f" | grep '"type":"start"' | sed 's/.*"stream":"\([^"]*\)".*/\1/' | sort -u | wc -l
