# setup.sh: the directory the man pages' examples run in (a fresh copy each): the
# inputs they name (export/, tasks.json, traces.json, exp/upload, exp/resize,
# firehose/2024/05/01/, graph.ndjson), made from fixtures/. Run from the
# repository root with the programs on PATH; $1 the scratch directory (base/ in it).
set -e
d=$1/base
mkdir -p "$d"
cp -R fixtures/export "$d/export"
cp fixtures/export-tasks.json "$d/tasks.json"
cp fixtures/critpath/crisp/1.json "$d/traces.json"
mkdir -p "$d/traces" "$d/exp/upload" "$d/exp/resize" "$d/firehose/2024/05/01"
cp fixtures/xray/segments-array.json "$d/traces/"
cp -R "fixtures/export/5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b/." "$d/exp/upload/"
cp -R "fixtures/export/9f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b/." "$d/exp/resize/"
# a Firehose object: the subscription payloads, each its own gzip member
f=fixtures/corpus/aws-powertools+powertools-lambda-python/tests/events/kinesisStreamCloudWatchLogsEvent.json
for b in $(sed -n 's/.*"data": *"\([^"]*\)".*/\1/p' "$f"); do
	printf '%s' "$b" | base64 -d
done >"$d/firehose/2024/05/01/gammaray-delivery-1-2024-05-01-10-00-00-0a1b2c3d"
gammaray-fetch -q --export-tasks "$d/tasks.json" "$d/export" | gammaray-infer -q >"$d/graph.ndjson"
