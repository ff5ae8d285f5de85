"""test_markers: gammaray_markers against real botocore (Stubber) and real trigger events, through gammaray-fetch | gammaray-infer.

Each case runs functions in process (lambda_sim), a producer making SDK calls whose
responses the botocore Stubber supplies and a consumer handed the event AWS would send,
writes their logs as a CloudWatch Logs export, runs gammaray-fetch | gammaray-infer on it
and checks the edges that come out.  It prints the markers and the edges (deterministic:
fixed request ids, virtual clock) for the golden file of tests/cli/markers_python.sh,
one FAIL line per failed check, and a closing "N passed, N failed" line.

usage: python3 test_markers.py [--bin DIR] [CASE...]
"""

import base64
import copy
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ.pop("GAMMARAY_HANDLER", None)
os.environ["GAMMARAY_DYNAMODB_KEYS"] = "orders=pk,sk"

import gammaray_markers as gm  # noqa: E402  (before any botocore session: no code change)
import botocore.exceptions  # noqa: E402
import botocore.session  # noqa: E402
from botocore.stub import Stubber  # noqa: E402

import lambda_sim  # noqa: E402

EVENTS = os.path.join(TOP, "fixtures", "events")
BIN = os.environ.get("BIN") or os.path.join(TOP, "build", "bin")
SESSION = botocore.session.get_session()

A = "aaaaaaaa-0000-4000-8000-000000000001"  # producer request ids
A2 = "aaaaaaaa-0000-4000-8000-000000000002"
B = "bbbbbbbb-0000-4000-8000-000000000001"  # consumer request ids
B2 = "bbbbbbbb-0000-4000-8000-000000000002"

results = {"passed": 0, "failed": 0}
CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def event(name):
    with open(os.path.join(EVENTS, name)) as f:
        return json.load(f)


def client(service):
    return SESSION.create_client(service, region_name="us-east-1")


def stubbed(service, op, response, error=None, times=1):
    """A client whose next calls of op return response (or fail with error)."""
    c = client(service)
    st = Stubber(c)
    for _ in range(times):
        if error:
            st.add_client_error(op, service_error_code=error, http_status_code=400)
        else:
            st.add_response(op, response, None)
    st.activate()
    return c


def check(cond, what):
    if cond:
        results["passed"] += 1
    else:
        results["failed"] += 1
        print("FAIL: " + what)


def infer(world):
    """The world's logs through gammaray-fetch | gammaray-infer: the graph records."""
    with tempfile.TemporaryDirectory() as tmp:
        args = world.export(tmp)
        fetch = subprocess.run([os.path.join(BIN, "gammaray-fetch")] + args,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if fetch.returncode != 0:
            print("FAIL: gammaray-fetch exit %d: %s" % (fetch.returncode,
                                                       fetch.stderr.decode()[:300]))
        inf = subprocess.run([os.path.join(BIN, "gammaray-infer")], input=fetch.stdout,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if inf.returncode != 0:
            print("FAIL: gammaray-infer exit %d: %s" % (inf.returncode, inf.stderr.decode()[:300]))
    return [json.loads(x) for x in inf.stdout.decode().splitlines() if x.strip()]


def show(world, recs):
    for fn in world.functions:
        for _, m in fn.lines:
            if "GAMMARAY " in m or "gammaray_markers:" in m:
                print("%s %s" % (fn.name, m.rstrip("\n").split("\t")[-1]
                                 if fn.log_format == "TEXT" else m.rstrip("\n")))
    for r in recs:
        if r.get("type") in ("edge", "unmatched"):
            print(json.dumps(r, separators=(",", ":")))


def expect(world, edges, unmatched=0):
    """Run gammaray on the world's logs; edges: (from, to, kind[, evidence]) that must come
    out (evidence "marker" unless said), and nothing else."""
    recs = infer(world)
    show(world, recs)
    got = {(r["from"], r["to"], r["kind"]): r for r in recs if r.get("type") == "edge"}
    for e in edges:
        ev = e[3] if len(e) > 3 else "marker"
        r = got.get(e[:3])
        check(r is not None, "missing edge %s -> %s (%s)" % e[:3])
        if r is not None:
            check(r["evidence"] == ev, "edge %s -> %s evidence %s, expected %s"
                  % (e[0], e[1], r["evidence"], ev))
    check(len(got) == len(edges), "%d edges, expected %d" % (len(got), len(edges)))
    n = sum(1 for r in recs if r.get("type") == "unmatched")
    check(n == unmatched, "%d unmatched records, expected %d" % (n, unmatched))
    return recs


def pair(calls, consumer_event, n_consumers=1, log_format="TEXT", cc=None):
    """A producer (request A) running calls(), then a consumer (B, B2...) handed events."""
    world = lambda_sim.World()
    out = {}

    def producer(event, context):
        out["ret"] = calls()
        return "done"

    @gm.wrap
    def consumer(event, context):
        return {"ok": True}

    pa = world.function("producer", gm.wrap(producer), log_format)
    pb = world.function("consumer", consumer, log_format)
    pa.invoke(api_event("prod-1"), A)
    evs = consumer_event if isinstance(consumer_event, list) else [consumer_event]
    for i, ev in enumerate(evs):
        pb.invoke(ev, [B, B2][i], cc)
    world.close()
    return world, out.get("ret")


def api_event(req):
    """An API Gateway REST request: producers start from outside (a root)."""
    return {"resource": "/go", "path": "/go", "httpMethod": "POST", "headers": {},
            "requestContext": {"resourceId": "r1", "stage": "prod", "requestId": req,
                               "httpMethod": "POST"}, "body": "{}"}


def s3_event(bucket, key, etag=None, version=None, name="ObjectCreated:Put"):
    ev = event("s3Event.json")
    r = ev["Records"][0]
    r["eventName"] = name
    r["s3"]["bucket"]["name"] = bucket
    r["s3"]["bucket"]["arn"] = "arn:aws:s3:::" + bucket
    obj = r["s3"]["object"]
    obj["key"] = key
    if etag:
        obj["eTag"] = etag
    else:
        obj.pop("eTag", None)
    if version:
        obj["versionId"] = version
    return ev


def ddb_event(table, keys, name="INSERT", seq="300"):
    ev = event("dynamoStreamEvent.json")
    r = ev["Records"][0]
    r["eventName"] = name
    r["eventSourceARN"] = ("arn:aws:dynamodb:us-east-1:123456789012:table/%s/stream/"
                           "2024-05-01T00:00:00.000" % table)
    r["dynamodb"]["Keys"] = keys
    r["dynamodb"]["SequenceNumber"] = seq
    return {"Records": [r]}


def sns_event(topic, msg):
    ev = event("snsEvent.json")
    ev["Records"][0]["Sns"]["TopicArn"] = topic
    ev["Records"][0]["Sns"]["MessageId"] = msg
    return ev


def header(name):
    print("== " + name)


# --------------------------------------------------------------------------- S3

@case
def s3_put_object():
    ev = event("s3Event.json")
    o = ev["Records"][0]["s3"]
    world, _ = pair(lambda: stubbed("s3", "put_object", {"ETag": '"%s"' % o["object"]["eTag"]})
                    .put_object(Bucket=o["bucket"]["name"], Key=o["object"]["key"], Body=b"x"),
                    ev)
    expect(world, [(A, B, "s3")])


@case
def s3_copy_object():
    world, _ = pair(lambda: stubbed("s3", "copy_object", {
        "CopyObjectResult": {"ETag": '"9b2cf535f27731c974343645a3985328"'}, "VersionId": "v-copy-1"})
        .copy_object(Bucket="photos", Key="b c.jpg", CopySource="photos/a.jpg"),
        s3_event("photos", "b+c.jpg", "9b2cf535f27731c974343645a3985328", "v-copy-1",
                 "ObjectCreated:Copy"))
    expect(world, [(A, B, "s3")])


@case
def s3_complete_multipart_upload():
    world, _ = pair(lambda: stubbed("s3", "complete_multipart_upload", {
        "Bucket": "videos", "Key": "big.mp4", "ETag": '"3858f62230ac3c915f300c664312c11f-9"'})
        .complete_multipart_upload(Bucket="videos", Key="big.mp4", UploadId="u1",
                                   MultipartUpload={"Parts": [{"ETag": "x", "PartNumber": 1}]}),
        s3_event("videos", "big.mp4", "3858f62230ac3c915f300c664312c11f-9",
                 name="ObjectCreated:CompleteMultipartUpload"))
    expect(world, [(A, B, "s3")])


@case
def s3_delete_object():
    world, _ = pair(lambda: stubbed("s3", "delete_object", {"DeleteMarker": True,
                                                            "VersionId": "dm-1"})
                    .delete_object(Bucket="photos", Key="old.jpg"),
                    s3_event("photos", "old.jpg", None, "dm-1",
                             "ObjectRemoved:DeleteMarkerCreated"))
    expect(world, [(A, B, "s3")])


@case
def s3_delete_objects():
    world, _ = pair(lambda: stubbed("s3", "delete_objects", {"Deleted": [
        {"Key": "t1.jpg"}, {"Key": "t2.jpg"}], "Errors": [{"Key": "t3.jpg", "Code": "AccessDenied"}]})
        .delete_objects(Bucket="thumbs", Delete={"Objects": [{"Key": "t1.jpg"}, {"Key": "t2.jpg"},
                                                             {"Key": "t3.jpg"}]}),
        [s3_event("thumbs", "t1.jpg", name="ObjectRemoved:Delete"),
         s3_event("thumbs", "t2.jpg", name="ObjectRemoved:Delete")])
    # no id in a delete notification: bucket and key with time
    expect(world, [(A, B, "s3", "heuristic"), (A, B2, "s3", "heuristic")])


@case
def round_trip_s3():
    """Function A (text log format) writes an object; S3's notification of that write is
    handed to function B (JSON log format); the export of both logs gives the edge back."""
    world = lambda_sim.World()

    def a_handler(event, context):
        s3 = stubbed("s3", "put_object", {"ETag": '"5d41402abc4b2a76b9719d911017c592"',
                                          "VersionId": "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"})
        key = "reports/2024 05.csv"
        r = s3.put_object(Bucket="exports", Key=key, Body=b"hello")
        return {"bucket": "exports", "key": key, "etag": r["ETag"].strip('"'),
                "version": r["VersionId"]}

    @gm.wrap
    def b_handler(event, context):
        return len(event["Records"])

    fa = world.function("writer", gm.wrap(a_handler))
    fb = world.function("reader", b_handler, log_format="JSON")
    wrote, exc = fa.invoke(api_event("req-1"), A)
    ev = s3_event(wrote["bucket"], urllib.parse.quote_plus(wrote["key"], safe="/"),
                  wrote["etag"], wrote["version"])
    n, exc = fb.invoke(ev, B)
    check(n == 1 and exc is None, "B returned %r %r" % (n, exc))
    world.close()
    recs = expect(world, [(A, B, "s3")])
    nodes = {r["id"]: r["fn"] for r in recs if r.get("type") == "node"}
    check(nodes == {A: "writer", B: "reader"}, "nodes %r" % nodes)


# --------------------------------------------------------------------------- DynamoDB

@case
def dynamodb_stream_fixture():
    # the fixture's records name their tables "eventsource_arn" and "source_arn"
    def calls():
        stubbed("dynamodb", "get_item", {}).get_item(TableName="eventsource_arn",
                                                     Key={"Id": {"N": "101"}})
        stubbed("dynamodb", "put_item", {}).put_item(
            TableName="eventsource_arn", Item={"Id": {"N": "101"}, "Message": {"S": "New item!"}})
        stubbed("dynamodb", "update_item", {}).update_item(
            TableName="source_arn", Key={"Id": {"N": "101"}}, UpdateExpression="SET Message = :m",
            ExpressionAttributeValues={":m": {"S": "This item has changed"}})
    world, _ = pair(calls, event("dynamoStreamEvent.json"))
    expect(world, [(A, B, "dynamodb", "heuristic")])  # table and keys with time


@case
def dynamodb_put_item_configured_keys():
    world, _ = pair(lambda: stubbed("dynamodb", "put_item", {}).put_item(
        TableName="orders", Item={"pk": {"S": "cust#1"}, "sk": {"N": "7"}, "total": {"N": "12.5"}}),
        ddb_event("orders", {"pk": {"S": "cust#1"}, "sk": {"N": "7"}}))
    expect(world, [(A, B, "dynamodb", "heuristic")])  # table and keys with time


@case
def dynamodb_put_item_unknown_keys():
    # no schema: every key-typed attribute is written, gammaray reports the write unmatched
    world, _ = pair(lambda: stubbed("dynamodb", "put_item", {}).put_item(
        TableName="mystery", Item={"id": {"S": "1"}, "note": {"S": "n"}}),
        ddb_event("mystery", {"id": {"S": "1"}}))
    expect(world, [], unmatched=2)  # the write and the trigger, both reported


@case
def dynamodb_delete_item():
    world, _ = pair(lambda: stubbed("dynamodb", "delete_item", {}).delete_item(
        TableName="arn:aws:dynamodb:us-east-1:123456789012:table/sessions",
        Key={"sid": {"B": b"\x01\x02"}}),
        ddb_event("sessions", {"sid": {"B": "AQI="}}, "REMOVE"))
    expect(world, [(A, B, "dynamodb", "heuristic")])  # table and keys with time


@case
def dynamodb_batch_write_item():
    put = {"PutRequest": {"Item": {"pk": {"S": "o#1"}, "sk": {"N": "1"}}}}
    put2 = {"PutRequest": {"Item": {"pk": {"S": "o#2"}, "sk": {"N": "1"}}}}
    dele = {"DeleteRequest": {"Key": {"pk": {"S": "o#3"}, "sk": {"N": "1"}}}}
    world, _ = pair(lambda: stubbed("dynamodb", "batch_write_item", {
        "UnprocessedItems": {"orders": [put2]}}).batch_write_item(
        RequestItems={"orders": [put, put2, dele]}),
        [ddb_event("orders", {"pk": {"S": "o#1"}, "sk": {"N": "1"}}),
         ddb_event("orders", {"pk": {"S": "o#3"}, "sk": {"N": "1"}}, "REMOVE", "301")])
    expect(world, [(A, B, "dynamodb", "heuristic"), (A, B2, "dynamodb", "heuristic")])


@case
def dynamodb_transact_write_items():
    world, _ = pair(lambda: stubbed("dynamodb", "transact_write_items", {}).transact_write_items(
        TransactItems=[
            {"Update": {"TableName": "orders", "Key": {"pk": {"S": "o#9"}, "sk": {"N": "2"}},
                        "UpdateExpression": "SET s = :s",
                        "ExpressionAttributeValues": {":s": {"S": "paid"}}}},
            {"ConditionCheck": {"TableName": "stock", "Key": {"id": {"S": "x"}},
                                "ConditionExpression": "attribute_exists(id)"}}]),
        ddb_event("orders", {"pk": {"S": "o#9"}, "sk": {"N": "2"}}, "MODIFY"))
    expect(world, [(A, B, "dynamodb", "heuristic")])  # table and keys with time


# --------------------------------------------------------------------------- SNS, SQS

@case
def sns_publish():
    ev = event("snsEvent.json")
    s = ev["Records"][0]["Sns"]
    world, _ = pair(lambda: stubbed("sns", "publish", {"MessageId": s["MessageId"]})
                    .publish(TopicArn=s["TopicArn"], Message="Hello from SNS!"), ev)
    expect(world, [(A, B, "sns")])


@case
def sns_publish_batch():
    topic = "arn:aws:sns:us-east-1:123456789012:orders"
    ids = ["1f9e7d3c-0000-4000-8000-00000000000a", "1f9e7d3c-0000-4000-8000-00000000000b"]
    world, _ = pair(lambda: stubbed("sns", "publish_batch", {
        "Successful": [{"Id": "1", "MessageId": ids[0]}, {"Id": "2", "MessageId": ids[1]}],
        "Failed": [{"Id": "3", "Code": "x", "SenderFault": True}]}).publish_batch(
        TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": "1", "Message": "a"}, {"Id": "2", "Message": "b"}, {"Id": "3", "Message": "c"}]),
        [sns_event(topic, ids[0]), sns_event(topic, ids[1])])
    expect(world, [(A, B, "sns"), (A, B2, "sns")])


@case
def sqs_send_message_and_batch():
    ev = event("sqsEvent.json")
    q = "https://sqs.us-east-2.amazonaws.com/123456789012/my-queue"
    m1, m2 = (r["messageId"] for r in ev["Records"])
    world = lambda_sim.World()

    def one(e, c):
        stubbed("sqs", "send_message", {"MessageId": m1}).send_message(QueueUrl=q,
                                                                       MessageBody="Test message.")

    def two(e, c):
        stubbed("sqs", "send_message_batch", {
            "Successful": [{"Id": "a", "MessageId": m2, "MD5OfMessageBody": "x"}],
            "Failed": [{"Id": "b", "SenderFault": True, "Code": "x"}]}).send_message_batch(
            QueueUrl=q, Entries=[{"Id": "a", "MessageBody": "{}"}, {"Id": "b", "MessageBody": "{}"}])

    world.function("producer", gm.wrap(one)).invoke(api_event("prod-1"), A)
    world.function("producer2", gm.wrap(two)).invoke(api_event("prod-2"), A2)
    world.function("consumer", gm.wrap(lambda e, c: None)).invoke(ev, B)
    world.close()
    expect(world, [(A, B, "sqs"), (A2, B, "sqs")])


@case
def sqs_json_log_format():
    ev = event("sqsEvent.json")
    m1 = ev["Records"][0]["messageId"]
    ev["Records"] = ev["Records"][:1]
    world, _ = pair(lambda: stubbed("sqs", "send_message", {"MessageId": m1}).send_message(
        QueueUrl="https://sqs.us-east-2.amazonaws.com/123456789012/my-queue", MessageBody="x"),
        ev, log_format="JSON")
    expect(world, [(A, B, "sqs")])


@case
def sqs_carrying_sns_and_s3():
    topic = "arn:aws:sns:us-east-1:123456789012:fanout"
    msg = "7c2b1a90-0000-4000-8000-000000000001"
    note = {"Type": "Notification", "MessageId": msg, "TopicArn": topic, "Message": "hi",
            "Timestamp": "2024-05-01T12:00:00.000Z"}
    s3 = s3_event("uploads", "in/x.csv", "0123456789abcdef0123456789abcdef")
    ev = event("sqsEvent.json")
    ev["Records"][0]["body"] = json.dumps(note, indent=2)
    ev["Records"][1]["body"] = json.dumps(s3)

    def calls():
        stubbed("sns", "publish", {"MessageId": msg}).publish(TopicArn=topic, Message="hi")
        stubbed("s3", "put_object", {"ETag": '"0123456789abcdef0123456789abcdef"'}).put_object(
            Bucket="uploads", Key="in/x.csv", Body=b"a,b")
    world, _ = pair(calls, ev)
    expect(world, [(A, B, "sns"), (A, B, "s3")])


# --------------------------------------------------------------------------- Kinesis

@case
def kinesis_put_record_and_records():
    ev = event("kinesisStreamEvent.json")
    s1, s2 = (r["kinesis"]["sequenceNumber"] for r in ev["Records"])

    def calls():
        stubbed("kinesis", "put_record", {"ShardId": "shardId-000000000006", "SequenceNumber": s1}
                ).put_record(StreamName="lambda-stream", Data=b"Hello, this is a test.",
                             PartitionKey="1")
        stubbed("kinesis", "put_records", {"FailedRecordCount": 1, "Records": [
            {"SequenceNumber": s2, "ShardId": "shardId-000000000006"},
            {"ErrorCode": "ProvisionedThroughputExceededException", "ErrorMessage": "slow"}]}
                ).put_records(StreamName="lambda-stream",
                              Records=[{"Data": b"This is only a test.", "PartitionKey": "1"},
                                       {"Data": b"lost", "PartitionKey": "2"}])
    world, _ = pair(calls, ev)
    expect(world, [(A, B, "kinesis")])
    check(gm._stream({"StreamARN": "arn:aws:kinesis:us-east-2:1:stream/s1"}) == "s1", "StreamARN")


# --------------------------------------------------------------------------- EventBridge

@case
def eventbridge_put_events():
    ev = event("eventBridgeEvent.json")
    world, _ = pair(lambda: stubbed("events", "put_events", {"FailedEntryCount": 0, "Entries": [
        {"EventId": ev["id"]}]}).put_events(Entries=[{"Source": "aws.ec2", "DetailType": "x",
                                                      "Detail": "{}"}]), ev)
    expect(world, [(A, B, "events")])


@case
def eventbridge_s3_object_created():
    ev = {"version": "0", "id": "17793124-05d4-b198-2fde-7ededc63b103",
          "detail-type": "Object Created", "source": "aws.s3", "account": "123456789012",
          "time": "2024-05-01T12:00:00Z", "region": "us-east-1",
          "resources": ["arn:aws:s3:::reports"],
          "detail": {"version": "0", "bucket": {"name": "reports"},
                     "object": {"key": "q1.pdf", "size": 5, "etag": "b1946ac92492d2347c6235b4d2611184",
                                "version-id": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",
                                "sequencer": "617f08299329d189"},
                     "request-id": "N4N7GDK58NMKJ12R", "requester": "123456789012",
                     "reason": "PutObject"}}
    world, _ = pair(lambda: stubbed("s3", "put_object", {
        "ETag": '"b1946ac92492d2347c6235b4d2611184"', "VersionId": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e"})
        .put_object(Bucket="reports", Key="q1.pdf", Body=b"hello"), ev)
    expect(world, [(A, B, "s3")])


# --------------------------------------------------------------------------- Lambda

def invoke_pair(mode, payload=b'{"n":1}', user_cc=None, env_payload=False):
    """A invokes B; the test plays the Lambda service: the ClientContext A's client sent
    reaches B's context (synchronous invokes only), the payload B's event."""
    sent = {}
    world = lambda_sim.World()

    def grab(params, **kw):
        sent["cc"] = params.get("ClientContext")
        sent["payload"] = params.get("Payload")

    def producer(e, c):
        lam = client("lambda")
        lam.meta.events.register_last("before-parameter-build.lambda.Invoke", grab)
        st = Stubber(lam)
        st.add_response("invoke", {"StatusCode": 200 if mode != "Event" else 202,
                                   "ResponseMetadata": {"RequestId": B}}, None)
        st.activate()
        kw = {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:consumer:live",
              "InvocationType": mode, "Payload": payload}
        if user_cc:
            kw["ClientContext"] = user_cc
        return lam.invoke(**kw)

    old = gm._propagate_payload
    gm._propagate_payload = env_payload
    world.function("producer", gm.wrap(producer)).invoke(api_event("prod-1"), A)
    gm._propagate_payload = old
    ev = json.loads(sent["payload"])
    cc = sent["cc"] if mode == "RequestResponse" else None
    world.function("consumer", gm.wrap(lambda e, c: e)).invoke(ev, B, cc)
    world.close()
    return world, sent


@case
def lambda_invoke_sync():
    world, sent = invoke_pair("RequestResponse")
    doc = json.loads(base64.b64decode(sent["cc"]))
    check(doc == {"custom": {"gammaray_caller": A}}, "ClientContext %r" % doc)
    expect(world, [(A, B, "lambda")])


@case
def lambda_invoke_keeps_user_client_context():
    user = base64.b64encode(json.dumps({"client": {"app_title": "t"}, "custom": {"k": "v"},
                                        "env": {"locale": "en"}}).encode()).decode()
    world, sent = invoke_pair("RequestResponse", user_cc=user)
    doc = json.loads(base64.b64decode(sent["cc"]))
    check(doc == {"client": {"app_title": "t"}, "custom": {"k": "v", "gammaray_caller": A},
                  "env": {"locale": "en"}}, "ClientContext %r" % doc)
    expect(world, [(A, B, "lambda")])


@case
def lambda_invoke_async():
    world, sent = invoke_pair("Event")
    check(sent["cc"] is None, "an Event invoke got a ClientContext")
    check(sent["payload"] == b'{"n":1}', "payload changed: %r" % sent["payload"])
    expect(world, [(A, B, "lambda")])


@case
def lambda_invoke_async_payload_caller():
    world, sent = invoke_pair("Event", env_payload=True)
    check(json.loads(sent["payload"]) == {"n": 1, "gammaray_caller": A},
          "payload %r" % sent["payload"])
    expect(world, [(A, B, "lambda")])


@case
def lambda_invoke_dry_run():
    world, sent = invoke_pair("DryRun")
    check(not world.functions[0].markers()[1:], "a DryRun wrote a call marker")


# --------------------------------------------------------------------------- Step Functions

@case
def sfn_start_execution():
    arn = "arn:aws:states:us-east-1:123456789012:execution:orders:run-42"
    world, _ = pair(lambda: stubbed("stepfunctions", "start_execution", {
        "executionArn": arn, "startDate": 1714564800}).start_execution(
        stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:orders", input="{}"),
        {"order": 42, "Execution": {"Id": arn, "Name": "run-42",
                                    "StartTime": "2024-05-01T12:00:00.010Z"}})
    expect(world, [(A, B, "sfn")])


# --------------------------------------------------------------------------- roots

@case
def roots_api_gateway_schedule():
    rest = {"resource": "/orders", "path": "/orders", "httpMethod": "POST", "headers": {},
            "requestContext": {"resourceId": "abc", "stage": "prod",
                               "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                               "httpMethod": "POST"}, "body": "{}"}
    http = {"version": "2.0", "routeKey": "POST /orders", "rawPath": "/orders",
            "requestContext": {"http": {"method": "POST"}, "requestId": "JKJaXmPLvHcESHA=",
                               "routeKey": "POST /orders", "stage": "$default"}}
    sched = {"version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
             "detail-type": "Scheduled Event", "source": "aws.events", "account": "123456789012",
             "time": "2024-05-01T12:00:00Z", "region": "us-east-1",
             "resources": ["arn:aws:events:us-east-1:123456789012:rule/nightly"], "detail": {}}
    alb = {"requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:tg"}},
           "httpMethod": "GET", "path": "/", "headers": {
               "x-amzn-trace-id": "Root=1-66322e45-0123456789abcdef01234567"}}
    world = lambda_sim.World()
    fn = world.function("api", gm.wrap(lambda e, c: {"statusCode": 200}))
    for i, ev in enumerate((rest, http, sched, alb)):
        fn.invoke(ev, "cccccccc-0000-4000-8000-%012d" % i)
    world.close()
    expect(world, [])


@case
def direct_invoke_unknown_payload():
    world = lambda_sim.World()
    world.function("worker", gm.wrap(lambda e, c: None)).invoke({"job": 7}, B)
    world.function("worker2", gm.wrap(lambda e, c: None)).invoke(
        {"gammaray_caller": A, "job": 8}, B2)
    world.close()
    expect(world, [(A, B2, "lambda")], unmatched=1)


# --------------------------------------------------------------------------- behaviour

@case
def behaviour_unchanged():
    world = lambda_sim.World()
    token = object()
    boom = ValueError("boom")

    def ok(e, c):
        return token

    def bad(e, c):
        raise boom

    fn = world.function("f", gm.wrap(ok))
    r, exc = fn.invoke({}, A)
    check(r is token and exc is None, "return value changed")
    r, exc = world.function("g", gm.wrap(bad)).invoke({}, A2)
    check(exc is boom, "exception changed: %r" % exc)
    twice = gm.wrap(gm.wrap(ok))
    r, exc = world.function("h", twice).invoke({}, B)
    check(len(world.functions[-1].markers()) == 1, "a handler wrapped twice logs twice")
    # a failed call writes no marker and raises what botocore raises
    c = stubbed("s3", "put_object", None, error="AccessDenied")

    def denied(e, ctx):
        try:
            c.put_object(Bucket="b", Key="k", Body=b"")
        except botocore.exceptions.ClientError:
            return "ClientError"
    r, exc = world.function("d", gm.wrap(denied)).invoke({}, B2)
    check(r == "ClientError", "failed call raised %r" % r)
    check(len(world.functions[-1].markers()) == 1, "a failed call wrote a marker")
    world.close()
    for f in world.functions:
        for m in f.markers():
            print("%s %s" % (f.name, m.rstrip("\n").split("\t")[-1]))


@case
def failure_inside_is_dropped():
    world = lambda_sim.World()
    saved = gm._encode

    def broken(obj):
        raise RuntimeError("encoder broken")
    gm._encode = broken
    try:
        c = stubbed("sqs", "send_message", {"MessageId": "m-1"}, times=2)
        fn = world.function("f", gm.wrap(lambda e, ctx: c.send_message(
            QueueUrl="https://sqs.us-east-1.amazonaws.com/1/q", MessageBody="x")["MessageId"]))
        r, exc = fn.invoke({}, A)
        r2, exc2 = fn.invoke({}, A2)
    finally:
        gm._encode = saved
    check(r == "m-1" and exc is None and r2 == "m-1" and exc2 is None,
          "a failing emitter changed the function: %r %r" % (r, exc))
    warn = [m for _, m in fn.lines if "gammaray_markers:" in m]
    check(len(warn) == 1, "%d warning lines, expected 1" % len(warn))
    for w in warn:
        print("f " + w.rstrip("\n").split("\t")[-1])
    world.close()


@case
def instrument_no_duplicates():
    world = lambda_sim.World()
    c = stubbed("sqs", "send_message", {"MessageId": "m-2"})
    gm.instrument(c)
    gm.instrument(c)
    fn = world.function("f", gm.wrap(lambda e, ctx: c.send_message(
        QueueUrl="https://sqs.us-east-1.amazonaws.com/1/q", MessageBody="x")))
    fn.invoke({}, A)
    world.close()
    check(len(fn.markers()) == 2, "%d markers, expected entry + one call" % len(fn.markers()))


@case
def handler_from_environment():
    """The function's handler set to gammaray_markers.handler, GAMMARAY_HANDLER naming the
    user's: a fresh interpreter, as Lambda starts one."""
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "app.py"), "w") as f:
            f.write("def handler(event, context):\n    return {'got': event['x']}\n")
        prog = (
            "import logging, sys, types\n"
            "logging.basicConfig(format='%(levelname)s %(message)s', stream=sys.stdout)\n"
            "import gammaray_markers\n"
            "ctx = types.SimpleNamespace(aws_request_id='r-1', function_name='app',"
            " client_context=None)\n"
            "print(gammaray_markers.handler({'x': 5, 'Records': []}, ctx))\n")
        env = dict(os.environ, GAMMARAY_HANDLER="app.handler",
                   PYTHONPATH=os.pathsep.join([tmp, os.path.join(HERE, "..")]))
        p = subprocess.run([sys.executable, "-c", prog], env=env, cwd=tmp,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = p.stdout.decode()
        print(out.rstrip("\n"))
        check(p.returncode == 0 and "{'got': 5}" in out and '"ev":"entry"' in out,
              "GAMMARAY_HANDLER run: %s" % out)
        env["GAMMARAY_HANDLER"] = "app.nothere"
        p = subprocess.run([sys.executable, "-c", "import gammaray_markers"], env=env, cwd=tmp,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        check(p.returncode != 0 and b"nothere" in p.stdout,
              "a missing GAMMARAY_HANDLER does not fail the import")


@case
def entry_shapes():
    """The src of every event shape, without the pipeline."""
    shapes = [
        ("s3", event("s3Event.json")),
        ("sns", event("snsEvent.json")),
        ("sqs", event("sqsEvent.json")),
        ("dynamodb", event("dynamoStreamEvent.json")),
        ("kinesis", event("kinesisStreamEvent.json")),
        ("eventbridge", event("eventBridgeEvent.json")),
        ("kafka", {"eventSource": "aws:kafka", "records": {}}),
        ("logs", {"awslogs": {"data": "H4sI"}}),
        ("cloudformation", {"RequestType": "Create", "ResponseURL": "https://x", "StackId": "s"}),
        ("not a dict", [1, 2]),
    ]
    for name, ev in shapes:
        print("%s %s" % (name, json.dumps(gm.entry_source(ev), separators=(",", ":"))))


def main(argv):
    global BIN
    names = []
    it = iter(argv)
    for a in it:
        if a == "--bin":
            BIN = next(it)
        else:
            names.append(a)
    for fn in CASES:
        if names and fn.__name__ not in names:
            continue
        header(fn.__name__)
        try:
            fn()
        except Exception as e:  # a broken case is a failure, not a crash of the suite
            import traceback
            results["failed"] += 1
            print("FAIL: %s raised %s: %s" % (fn.__name__, type(e).__name__, e))
            traceback.print_exc(file=sys.stderr)
    print("markers_python: %d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
