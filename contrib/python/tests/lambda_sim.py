"""lambda_sim: an in-process stand-in for the Lambda Python runtime and CloudWatch Logs, for tests.

It logs the way the runtime does (the root logger's handler formats application lines as
``[LEVEL]\\t<time>Z\\t<request id>\\t<message>\\n`` in the text format, or as a JSON
object with timestamp, level, message, logger and requestId in the JSON format), writes
the platform lines (START/END/REPORT, or platform.start/runtimeDone/report records), and
saves every function's log stream as a CloudWatch Logs export (``<ISO time>Z <message>``
lines, gzip).  Time is a virtual clock, one millisecond per log line, so the output is
the same on every run.
"""

import base64
import gzip
import hashlib
import json
import logging
import os
import time

T0_MS = 1714564800000  # 2024-05-01T12:00:00Z


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


class ClientContext:
    """The runtime's context.client_context: client, custom and env from the Invoke header."""

    def __init__(self, doc):
        self.client = doc.get("client")
        self.custom = doc.get("custom")
        self.env = doc.get("env")


class Context:
    """The handful of context attributes handlers use."""

    def __init__(self, fn, req, client_context):
        self.function_name = fn.name
        self.function_version = "$LATEST"
        self.aws_request_id = req
        self.invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:" + fn.name
        self.memory_limit_in_mb = "128"
        self.log_group_name = "/aws/lambda/" + fn.name
        self.log_stream_name = fn.stream
        self.client_context = client_context
        self.identity = None

    def get_remaining_time_in_millis(self):
        return 3000


class _Handler(logging.Handler):
    """The runtime's root handler: formats like it and files the line under the function."""

    def __init__(self, world):
        super().__init__()
        self.world = world
        self.text = logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
            "%Y-%m-%dT%H:%M:%S")
        self.text.converter = time.gmtime

    def emit(self, record):
        fn = self.world.current
        if fn is None:
            return
        ms = self.world.tick()
        record.created = ms / 1000.0
        record.msecs = ms % 1000
        record.aws_request_id = fn.req or ""
        if fn.log_format == "JSON":
            doc = {"timestamp": iso(ms), "level": record.levelname,
                   "message": record.getMessage(), "logger": record.name,
                   "requestId": fn.req or None}
            msg = json.dumps({k: v for k, v in doc.items() if v is not None},
                             ensure_ascii=False) + "\n"
        else:
            msg = self.text.format(record)
        fn.lines.append((ms, msg))


class Function:
    """One Lambda function: a handler, its log format and its one log stream."""

    def __init__(self, world, name, handler, log_format="TEXT"):
        self.world = world
        self.name = name
        self.handler = handler
        self.log_format = log_format
        self.stream = "2024/05/01/[$LATEST]" + hashlib.md5(name.encode()).hexdigest()
        self.lines = []  # (epoch ms, message) in the order written
        self.req = None  # request id of the running invocation

    def _platform(self, kind, req, status="success", dur=0):
        ms = self.world.tick()
        if self.log_format == "JSON":
            rec = {"requestId": req}
            if kind == "start":
                rec["version"] = "$LATEST"
            else:
                rec["status"] = status
                rec["metrics"] = {"durationMs": float(dur)}
                if kind == "report":
                    rec["metrics"].update({"billedDurationMs": dur, "memorySizeMB": 128,
                                           "maxMemoryUsedMB": 60})
            name = {"start": "platform.start", "end": "platform.runtimeDone",
                    "report": "platform.report"}[kind]
            msg = json.dumps({"time": iso(ms), "type": name, "record": rec}) + "\n"
        elif kind == "start":
            msg = "START RequestId: %s Version: $LATEST\n" % req
        elif kind == "end":
            msg = "END RequestId: %s\n" % req
        else:
            msg = ("REPORT RequestId: %s\tDuration: %d.00 ms\tBilled Duration: %d ms\t"
                   "Memory Size: 128 MB\tMax Memory Used: 60 MB\t\n" % (req, dur, dur))
        self.lines.append((ms, msg))
        return ms

    def invoke(self, event, req, client_context=None):
        """Run one invocation; client_context is the base64 ClientContext of an Invoke.
        Returns (result, exception)."""
        cc = None
        if client_context:
            cc = ClientContext(json.loads(base64.b64decode(client_context)))
        outer, self.world.current = self.world.current, self
        self.req = req
        start = self._platform("start", req)
        result, exc = None, None
        try:
            result = self.handler(event, Context(self, req, cc))
        except Exception as e:  # the runtime reports it and goes on
            exc = e
            ms = self.world.tick()
            self.lines.append((ms, "[ERROR] %s: %s\n" % (type(e).__name__, e)))
        dur = self.world.now - start + 1
        status = "success" if exc is None else "error"
        self._platform("end", req, status, dur)
        self._platform("report", req, status, dur)
        self.req = None
        self.world.current = outer
        if outer is not None:
            outer.world.tick()
        return result, exc

    def markers(self):
        """The marker lines of this function's log, as written."""
        return [m for _, m in self.lines if "GAMMARAY " in m]


class World:
    """Functions, a virtual clock, and the runtime's logging set up on the root logger."""

    def __init__(self):
        self.now = T0_MS
        self.functions = []
        self.current = None
        self.handler = _Handler(self)
        root = logging.getLogger()
        for h in list(root.handlers):
            root.removeHandler(h)
        root.addHandler(self.handler)
        root.setLevel(logging.WARNING)  # the runtime's default in the text format

    def close(self):
        logging.getLogger().removeHandler(self.handler)

    def tick(self):
        self.now += 1
        return self.now

    def function(self, name, handler, log_format="TEXT"):
        fn = Function(self, name, handler, log_format)
        self.functions.append(fn)
        return fn

    def export(self, root):
        """Write each function's stream as a CloudWatch Logs export under root/<function>/.
        Returns the gammaray-fetch arguments naming each folder's log group."""
        args = []
        for i, fn in enumerate(self.functions):
            top = os.path.join(root, fn.name)
            task = "%08x-0000-4000-8000-%012x" % (i + 1, i + 1)
            d = os.path.join(top, task, fn.stream.replace("/", "-"))
            os.makedirs(d, exist_ok=True)
            body = "".join("%s %s\n" % (iso(ms), msg) for ms, msg in sorted(
                fn.lines, key=lambda x: x[0]))
            with open(os.path.join(d, "000000.gz"), "wb") as f:
                f.write(gzip.compress(body.encode("utf-8"), mtime=0))
            args += ["-g", "/aws/lambda/" + fn.name, top]
        return args
