#!/usr/bin/python3
# endpoint.py: a local AWS endpoint for gammaray-pull's tests: CloudWatch Logs, X-Ray and S3 over a gammaray-synth workload.
#
# One HTTP server on 127.0.0.1 (a free port, written to --port-file) speaks the wire
# protocols of the calls gammaray-pull makes through the real AWS CLI:
#   CloudWatch Logs  JSON 1.1, POST /, X-Amz-Target: Logs_20140328.<Operation>
#   X-Ray            REST-JSON, POST /TraceSummaries, POST /Traces
#   S3               REST, path style: GET /BUCKET?location, ?list-type=2, /BUCKET/KEY
# and pages every answer small, so that every call needs several pages. Every request
# is logged as one JSON line (operation and what identifies the page or object).
#
#   endpoint.py --filter SYNTH_FILTER_DIR [--export SYNTH_EXPORT_DIR] --port-file F
#               --log F [--throttle-once OP] [--deny OP] [--limit-once]
#               [--stop-after N] [--spans]
import argparse
import glob
import json
import os
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

EVENTS_PER_PAGE = 15
GROUPS_PER_PAGE = 3
SUMMARIES_PER_PAGE = 3
TRACES_PER_PAGE = 2
KEYS_PER_PAGE = 2


def load(args):
    w = {"groups": {}, "traces": {}, "objects": {}, "tasks": {}}
    for d in sorted(glob.glob(os.path.join(args.filter, "logs", "*"))):
        evs = []
        for p in sorted(glob.glob(os.path.join(d, "*.json"))):
            with open(p) as f:
                evs += json.load(f)["events"]
        w["groups"]["/aws/lambda/" + os.path.basename(d)] = sorted(evs, key=lambda e: e["timestamp"])
    if args.spans:
        w["groups"]["aws/spans"] = []
    for p in sorted(glob.glob(os.path.join(args.filter, "xray", "*.json"))):
        with open(p) as f:
            for t in json.load(f)["Traces"]:
                start = min(json.loads(s["Document"])["start_time"] for s in t["Segments"])
                w["traces"][t["Id"]] = (start, t)
    if args.export:
        with open(os.path.join(args.export, "export-tasks.json")) as f:
            for t in json.load(f)["exportTasks"]:
                w["tasks"][t["logGroupName"]] = t
    return w


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *a):
        pass

    def record(self, op, **key):
        with open(self.server.args.log, "a") as f:
            f.write(json.dumps(dict(op=op, **key), sort_keys=True) + "\n")

    def send(self, code, body, ctype="application/x-amz-json-1.1", headers=()):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def json_error(self, code, typ, message):
        self.send(code, json.dumps({"__type": typ, "message": message}),
                  headers=[("x-amzn-ErrorType", typ)])

    def xml_error(self, code, typ, message):
        self.send(code, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>%s</Code>"
                  "<Message>%s</Message></Error>" % (typ, message), "application/xml")

    def injected(self, op, xml=False):
        """The failures a test asked for; True when one was sent."""
        a, s = self.server.args, self.server
        err = self.xml_error if xml else self.json_error
        if a.throttle_once == op and op not in s.throttled:
            s.throttled.add(op)
            self.record(op, injected="throttle")
            if xml:
                err(503, "SlowDown", "Please reduce your request rate.")
            else:
                err(400, "ThrottlingException", "Rate exceeded")
            return True
        if a.deny == op:
            self.record(op, injected="deny")
            if xml:
                err(403, "AccessDenied", "Access Denied")
            else:
                err(400, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/test "
                    "is not authorized to perform: %s" % op)
            return True
        return False

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        return json.loads(raw) if raw.strip() else {}

    def do_POST(self):
        self.server.count += 1
        target = self.headers.get("X-Amz-Target", "")
        req = self.body()
        if target.startswith("Logs_20140328."):
            return self.logs(target.split(".", 1)[1], req)
        if self.path == "/TraceSummaries":
            return self.summaries(req)
        if self.path == "/Traces":
            return self.batch(req)
        self.json_error(400, "UnknownOperationException", "no such operation " + self.path)

    def logs(self, op, req):
        if self.injected(op):
            return
        w, s = self.server.w, self.server
        tok = req.get("nextToken")
        if op == "DescribeLogGroups":
            self.record(op, prefix=req.get("logGroupNamePrefix"), token=tok)
            names = sorted(g for g in w["groups"] if g.startswith(req.get("logGroupNamePrefix", "")))
            i = int(tok or 0)
            out = {"logGroups": [{"logGroupName": g, "arn": "arn:aws:logs:us-east-1:123456789012:"
                                  "log-group:%s:*" % g, "storedBytes": 0}
                                 for g in names[i:i + GROUPS_PER_PAGE]]}
            if i + GROUPS_PER_PAGE < len(names):
                out["nextToken"] = str(i + GROUPS_PER_PAGE)
            return self.send(200, json.dumps(out))
        if op == "FilterLogEvents":
            g = req["logGroupName"]
            self.record(op, group=g, token=tok)
            if g not in w["groups"]:
                return self.json_error(400, "ResourceNotFoundException",
                                       "The specified log group does not exist.")
            evs = [e for e in w["groups"][g]
                   if req.get("startTime", 0) <= e["timestamp"] <= req.get("endTime", 1 << 62)]
            i = int(tok or 0)
            out = {"events": evs[i:i + EVENTS_PER_PAGE], "searchedLogStreams": []}
            if i + EVENTS_PER_PAGE < len(evs):
                out["nextToken"] = str(i + EVENTS_PER_PAGE)
            return self.send(200, json.dumps(out))
        if op == "CreateExportTask":
            g = req["logGroupName"]
            if self.server.args.limit_once and not s.limited:
                s.limited = True
                self.record(op, group=g, injected="limit")
                return self.json_error(400, "LimitExceededException",
                                       "Resource limit exceeded.")
            self.record(op, group=g)
            t = w["tasks"][g]
            s.exports[t["taskId"]] = (g, req, 0)
            fn = g.rsplit("/", 1)[1]
            top = os.path.join(self.server.args.export, "export", fn, t["taskId"])
            for p in sorted(glob.glob(os.path.join(top, "*", "*"))):
                key = "%s/%s/%s" % (req["destinationPrefix"], t["taskId"], os.path.relpath(p, top))
                s.buckets.setdefault(req["destination"], {})[key] = p
            return self.send(200, json.dumps({"taskId": t["taskId"]}))
        if op == "DescribeExportTasks":
            tid = req.get("taskId")
            self.record(op, task=tid)
            g, c, polls = s.exports[tid]
            s.exports[tid] = (g, c, polls + 1)
            t = dict(w["tasks"][g], **{"from": c["from"], "to": c["to"],
                                       "destination": c["destination"],
                                       "destinationPrefix": c["destinationPrefix"]})
            if polls == 0:
                t["status"] = {"code": "RUNNING", "message": "Started successfully"}
            return self.send(200, json.dumps({"exportTasks": [t]}))
        self.json_error(400, "UnknownOperationException", "no such operation " + op)

    def summaries(self, req):
        if self.injected("GetTraceSummaries"):
            return
        tok = req.get("NextToken")
        self.record("GetTraceSummaries", start=req.get("StartTime"), token=tok)
        ids = sorted((st, i) for i, (st, _) in self.server.w["traces"].items()
                     if req["StartTime"] <= st < req["EndTime"])
        i = int(tok or 0)
        out = {"TraceSummaries": [{"Id": t, "Duration": 0.1} for _, t in ids[i:i + SUMMARIES_PER_PAGE]],
               "ApproximateTime": req["EndTime"], "TracesProcessedCount": len(ids)}
        if i + SUMMARIES_PER_PAGE < len(ids):
            out["NextToken"] = str(i + SUMMARIES_PER_PAGE)
        self.send(200, json.dumps(out), "application/json")

    def batch(self, req):
        if self.injected("BatchGetTraces"):
            return
        tok = req.get("NextToken")
        ids = req["TraceIds"]
        self.record("BatchGetTraces", ids=ids, token=tok)
        i = int(tok or 0)
        out = {"Traces": [self.server.w["traces"][t][1] for t in ids[i:i + TRACES_PER_PAGE]],
               "UnprocessedTraceIds": []}
        if i + TRACES_PER_PAGE < len(ids):
            out["NextToken"] = str(i + TRACES_PER_PAGE)
        self.send(200, json.dumps(out), "application/json")

    def do_GET(self):
        self.server.count += 1
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
        parts = urllib.parse.unquote(u.path).lstrip("/").split("/", 1)
        bucket = parts[0]
        objs = self.server.buckets.get(bucket, {})
        if len(parts) == 1 or not parts[1]:
            if "location" in q:
                if self.injected("GetBucketLocation", xml=True):
                    return
                self.record("GetBucketLocation", bucket=bucket)
                return self.send(200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><LocationConstraint "
                                 "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">%s"
                                 "</LocationConstraint>" % self.server.args.bucket_region,
                                 "application/xml")
            if self.injected("ListObjectsV2", xml=True):
                return
            tok = q.get("continuation-token")
            self.record("ListObjectsV2", prefix=q.get("prefix"), token=tok)
            keys = sorted(k for k in objs if k.startswith(q.get("prefix", "")))
            i = int(tok or 0)
            page = keys[i:i + KEYS_PER_PAGE]
            more = i + KEYS_PER_PAGE < len(keys)
            x = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3."
                 "amazonaws.com/doc/2006-03-01/\"><Name>%s</Name><Prefix>%s</Prefix>"
                 "<KeyCount>%d</KeyCount><MaxKeys>%d</MaxKeys><IsTruncated>%s</IsTruncated>"
                 % (bucket, q.get("prefix", ""), len(page), KEYS_PER_PAGE, "true" if more else "false")]
            if more:
                x.append("<NextContinuationToken>%d</NextContinuationToken>" % (i + KEYS_PER_PAGE))
            for k in page:
                x.append("<Contents><Key>%s</Key><LastModified>2024-05-01T12:00:00.000Z"
                         "</LastModified><ETag>&quot;0&quot;</ETag><Size>%d</Size><StorageClass>"
                         "STANDARD</StorageClass></Contents>"
                         % (k.replace("&", "&amp;"), os.path.getsize(objs[k])))
            x.append("</ListBucketResult>")
            return self.send(200, "".join(x), "application/xml")
        if self.injected("GetObject", xml=True):
            return
        key = parts[1]
        self.record("GetObject", key=key)
        if key not in objs:
            return self.xml_error(404, "NoSuchKey", "The specified key does not exist.")
        with open(objs[key], "rb") as f:
            data = f.read()
        self.send(200, data, "application/octet-stream",
                  [("ETag", "\"0\""), ("Last-Modified", "Wed, 01 May 2024 12:00:00 GMT")])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--filter", required=True)
    ap.add_argument("--export")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--throttle-once")
    ap.add_argument("--deny")
    ap.add_argument("--limit-once", action="store_true")
    ap.add_argument("--stop-after", type=int, default=0)
    ap.add_argument("--spans", action="store_true")
    ap.add_argument("--bucket-region", default="")
    args = ap.parse_args()
    srv = HTTPServer(("127.0.0.1", 0), Handler)
    srv.args, srv.w = args, load(args)
    srv.count, srv.throttled, srv.limited, srv.exports, srv.buckets = 0, set(), False, {}, {}
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(args.port_file + ".tmp", args.port_file)
    while not args.stop_after or srv.count < args.stop_after:
        srv.handle_request()
    srv.server_close()


if __name__ == "__main__":
    main()
