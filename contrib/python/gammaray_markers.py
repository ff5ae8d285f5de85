"""gammaray_markers: GAMMARAY v1 markers (gammaray-markers(7)) for AWS Lambda Python functions.

Two things, both optional and both dependency free (botocore is used only when the
function already has it):

* the entry marker: wrap the handler with the ``@wrap`` decorator, or set the function's
  handler to ``gammaray_markers.handler`` and ``GAMMARAY_HANDLER=app.handler`` (no code
  change); every invocation then logs ``GAMMARAY {"v":1,"ev":"entry","fn":...,"src":...}``
  naming what triggered it;
* the call markers: importing this module registers botocore event hooks, so every
  trigger-capable SDK call (S3 writes, DynamoDB writes, SNS, SQS, Kinesis, Lambda Invoke,
  EventBridge, Step Functions) logs ``GAMMARAY {"v":1,"ev":"call",...}`` with the ids the
  service returned.  A synchronous Invoke carries the caller's request id to the callee
  in the ClientContext (``custom.gammaray_caller``).

Markers go through the ``logging`` module (logger ``gammaray``, level INFO), so the Lambda
runtime prefixes them with ``[INFO]\\t<time>\\t<request id>\\t`` in the text log format and
puts them in ``message`` in the JSON format.  Nothing here changes what the function does
or returns: every failure inside is caught, dropped and reported once as a warning.

Environment:
  GAMMARAY_HANDLER            module.function to run under gammaray_markers.handler
  GAMMARAY_SDK=0              do not register the botocore hooks
  GAMMARAY_LEVEL              level of the marker lines (default INFO)
  GAMMARAY_DYNAMODB_KEYS      key attributes per table, "orders=pk,sk;users=id", for
                              PutItem (whose Item does not say which attributes are keys)
  GAMMARAY_PROPAGATE_PAYLOAD=1  also put "gammaray_caller" into the JSON object payload of
                              asynchronous (Event) invokes, whose ClientContext Lambda drops
"""

import base64
import functools
import importlib
import json
import logging
import os
import sys

__all__ = ["wrap", "handler", "instrument", "entry_source", "VERSION"]

VERSION = "0.1.0"
CALLER_KEY = "gammaray_caller"  # ClientContext custom key and payload key of the caller id



def _level_of(name):
    level = logging.getLevelName(name.strip().upper())
    return level if isinstance(level, int) else logging.INFO


_log = logging.getLogger("gammaray")
_level = _level_of(os.environ.get("GAMMARAY_LEVEL", "INFO"))
# its own level, so that the root logger's (WARNING by default) does not hide the markers
_log.setLevel(_level)
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=str).encode
_state = {"req": None, "warned": False}  # current request id; warning printed once
_tables = {}  # DynamoDB table name -> tuple of key attribute names (configured or seen)
_unknown_tables = set()  # tables whose key schema was missing, said once each
_propagate_payload = os.environ.get("GAMMARAY_PROPAGATE_PAYLOAD", "") == "1"


def _drop(what, exc):
    """A failure inside the emitter: never the function's; one warning per process."""
    if _state["warned"]:
        return
    _state["warned"] = True
    try:
        _log.warning("gammaray_markers: %s dropped (%s: %s); later failures are silent",
                     what, type(exc).__name__, exc)
    except Exception:  # pragma: no cover - logging itself broken
        pass


def _emit(marker):
    """One log line per marker.  makeRecord + handle is Logger.log without the search of
    the stack for the caller's file and line, which no Lambda format shows."""
    if _log.isEnabledFor(_level):
        _log.handle(_log.makeRecord(_log.name, _level, __file__, 0,
                                    "GAMMARAY " + _encode(marker), None, None))


def _current_request_id():
    req = _state["req"]
    if req:
        return req
    # the runtime's own notion, when the handler was not wrapped
    for name in ("awslambdaric.bootstrap", "bootstrap"):
        mod = sys.modules.get(name)
        req = getattr(mod, "_GLOBAL_AWS_REQUEST_ID", None) if mod else None
        if req:
            return req
    return None


# ---------------------------------------------------------------------------
# The entry side: what triggered this invocation.

def _arn_tail(arn, sep):
    """The part of an ARN after sep (arn:...:table/NAME/stream/... -> NAME with sep 'table/')."""
    if not isinstance(arn, str):
        return arn
    i = arn.find(sep)
    if not arn.startswith("arn:") or i < 0:
        return arn
    return arn[i + len(sep):].split("/", 1)[0]


def _put(d, k, v):
    if v is not None and v != "":
        d[k] = v


def _plain(av):
    """A DynamoDB attribute value ({"N":"101"}) as plain text ("101"); None if not a key type."""
    if isinstance(av, dict) and len(av) == 1:
        (t, v), = av.items()
        if t in ("S", "N"):
            return v if isinstance(v, str) else str(v)
        if t == "B":
            if isinstance(v, (bytes, bytearray)):
                return base64.b64encode(bytes(v)).decode("ascii")
            return v if isinstance(v, str) else None
    return None


def _plain_keys(keys):
    out = {}
    if isinstance(keys, dict):
        for k, v in keys.items():
            p = _plain(v)
            if p is not None:
                out[k] = p
    return out


def _s3_record(r):
    s3 = r.get("s3") or {}
    obj = s3.get("object") or {}
    src = {"svc": "s3", "bucket": (s3.get("bucket") or {}).get("name"), "key": obj.get("key")}
    _put(src, "etag", obj.get("eTag"))
    _put(src, "version", obj.get("versionId"))
    _put(src, "sequencer", obj.get("sequencer"))
    _put(src, "event", r.get("eventName"))
    return src


def _events_src(ev):
    """An EventBridge event (delivered directly, or inside an SQS or SNS message)."""
    dt = ev.get("detail-type")
    if dt == "Scheduled Event" and ev.get("source") in ("aws.events", "aws.scheduler"):
        src = {"svc": "schedule"}
        _put(src, "id", ev.get("id"))
        return [src]
    if ev.get("source") == "aws.s3" and dt in ("Object Created", "Object Deleted"):
        d = ev.get("detail") or {}
        obj = d.get("object") or {}
        src = {"svc": "s3", "bucket": (d.get("bucket") or {}).get("name"), "key": obj.get("key")}
        _put(src, "etag", obj.get("etag"))
        _put(src, "version", obj.get("version-id"))
        _put(src, "sequencer", obj.get("sequencer"))
        src["event"] = "ObjectCreated" if dt == "Object Created" else "ObjectRemoved"
        return [src]
    return [{"svc": "events", "id": ev.get("id")}]


def _envelope(text):
    """The producer behind a message body: an SNS notification, S3 or EventBridge event."""
    if not isinstance(text, str) or not text.startswith("{"):
        return None
    head = text[:600]
    if '"TopicArn"' not in head and '"aws:s3"' not in head and '"detail-type"' not in head:
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    if doc.get("Type") == "Notification" and doc.get("MessageId") and doc.get("TopicArn"):
        inner = _envelope(doc.get("Message"))
        if inner:
            return inner
        return [{"svc": "sns", "topic": doc["TopicArn"], "msg": doc["MessageId"]}]
    recs = doc.get("Records")
    if isinstance(recs, list) and recs and all(
            isinstance(r, dict) and r.get("eventSource") == "aws:s3" for r in recs):
        return [_s3_record(r) for r in recs]
    if doc.get("detail-type") is not None and doc.get("id") and doc.get("source"):
        return _events_src(doc)
    return None


def _sqs_record(r):
    inner = _envelope(r.get("body"))
    if inner:
        return inner
    return [{"svc": "sqs", "queue": r.get("eventSourceARN"), "msg": r.get("messageId")}]


def _sns_record(r):
    sns = r.get("Sns") or {}
    inner = _envelope(sns.get("Message"))
    if inner:
        return inner
    return [{"svc": "sns", "topic": sns.get("TopicArn"), "msg": sns.get("MessageId")}]


def _ddb_record(r):
    d = r.get("dynamodb") or {}
    src = {"svc": "dynamodb", "table": _arn_tail(r.get("eventSourceARN"), "table/"),
           "keys": _plain_keys(d.get("Keys"))}
    _put(src, "seq", d.get("SequenceNumber"))
    _put(src, "event", r.get("eventName"))
    return [src]


def _kinesis_record(r):
    k = r.get("kinesis") or {}
    return [{"svc": "kinesis", "stream": _arn_tail(r.get("eventSourceARN"), "stream/"),
             "seq": k.get("sequenceNumber")}]


_RECORDS = {
    "aws:s3": lambda r: [_s3_record(r)],
    "aws:sqs": _sqs_record,
    "aws:sns": _sns_record,
    "aws:dynamodb": _ddb_record,
    "aws:kinesis": _kinesis_record,
}
_BATCHES = ("aws:sqs", "aws:dynamodb", "aws:kinesis")  # always an array, even of one


def _is_execution(v):
    return (isinstance(v, str) and v.startswith("arn:") and ":states:" in v
            and (":execution:" in v or ":express:" in v))


def _execution(event, depth=0):
    """A Step Functions execution id passed in the payload ($$.Execution.Id)."""
    if len(event) > 64:
        return None
    for k, v in event.items():
        if isinstance(v, str):
            if "xecution" in k and _is_execution(v):
                return v
        elif isinstance(v, dict):
            if k in ("Execution", "execution") and _is_execution(v.get("Id") or v.get("id")):
                return v.get("Id") or v.get("id")
            if depth == 0:
                found = _execution(v, 1)
                if found:
                    return found
    return None


def _client_context_caller(context):
    cc = getattr(context, "client_context", None)
    if cc is None:
        return None
    custom = cc.get("custom") if isinstance(cc, dict) else getattr(cc, "custom", None)
    if isinstance(custom, dict):
        v = custom.get(CALLER_KEY)
        if isinstance(v, str) and v:
            return v
    return None


def entry_source(event, context=None):
    """The "src" of the entry marker for this event: one object, or a list for batches."""
    caller = _client_context_caller(context)
    if caller:
        return {"svc": "lambda", "caller": caller}
    if not isinstance(event, dict):
        return {"svc": "lambda"}
    v = event.get(CALLER_KEY) or event.get("gammarayCaller")  # as gammaray-markers(7) shows
    if isinstance(v, str) and v:
        return {"svc": "lambda", "caller": v}
    recs = event.get("Records")
    if isinstance(recs, list) and recs and isinstance(recs[0], dict):
        es = recs[0].get("eventSource") or recs[0].get("EventSource")
        conv = _RECORDS.get(es)
        if conv:
            out = []
            for r in recs:
                out.extend(conv(r))
            return out if es in _BATCHES or len(out) != 1 else out[0]
        if isinstance(es, str):
            return {"svc": es[4:] if es.startswith("aws:") else es}
    if "detail-type" in event and "source" in event and "id" in event:
        out = _events_src(event)
        return out[0]
    rc = event.get("requestContext")
    if isinstance(rc, dict):
        if "elb" in rc:
            h = event.get("headers") or event.get("multiValueHeaders") or {}
            t = h.get("x-amzn-trace-id") if isinstance(h, dict) else None
            return {"svc": "apigw", "request": t[0] if isinstance(t, list) else t, "via": "alb"}
        if rc.get("requestId"):
            return {"svc": "apigw", "request": rc["requestId"]}
    ex = _execution(event)
    if ex:
        return {"svc": "sfn", "execution": ex}
    es = event.get("eventSource")
    if isinstance(es, str) and es:  # Kafka, Amazon MQ: {"eventSource":"aws:kafka","records":{}}
        return {"svc": es[4:] if es.startswith("aws:") else es}
    if "awslogs" in event:
        return {"svc": "logs"}
    if "deliveryStreamArn" in event:
        return {"svc": "firehose"}
    if "triggerSource" in event and "userPoolId" in event:
        return {"svc": "cognito"}
    if "RequestType" in event and "ResponseURL" in event:
        return {"svc": "cloudformation"}
    # anything else was sent by a caller of Invoke that did not say who it was
    return {"svc": "lambda"}


def _begin(event, context):
    try:
        req = getattr(context, "aws_request_id", None)
        _state["req"] = req
        marker = {"v": 1, "ev": "entry"}
        _put(marker, "fn", getattr(context, "function_name", None)
             or os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))
        marker["src"] = entry_source(event, context)
        _emit(marker)
    except Exception as e:
        _drop("entry marker", e)


def wrap(fn):
    """Decorator: log the entry marker, then run the handler unchanged."""
    if getattr(fn, "__gammaray__", False):
        return fn

    @functools.wraps(fn)
    def wrapped(event, context, *args, **kwargs):
        _begin(event, context)
        return fn(event, context, *args, **kwargs)

    wrapped.__gammaray__ = True
    return wrapped


# ---------------------------------------------------------------------------
# The call side: botocore hooks.

def _fn_name(name):
    """FunctionName (name, ARN, partial ARN, with a qualifier) -> the function's name."""
    if not isinstance(name, str):
        return name
    parts = name.split(":")
    if "function" in parts:
        i = parts.index("function")
        return parts[i + 1] if i + 1 < len(parts) else name
    return parts[0]


def _table(name):
    return _arn_tail(name, "table/")


def _learn(table, key):
    t = _table(table)
    if isinstance(key, dict) and key and t not in _tables:
        _tables[t] = tuple(sorted(key))


def _item_keys(table, item):
    t = _table(table)
    names = _tables.get(t)
    if names and isinstance(item, dict) and all(n in item for n in names):
        return {n: _plain(item[n]) for n in names}
    if t not in _unknown_tables:
        _unknown_tables.add(t)
        _log.warning("gammaray_markers: key attributes of DynamoDB table %s unknown: "
                     "set GAMMARAY_DYNAMODB_KEYS=%s=<key>[,<sort key>]", t, t)
    return _plain_keys(item)


def _s3_put(p, r):
    m = {"bucket": p.get("Bucket"), "key": p.get("Key")}
    _put(m, "etag", (r.get("ETag") or "").strip('"'))
    _put(m, "version", r.get("VersionId"))
    return m


def _s3_copy(p, r):
    m = {"bucket": p.get("Bucket"), "key": p.get("Key")}
    _put(m, "etag", ((r.get("CopyObjectResult") or {}).get("ETag") or "").strip('"'))
    _put(m, "version", r.get("VersionId"))
    return m


def _s3_delete(p, r):
    m = {"bucket": p.get("Bucket"), "key": p.get("Key")}
    _put(m, "version", r.get("VersionId"))
    return m


def _s3_delete_many(p, r):
    out = []
    for d in r.get("Deleted") or ():
        m = {"op": "DeleteObject", "bucket": p.get("Bucket"), "key": d.get("Key")}
        _put(m, "version", d.get("DeleteMarkerVersionId") or d.get("VersionId"))
        out.append(m)
    return out


def _ddb_put(p, r):
    return {"table": p.get("TableName"), "keys": _item_keys(p.get("TableName"), p.get("Item"))}


def _ddb_key(p, r):
    return {"table": p.get("TableName"), "keys": _plain_keys(p.get("Key"))}


def _ddb_batch(p, r):
    unprocessed = r.get("UnprocessedItems") or {}
    items = []
    for table, reqs in (p.get("RequestItems") or {}).items():
        left = unprocessed.get(table) or ()
        for q in reqs:
            if q in left:
                continue
            if "PutRequest" in q:
                items.append({"table": table, "keys": _item_keys(table, q["PutRequest"].get("Item")),
                              "op": "Put"})
            elif "DeleteRequest" in q:
                items.append({"table": table, "keys": _plain_keys(q["DeleteRequest"].get("Key")),
                              "op": "Delete"})
    return {"items": items} if items else None


def _ddb_transact(p, r):
    items = []
    for q in p.get("TransactItems") or ():
        if "Put" in q:
            x = q["Put"]
            items.append({"table": x.get("TableName"), "keys": _item_keys(x.get("TableName"), x.get("Item")),
                          "op": "Put"})
        elif "Update" in q:
            x = q["Update"]
            items.append({"table": x.get("TableName"), "keys": _plain_keys(x.get("Key")), "op": "Update"})
        elif "Delete" in q:
            x = q["Delete"]
            items.append({"table": x.get("TableName"), "keys": _plain_keys(x.get("Key")), "op": "Delete"})
    return {"items": items} if items else None


def _sns_publish(p, r):
    topic = p.get("TopicArn") or p.get("TargetArn")
    if not topic:
        return None  # an SMS to a phone number triggers nothing
    return {"topic": topic, "msg": r.get("MessageId")}


def _sns_batch(p, r):
    return {"topic": p.get("TopicArn"), "msgs": [s.get("MessageId") for s in r.get("Successful") or ()]}


def _sqs_send(p, r):
    return {"queue": p.get("QueueUrl"), "msg": r.get("MessageId")}


def _sqs_batch(p, r):
    return {"queue": p.get("QueueUrl"), "msgs": [s.get("MessageId") for s in r.get("Successful") or ()]}


def _stream(p):
    return p.get("StreamName") or _arn_tail(p.get("StreamARN"), "stream/")


def _kin_put(p, r):
    return {"stream": _stream(p), "seq": r.get("SequenceNumber")}


def _kin_batch(p, r):
    return {"stream": _stream(p),
            "seqs": [x["SequenceNumber"] for x in r.get("Records") or () if x.get("SequenceNumber")]}


def _response_id(r, http):
    rid = (r.get("ResponseMetadata") or {}).get("RequestId")
    if not rid and http is not None:
        h = getattr(http, "headers", None) or {}
        rid = h.get("x-amzn-RequestId") or h.get("x-amzn-requestid") or h.get("x-amz-request-id")
    return rid


def _invoke(p, r, http=None):
    mode = p.get("InvocationType") or "RequestResponse"
    if mode == "DryRun":
        return None
    m = {"fn": _fn_name(p.get("FunctionName")), "mode": mode}
    _put(m, "callee", _response_id(r, http))
    return m


def _invoke_async(p, r, http=None):
    m = {"fn": _fn_name(p.get("FunctionName")), "mode": "Event"}
    _put(m, "callee", _response_id(r, http))
    return m


def _put_events(p, r):
    return {"ids": [e["EventId"] for e in r.get("Entries") or () if e.get("EventId")]}


def _start_execution(p, r):
    return {"execution": r.get("executionArn")}


# (botocore service id, operation) -> (contract svc, marker fields from params and response)
_CALLS = {
    ("s3", "PutObject"): ("s3", _s3_put),
    ("s3", "CopyObject"): ("s3", _s3_copy),
    ("s3", "CompleteMultipartUpload"): ("s3", _s3_put),
    ("s3", "DeleteObject"): ("s3", _s3_delete),
    ("s3", "DeleteObjects"): ("s3", _s3_delete_many),
    ("dynamodb", "PutItem"): ("dynamodb", _ddb_put),
    ("dynamodb", "UpdateItem"): ("dynamodb", _ddb_key),
    ("dynamodb", "DeleteItem"): ("dynamodb", _ddb_key),
    ("dynamodb", "BatchWriteItem"): ("dynamodb", _ddb_batch),
    ("dynamodb", "TransactWriteItems"): ("dynamodb", _ddb_transact),
    ("sns", "Publish"): ("sns", _sns_publish),
    ("sns", "PublishBatch"): ("sns", _sns_batch),
    ("sqs", "SendMessage"): ("sqs", _sqs_send),
    ("sqs", "SendMessageBatch"): ("sqs", _sqs_batch),
    ("kinesis", "PutRecord"): ("kinesis", _kin_put),
    ("kinesis", "PutRecords"): ("kinesis", _kin_batch),
    ("lambda", "Invoke"): ("lambda", _invoke),
    ("lambda", "InvokeWithResponseStream"): ("lambda", _invoke),
    ("lambda", "InvokeAsync"): ("lambda", _invoke_async),
    ("eventbridge", "PutEvents"): ("events", _put_events),
    ("cloudwatch-events", "PutEvents"): ("events", _put_events),
    ("sfn", "StartExecution"): ("sfn", _start_execution),
    ("sfn", "StartSyncExecution"): ("sfn", _start_execution),
}
# calls whose Key parameter teaches the key attributes of a table (for PutItem)
_LEARN = ("GetItem", "UpdateItem", "DeleteItem")
_CTX = "gammaray_params"  # request context entry: the call's parameters
_DONE = "gammaray_done"   # request context entry: marker already written (hooks registered twice)


def _with_caller(cc, req):
    """A ClientContext (base64 JSON) with custom.gammaray_caller = req; None to leave it alone."""
    doc = {}
    if cc:
        doc = json.loads(base64.b64decode(cc, validate=True))
        if not isinstance(doc, dict):
            return None
    custom = doc.get("custom")
    if custom is None:
        custom = doc["custom"] = {}
    if not isinstance(custom, dict) or CALLER_KEY in custom:
        return None
    custom[CALLER_KEY] = req
    out = base64.b64encode(_encode(doc).encode("utf-8")).decode("ascii")
    return out if len(out) <= 3583 else None  # Lambda's limit on ClientContext


def _propagate(params):
    req = _current_request_id()
    if not req:
        return
    mode = params.get("InvocationType") or "RequestResponse"
    if mode == "RequestResponse":
        cc = _with_caller(params.get("ClientContext"), req)
        if cc:
            params["ClientContext"] = cc
    elif mode == "Event" and _propagate_payload:
        payload = params.get("Payload")
        if isinstance(payload, (bytes, bytearray, str)) and payload[:1] in (b"{", "{"):
            doc = json.loads(payload)
            if isinstance(doc, dict) and CALLER_KEY not in doc:
                doc[CALLER_KEY] = req
                params["Payload"] = _encode(doc).encode("utf-8")


def _before(params, model=None, context=None, **kwargs):
    """before-parameter-build: keep the parameters for after-call; propagate the caller."""
    try:
        if context is None or _CTX in context:
            return
        context[_CTX] = params
        op = model.name
        if op in _LEARN:
            _learn(params.get("TableName"), params.get("Key"))
        elif op in ("Invoke", "InvokeWithResponseStream"):
            _propagate(params)
    except Exception as e:
        _drop("caller propagation", e)


def _after(http_response=None, parsed=None, model=None, context=None, event_name=None, **kwargs):
    """after-call: one call marker per successful trigger-capable call."""
    try:
        if context is None or context.get(_DONE) or parsed is None:
            return
        if http_response is not None and http_response.status_code >= 300:
            return
        context[_DONE] = True
        params = context.get(_CTX) or {}
        _, service, op = event_name.split(".", 2)
        svc, build = _CALLS[(service, op)]
        if build is _invoke or build is _invoke_async:
            fields = build(params, parsed, http_response)
        else:
            fields = build(params, parsed)
        if fields is None:
            return
        for f in fields if isinstance(fields, list) else (fields,):
            marker = {"v": 1, "ev": "call", "svc": svc, "op": f.pop("op", op)}
            marker.update(f)
            _emit(marker)
    except Exception as e:
        _drop("call marker", e)


def _hooks():
    for (service, op) in _CALLS:
        yield "before-parameter-build.%s.%s" % (service, op), _before
        yield "after-call.%s.%s" % (service, op), _after
    for op in ("GetItem",):
        yield "before-parameter-build.dynamodb.%s" % op, _before


def instrument(target):
    """Register the hooks on a botocore/boto3 session or client made before this module
    was imported (later ones get them by themselves)."""
    events = getattr(getattr(target, "meta", None), "events", None)  # a client
    if events is None:
        target = getattr(target, "_session", target)  # a boto3 session
        events = getattr(target, "_events", None)
    if events is None:
        raise TypeError("instrument: not a botocore session or client")
    for name, fn in _hooks():
        events.register(name, fn, unique_id="gammaray:" + name)
    return target


def _load_tables(spec):
    for part in spec.split(";"):
        name, _, keys = part.partition("=")
        names = tuple(sorted(k.strip() for k in keys.split(",") if k.strip()))
        if name.strip() and names:
            _tables[name.strip()] = names


def _install():
    if os.environ.get("GAMMARAY_SDK", "1") == "0":
        return
    try:
        import botocore.handlers
    except ImportError:
        return
    hooks = list(_hooks())
    registered = {(n, f) for n, f, *_ in botocore.handlers.BUILTIN_HANDLERS}
    for spec in hooks:
        if spec not in registered:
            botocore.handlers.BUILTIN_HANDLERS.append(spec)
    boto3 = sys.modules.get("boto3")
    if boto3 is not None and getattr(boto3, "DEFAULT_SESSION", None) is not None:
        instrument(boto3.DEFAULT_SESSION)


try:
    _load_tables(os.environ.get("GAMMARAY_DYNAMODB_KEYS", ""))
    _install()
except Exception as _e:  # never fail the function's import
    _drop("SDK hooks", _e)


# ---------------------------------------------------------------------------
# gammaray_markers.handler: the user's handler, named by GAMMARAY_HANDLER, wrapped.

def _load(spec):
    mod, _, name = spec.rpartition(".")
    if not mod or not name:
        raise ValueError("GAMMARAY_HANDLER=%r is not module.function" % spec)
    return getattr(importlib.import_module(mod.replace("/", ".")), name)


_user = None
if os.environ.get("GAMMARAY_HANDLER"):
    # a broken handler setting fails the function as it would without gammaray
    _user = wrap(_load(os.environ["GAMMARAY_HANDLER"]))


def handler(event, context):
    """The function's handler when it is set to gammaray_markers.handler."""
    if _user is None:
        raise RuntimeError("gammaray_markers.handler: set GAMMARAY_HANDLER=module.function")
    return _user(event, context)
