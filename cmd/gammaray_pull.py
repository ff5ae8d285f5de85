#!/usr/bin/python3
# gammaray_pull.py: gammaray-pull, a window of CloudWatch Logs and X-Ray data down from AWS into a directory gammaray-fetch reads.
#
# A script over the AWS CLI v2 rather than C in lib/: every step is a call of the
# `aws` program (credentials, profiles, SSO, regions and retries stay the user's),
# so what is left is ordering those calls, pagination, a state to resume from and
# the wording of errors; no data passes through a parser of ours.
import datetime
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time

PROG = "gammaray-pull"
VERSION = "@VERSION@"
OK, FAIL, USAGE = 0, 1, 2

FILTER_MAX_MS = 6 * 3600 * 1000      # auto: filter-log-events up to 6 h, export beyond
XRAY_SLICE_MS = 6 * 3600 * 1000      # get-trace-summaries: one query per 6 h slice
TRACE_BATCH = 5                      # batch-get-traces takes at most 5 ids
STATE_DIR = ".gammaray-pull"         # hidden: gammaray-fetch skips dot names
BACKOFF_TRIES = 8                    # throttled or export slot busy: attempts
EXPORT_WAIT_TRIES = 12               # LimitExceededException: attempts to start a task

USAGE_TEXT = """\
Usage: gammaray-pull [OPTION]... -o DIR
Bring a time window of Lambda logs (CloudWatch Logs), X-Ray traces and the
aws/spans log group down from AWS into DIR, which gammaray-fetch reads as it is.
Runs the AWS CLI v2 (aws): its credentials, profiles, SSO, region and retries.

  -o, --output DIR         directory to fill (created); a second run with the
                           same options continues an interrupted one
      --function NAME      the log group /aws/lambda/NAME (repeatable)
      --log-group GROUP    a log group (repeatable)
      --all                every log group under /aws/lambda/
      --no-traces          no X-Ray traces
      --since TIME         window start (default -1h)
      --until TIME         window end, excluded (default now) (TIME: ISO 8601,
                           epoch seconds or ms, or -30m, -2h, -7d)
      --method METHOD      auto (default: filter up to 6 hours, export beyond),
                           filter (filter-log-events) or export (an export task
                           to S3, then a download)
      --bucket BUCKET      S3 bucket of export tasks (same region as the logs)
      --prefix PREFIX      key prefix of export tasks (default gammaray-pull)
      --profile NAME       passed to aws
      --region REGION      passed to aws
      --endpoint-url URL   passed to aws
  -n, --dry-run            print the AWS CLI calls in order and exit: no
                           network, no credentials
  -q, --quiet              no summary and no progress
      --progress           a progress line on stderr even when not a terminal
      --no-progress        no progress line, even on a terminal
  -h, --help               show this help and exit
  -V, --version            show the version and exit

Exit status: 0 when DIR is complete, 1 on a runtime failure (run the same command
again to continue), 2 on bad usage.
Example: gammaray-pull --function resize --since -2h -o pulled/ &&
         gammaray-fetch pulled/ | gammaray-infer | gammaray-critpath
"""

# IAM action of each operation we call, for access-denied messages
ACTIONS = {
    "DescribeLogGroups": "logs:DescribeLogGroups",
    "FilterLogEvents": "logs:FilterLogEvents",
    "CreateExportTask": "logs:CreateExportTask",
    "DescribeExportTasks": "logs:DescribeExportTasks",
    "GetTraceSummaries": "xray:GetTraceSummaries",
    "BatchGetTraces": "xray:BatchGetTraces",
    "ListObjectsV2": "s3:ListBucket",
    "GetObject": "s3:GetObject",
    "GetBucketLocation": "s3:GetBucketLocation",
}
THROTTLED = {"ThrottlingException", "Throttling", "TooManyRequestsException",
             "ThrottledException", "RequestLimitExceeded", "SlowDown",
             "ProvisionedThroughputExceededException", "RequestThrottled"}
DENIED = {"AccessDeniedException", "AccessDenied", "UnauthorizedOperation",
          "UnrecognizedClientException", "Forbidden", "403"}


class Failure(Exception):
    """A runtime failure: its message is shown after 'gammaray-pull: ', exit 1."""


def msg(text):
    progress.clear()
    sys.stderr.write("%s: %s\n" % (PROG, text))
    sys.stderr.flush()


def usage_error(text):
    sys.stderr.write("%s: %s\nTry '%s --help' for more information.\n" % (PROG, text, PROG))
    sys.exit(USAGE)


class Progress:
    """One line on stderr, rewritten in place (a terminal, or --progress)."""

    def __init__(self):
        self.on = False
        self.shown = False

    def show(self, text):
        if not self.on:
            return
        width = shutil.get_terminal_size((100, 20)).columns - 1
        sys.stderr.write("\r\033[K" + (PROG + ": " + text)[:width])
        sys.stderr.flush()
        self.shown = True

    def clear(self):
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.shown = False


progress = Progress()


# --- time ----------------------------------------------------------------------

def parse_time(opt, s, now_ms):
    """The toolkit's TIME (lib/common/timeparse.c): ISO 8601, a bare date (its UTC
    midnight), -N[smhd] before now, epoch seconds, or ms with 13 digits or more."""
    m = re.fullmatch(r"-(\d+)([smhd])", s)
    if m:
        return now_ms - int(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)] * 1000
    if re.fullmatch(r"\d{1,16}", s):
        return int(s) if len(s) >= 13 else int(s) * 1000
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        s += "T00:00:00Z"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", s):
        try:
            t = datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
            if t.tzinfo is None:
                t = t.replace(tzinfo=datetime.timezone.utc)
            return int(t.timestamp() * 1000)
        except ValueError:
            pass
    usage_error("invalid time '%s' for %s (ISO 8601, epoch seconds or ms, or -15m, -2h, -3d)"
                % (s, opt))


def iso(ms):
    t = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + (".%03dZ" % (ms % 1000) if ms % 1000 else "Z")


def span(ms):
    for unit, n in (("d", 86400000), ("h", 3600000), ("m", 60000), ("s", 1000)):
        if ms >= n and ms % n == 0:
            return "%d%s" % (ms // n, unit)
    return "%.1fs" % (ms / 1000)


# --- options ---------------------------------------------------------------------

def parse_args(argv):
    o = {"out": None, "functions": [], "groups": [], "all": False, "traces": True,
         "since": "-1h", "until": None, "method": "auto", "bucket": None,
         "prefix": "gammaray-pull", "profile": None, "region": None, "endpoint": None,
         "dry_run": False, "quiet": False, "progress": None}
    takes = {"-o": "out", "--output": "out", "--function": "functions",
             "--log-group": "groups", "--since": "since", "--until": "until",
             "--method": "method", "--bucket": "bucket", "--prefix": "prefix",
             "--profile": "profile", "--region": "region", "--endpoint-url": "endpoint"}
    flags = {"--all": ("all", True), "--no-traces": ("traces", False),
             "-n": ("dry_run", True), "--dry-run": ("dry_run", True),
             "-q": ("quiet", True), "--quiet": ("quiet", True),
             "--progress": ("progress", True), "--no-progress": ("progress", False)}
    i = 0
    while i < len(argv):
        a = argv[i]
        i += 1
        if a in ("-h", "--help"):
            sys.stdout.write(USAGE_TEXT)
            sys.exit(OK)
        if a in ("-V", "--version"):
            sys.stdout.write("%s %s\n" % (PROG, VERSION))
            sys.exit(OK)
        if a == "--":
            if i < len(argv):
                usage_error("unexpected operand '%s'" % argv[i])
            break
        name, val = a, None
        if a.startswith("--") and "=" in a:
            name, val = a.split("=", 1)
        elif a.startswith("-o") and len(a) > 2:
            name, val = "-o", a[2:]
        if name in flags and val is None:
            k, v = flags[name]
            o[k] = v
            continue
        if name in takes:
            if val is None:
                if i >= len(argv):
                    usage_error("option '%s' requires an argument" % name)
                val = argv[i]
                i += 1
            k = takes[name]
            if isinstance(o[k], list):
                o[k].append(val)
            else:
                o[k] = val
            continue
        if a.startswith("-"):
            usage_error("unrecognized option '%s'" % a)
        usage_error("unexpected operand '%s' (the directory goes with -o)" % a)
    if not o["out"]:
        usage_error("no output directory (-o DIR)")
    if o["method"] not in ("auto", "filter", "export"):
        usage_error("invalid method '%s' for --method (auto, filter or export)" % o["method"])
    for f in o["functions"]:
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,140}", f):
            usage_error("invalid function name '%s' for --function" % f)
    if not (o["functions"] or o["groups"] or o["all"]):
        usage_error("nothing to pull: give --function NAME, --log-group GROUP or --all")
    now = int(time.time() * 1000)
    o["from_ms"] = parse_time("--since", o["since"], now)
    o["to_ms"] = parse_time("--until", o["until"], now) if o["until"] else now
    if o["from_ms"] >= o["to_ms"]:
        usage_error("--since %s is not before --until %s" % (iso(o["from_ms"]), iso(o["to_ms"])))
    method = o["method"]
    if method == "auto":
        method = "filter" if o["to_ms"] - o["from_ms"] <= FILTER_MAX_MS else "export"
    o["chosen"] = method
    if method == "export" and not o["bucket"]:
        usage_error("the export method needs --bucket BUCKET (the window is %s; "
                    "--method filter reads it with filter-log-events instead)"
                    % span(o["to_ms"] - o["from_ms"]))
    return o


# --- the AWS CLI -----------------------------------------------------------------

def find_aws():
    """The AWS CLI v2: $GAMMARAY_PULL_AWS as it is, else `aws` on PATH when it is
    2.x, else the usual v2 places."""
    if os.environ.get("GAMMARAY_PULL_AWS"):
        return os.environ["GAMMARAY_PULL_AWS"]
    tried = []
    for cand in [shutil.which("aws"), "/usr/bin/aws", "/usr/local/bin/aws"]:
        if not cand or cand in tried or not os.access(cand, os.X_OK):
            continue
        tried.append(cand)
        try:
            r = subprocess.run([cand, "--version"], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if (r.stdout + r.stderr).startswith("aws-cli/2."):
            return cand
    if tried:
        raise Failure("needs the AWS CLI version 2 (found only version 1: %s); "
                      "install it (Debian: apt-get install awscli)" % ", ".join(tried))
    raise Failure("needs the AWS CLI version 2 ('aws' not found); "
                  "install it (Debian: apt-get install awscli)")


class Aws:
    """Runs aws calls; turns its failures into messages a user can act on."""

    def __init__(self, o):
        self.o = o
        self.exe = None if o["dry_run"] else find_aws()
        self.env = dict(os.environ, AWS_PAGER="")
        self.calls = 0

    def argv(self, args):
        g = ["aws", "--output", "json", "--no-cli-pager"]
        for opt, k in (("--profile", "profile"), ("--region", "region"),
                       ("--endpoint-url", "endpoint")):
            if self.o[k]:
                g += [opt, self.o[k]]
        return g + args

    def show(self, args, note=None):
        """--dry-run: the call as a shell line."""
        line = " ".join(a if a.startswith("<") else shlex.quote(a) for a in self.argv(args))
        print(line + ("    # " + note if note else ""))

    def call(self, args, op, raw=False):
        """Runs `aws ARGS`; returns the parsed JSON output (raw: the text)."""
        argv = self.argv(args)
        argv[0] = self.exe
        delay = 1
        waited_export = 0
        while True:
            self.calls += 1
            try:
                r = subprocess.run(argv, capture_output=True, text=True, env=self.env)
            except OSError as e:
                raise Failure("cannot run %s: %s" % (self.exe, e.strerror))
            if r.returncode == 0:
                if raw:
                    return r.stdout
                try:
                    return json.loads(r.stdout) if r.stdout.strip() else {}
                except ValueError:
                    raise Failure("aws %s: output is not JSON" % " ".join(args[:2]))
            code, text = self.error_of(r.stderr)
            if code in THROTTLED and delay <= 2 ** (BACKOFF_TRIES - 1):
                msg("throttled by AWS (%s on %s); waiting %d s" % (code, op, delay))
                time.sleep(delay)
                delay = min(delay * 2, 60)
                continue
            if code == "LimitExceededException" and op == "CreateExportTask" \
                    and waited_export < EXPORT_WAIT_TRIES:
                waited_export += 1
                wait = min(2 ** waited_export, 30)
                msg("an export task is already running in this account (CloudWatch Logs "
                    "runs one at a time); waiting %d s for it to end" % wait)
                time.sleep(wait)
                continue
            raise Failure(self.explain(code, text, op, args))

    @staticmethod
    def error_of(stderr):
        m = re.search(r"An error occurred \(([^)]+)\) when calling the \w+ operation"
                      r"(?: \([^)]*\))?: ?(.*)", stderr)
        if m:
            return m.group(1), m.group(2).strip()
        lines = [ln.strip() for ln in stderr.strip().splitlines() if ln.strip()]
        return None, (lines[-1] if lines else "failed without a message")

    def explain(self, code, text, op, args):
        what = "aws " + " ".join(args[:2])
        text = text[:300]
        if code is None:
            if "Unable to locate credentials" in text or "NoCredentials" in text:
                return ("no AWS credentials (%s): configure them (aws configure, aws sso "
                        "login, AWS_PROFILE) or pass --profile" % what)
            if "Token has expired" in text or "sso" in text.lower() and "expired" in text:
                return "the SSO session has expired (%s): run aws sso login" % what
            if "Could not connect to the endpoint" in text or "Connection" in text:
                return "cannot reach AWS (%s): %s" % (what, text)
            if "You must specify a region" in text:
                return "no AWS region (%s): pass --region or set one in the profile" % what
            return "%s failed: %s" % (what, text)
        if code in DENIED:
            action = ACTIONS.get(op, op)
            return ("access denied: these credentials may not call %s (%s: %s); add the IAM "
                    "action to their policy" % (action, code, text))
        if code in THROTTLED:
            return "still throttled by AWS after backing off (%s on %s)" % (code, op)
        if code == "LimitExceededException" and op == "CreateExportTask":
            return ("an export task is still running in this account (CloudWatch Logs runs "
                    "one at a time): wait for it (aws logs describe-export-tasks "
                    "--status-code RUNNING) or use --method filter")
        if code == "ResourceNotFoundException" and op in ("FilterLogEvents", "CreateExportTask"):
            return "%s: %s (check the name and --region)" % (code, text)
        if code in ("PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException"):
            return ("the bucket is in another region than the logs (%s: %s); export tasks need "
                    "a bucket in the log groups' region" % (code, text))
        if code == "InvalidParameterException" and op == "CreateExportTask":
            return ("%s: %s (the bucket must be in the logs' region and its policy must let "
                    "logs.amazonaws.com call s3:GetBucketAcl and s3:PutObject)" % (code, text))
        if code in ("NoSuchBucket",):
            return "%s: %s (--bucket)" % (code, text)
        return "%s failed: %s: %s" % (what, code, text)


# --- output directory and state -------------------------------------------------

def write_atomic(path, data):
    tmp = path + ".part"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(tmp, "w" if isinstance(data, str) else "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def write_json(path, doc):
    write_atomic(path, json.dumps(doc, separators=(",", ":")) + "\n")


def read_json(path):
    with open(path) as f:
        return json.load(f)


class Pull:
    def __init__(self, o, aws):
        self.o = o
        self.aws = aws
        self.dir = o["out"]
        self.sdir = os.path.join(self.dir, STATE_DIR)
        self.state_path = os.path.join(self.sdir, "state.json")
        self.n = {"groups": 0, "pages": 0, "events": 0, "traces": 0, "tpages": 0,
                  "objects": 0, "fetched": 0}

    # the request a state belongs to: the options as typed, so a relative window
    # keeps the times it was first resolved to
    def request(self):
        o = self.o
        return {k: o[k] for k in ("functions", "groups", "all", "traces", "since", "until",
                                  "method", "bucket", "prefix")}

    def load_state(self):
        if os.path.exists(self.state_path):
            st = read_json(self.state_path)
            if st.get("request") != self.request():
                raise Failure("%s holds a pull made with other options (%s); use another "
                              "directory" % (self.dir, " ".join(st.get("argv", []))))
            return st
        if os.path.isdir(self.dir) and os.listdir(self.dir):
            raise Failure("%s is not empty and holds no gammaray-pull state; use a new "
                          "directory" % self.dir)
        os.makedirs(self.sdir, exist_ok=True)
        st = {"v": 1, "request": self.request(), "argv": sys.argv[1:],
              "from_ms": self.o["from_ms"], "to_ms": self.o["to_ms"],
              "method": self.o["chosen"], "groups": None, "exports": {}, "complete": False}
        self.save(st)
        return st

    def save(self, st):
        write_json(self.state_path, st)

    def paged(self, args, op, in_tok, out_tok, path_of, what, add=None):
        """One call per page (--no-paginate), each page kept in its file: a page on
        disk is never asked for again, the next one starts from its token."""
        i, token = 0, None
        while True:
            p = path_of(i)
            if os.path.exists(p):
                doc = read_json(p)
            else:
                progress.show("%s: page %d" % (what, i + 1))
                doc = self.aws.call(args + ["--no-paginate"] + ([in_tok, token] if token else []), op)
                if add:
                    doc = dict(add, **doc)
                write_json(p, doc)
                self.n["fetched"] += 1
            yield doc
            token = doc.get(out_tok)
            if not token:
                return
            i += 1

    # --- which log groups
    def discover(self, st):
        if st["groups"] is not None:
            return st["groups"]
        o = self.o
        groups = ["/aws/lambda/" + f for f in o["functions"]] + list(o["groups"])
        lookups = [("spans", "aws/spans")] + ([("lambda", "/aws/lambda/")] if o["all"] else [])
        for key, prefix in lookups:
            found = []
            for doc in self.paged(["logs", "describe-log-groups", "--log-group-name-prefix", prefix],
                                  "DescribeLogGroups", "--next-token", "nextToken",
                                  lambda i, k=key: os.path.join(self.sdir, "groups-%s-%04d.json" % (k, i)),
                                  "describe-log-groups " + prefix):
                found += [g["logGroupName"] for g in doc.get("logGroups", [])]
            if key == "spans":
                found = [g for g in found if g == "aws/spans"]
            groups += found
        seen = set()
        st["groups"] = [g for g in groups if not (g in seen or seen.add(g))]
        self.save(st)
        return st["groups"]

    def group_dirs(self, groups):
        dirs, used = {}, set()
        for g in groups:
            base = g.strip("/").replace("/", "_") or "_"
            d, k = base, 2
            while d in used:
                d, k = "%s-%d" % (base, k), k + 1
            used.add(d)
            dirs[g] = d
        return dirs

    # --- filter-log-events
    def filter_logs(self, st, groups):
        dirs = self.group_dirs(groups)
        for gi, g in enumerate(groups):
            args = ["logs", "filter-log-events", "--log-group-name", g,
                    "--start-time", str(st["from_ms"]), "--end-time", str(st["to_ms"] - 1)]
            d = os.path.join(self.dir, "logs", dirs[g])
            for doc in self.paged(args, "FilterLogEvents", "--next-token", "nextToken",
                                  lambda i: os.path.join(d, "page-%06d.json" % i),
                                  "logs %d/%d %s" % (gi + 1, len(groups), g),
                                  add={"logGroupName": g}):
                self.n["pages"] += 1
                self.n["events"] += len(doc.get("events", []))
            self.n["groups"] += 1

    # --- export tasks
    def bucket_region_check(self):
        region = self.o["region"] or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        if not region:
            try:  # the profile's region; unset is not an error here
                region = self.aws.call(["configure", "get", "region"], "configure",
                                       raw=True).strip() or None
            except Failure:
                region = None
        doc = self.aws.call(["s3api", "get-bucket-location", "--bucket", self.o["bucket"]],
                            "GetBucketLocation")
        loc = doc.get("LocationConstraint") or "us-east-1"
        loc = {"EU": "eu-west-1"}.get(loc, loc)
        if region and loc != region:
            raise Failure("bucket %s is in %s, the logs in %s: export tasks need a bucket in "
                          "the log groups' region" % (self.o["bucket"], loc, region))

    def export_logs(self, st, groups):
        o = self.o
        if not st.get("bucket_checked"):
            self.bucket_region_check()
            st["bucket_checked"] = True
            self.save(st)
        tasks_path = os.path.join(self.dir, "export-tasks.json")
        for gi, g in enumerate(groups):
            what = "export %d/%d %s" % (gi + 1, len(groups), g)
            ex = st["exports"].get(g)
            if ex is None:
                progress.show(what + ": creating the task")
                doc = self.aws.call(["logs", "create-export-task", "--log-group-name", g,
                                     "--from", str(st["from_ms"]), "--to", str(st["to_ms"] - 1),
                                     "--destination", o["bucket"],
                                     "--destination-prefix", o["prefix"]], "CreateExportTask")
                ex = st["exports"][g] = {"taskId": doc["taskId"], "task": None, "listed": False}
                self.save(st)
            tid = ex["taskId"]
            wait = 1
            while ex["task"] is None:
                doc = self.aws.call(["logs", "describe-export-tasks", "--task-id", tid],
                                    "DescribeExportTasks")
                tasks = doc.get("exportTasks") or [{}]
                code = (tasks[0].get("status") or {}).get("code", "?")
                if code == "COMPLETED":
                    ex["task"] = tasks[0]
                    self.save(st)
                    break
                if code in ("FAILED", "CANCELLED", "PENDING_CANCEL"):
                    raise Failure("export task %s of %s ended %s: %s" % (
                        tid, g, code, (tasks[0].get("status") or {}).get("message", "")))
                progress.show("%s: task %s %s" % (what, tid, code.lower()))
                time.sleep(wait)
                wait = min(wait * 2, 30)
            keys = []
            for doc in self.paged(["s3api", "list-objects-v2", "--bucket", o["bucket"],
                                   "--prefix", "%s/%s/" % (o["prefix"], tid)],
                                  "ListObjectsV2", "--continuation-token", "NextContinuationToken",
                                  lambda i: os.path.join(self.sdir, "objects-%s-%04d.json" % (tid, i)),
                                  what + ": listing"):
                keys += [c["Key"] for c in doc.get("Contents", [])]
            for ki, key in enumerate(keys):
                rel = key[len(o["prefix"]) + 1:]
                if not rel or rel.endswith("/") or ".." in rel.split("/"):
                    continue
                path = os.path.join(self.dir, "export", rel)
                self.n["objects"] += 1
                if os.path.exists(path):
                    continue
                progress.show("%s: object %d/%d" % (what, ki + 1, len(keys)))
                os.makedirs(os.path.dirname(path), exist_ok=True)
                self.aws.call(["s3api", "get-object", "--bucket", o["bucket"], "--key", key,
                               path + ".part"], "GetObject")
                os.replace(path + ".part", path)
                self.n["fetched"] += 1
            tasks = [e["task"] for e in st["exports"].values() if e.get("task")]
            write_json(tasks_path, {"exportTasks": tasks})
            self.n["groups"] += 1

    # --- X-Ray
    def traces(self, st):
        ids, seen = [], set()
        t, s = st["from_ms"], 0
        while t < st["to_ms"]:
            end = min(t + XRAY_SLICE_MS, st["to_ms"])
            args = ["xray", "get-trace-summaries", "--start-time", iso(t), "--end-time", iso(end)]
            for doc in self.paged(args, "GetTraceSummaries", "--next-token", "NextToken",
                                  lambda i, s=s: os.path.join(self.sdir, "summaries-%03d-%04d.json" % (s, i)),
                                  "X-Ray trace summaries %s" % iso(t)):
                for ts in doc.get("TraceSummaries", []):
                    if ts.get("Id") and ts["Id"] not in seen:
                        seen.add(ts["Id"])
                        ids.append(ts["Id"])
            t, s = end, s + 1
        missing = 0
        nb = (len(ids) + TRACE_BATCH - 1) // TRACE_BATCH
        for b in range(nb):
            batch = ids[b * TRACE_BATCH:(b + 1) * TRACE_BATCH]
            for doc in self.paged(["xray", "batch-get-traces", "--trace-ids"] + batch,
                                  "BatchGetTraces", "--next-token", "NextToken",
                                  lambda i: os.path.join(self.dir, "xray", "traces-%06d-%02d.json" % (b, i)),
                                  "X-Ray traces %d/%d" % (min((b + 1) * TRACE_BATCH, len(ids)), len(ids))):
                self.n["tpages"] += 1
                self.n["traces"] += len(doc.get("Traces", []))
                missing += len(doc.get("UnprocessedTraceIds", []))
        if missing:
            msg("X-Ray did not return %d of %d traces (UnprocessedTraceIds); a later run in "
                "a new directory may get them" % (missing, len(ids)))

    def run(self):
        st = self.load_state()
        if st["complete"]:
            if not self.o["quiet"]:
                msg("%s: already complete; read it with: gammaray-fetch %s" % (self.dir, self.dir))
            return OK
        groups = self.discover(st)
        if st["method"] == "filter":
            self.filter_logs(st, groups)
        else:
            self.export_logs(st, groups)
        if self.o["traces"]:
            self.traces(st)
        st["complete"] = True
        self.save(st)
        progress.clear()
        if not self.o["quiet"]:
            n = self.n
            logs = ("%d pages, %d events" % (n["pages"], n["events"]) if st["method"] == "filter"
                    else "%d objects" % n["objects"])
            tr = "; %d traces in %d pages" % (n["traces"], n["tpages"]) if self.o["traces"] else ""
            msg("%s: %d log groups (%s)%s; %d files fetched now (%s to %s); read it with: "
                "gammaray-fetch %s" % (self.dir, n["groups"], logs, tr, n["fetched"],
                                       iso(st["from_ms"]), iso(st["to_ms"]), self.dir))
        return OK


# --- --dry-run -------------------------------------------------------------------

def dry_run(o, aws):
    f, t = o["from_ms"], o["to_ms"]
    why = ("up to %s" % span(FILTER_MAX_MS) if o["chosen"] == "filter" else
           "over %s" % span(FILTER_MAX_MS)) if o["method"] == "auto" else "--method"
    print("# window %s to %s (%s): %s (%s)" % (iso(f), iso(t), span(t - f),
          "filter-log-events" if o["chosen"] == "filter" else "export task to S3", why))
    page = "<nextToken of the previous page>"
    again = "again while a page has a nextToken"
    groups = ["/aws/lambda/" + n for n in o["functions"]] + o["groups"]
    aws.show(["logs", "describe-log-groups", "--log-group-name-prefix", "aws/spans", "--no-paginate"])
    aws.show(["logs", "describe-log-groups", "--log-group-name-prefix", "aws/spans", "--no-paginate",
              "--next-token", page], again)
    if o["all"]:
        aws.show(["logs", "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/", "--no-paginate"])
        aws.show(["logs", "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/",
                  "--no-paginate", "--next-token", page], again)
        groups.append("<each group from describe-log-groups>")
    groups.append("<aws/spans if describe-log-groups lists it>")
    if o["chosen"] == "filter":
        for g in groups:
            args = ["logs", "filter-log-events", "--log-group-name", g,
                    "--start-time", str(f), "--end-time", str(t - 1), "--no-paginate"]
            aws.show(args)
            aws.show(args + ["--next-token", page], again)
    else:
        if not (o["region"] or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")):
            aws.show(["configure", "get", "region"], "the logs' region, for the bucket's")
        aws.show(["s3api", "get-bucket-location", "--bucket", o["bucket"]])
        for g in groups:
            aws.show(["logs", "create-export-task", "--log-group-name", g, "--from", str(f),
                      "--to", str(t - 1), "--destination", o["bucket"],
                      "--destination-prefix", o["prefix"]])
            aws.show(["logs", "describe-export-tasks", "--task-id", "<taskId from create-export-task>"],
                     "again until COMPLETED")
            lst = ["s3api", "list-objects-v2", "--bucket", o["bucket"], "--prefix",
                   o["prefix"] + "/<taskId>/", "--no-paginate"]
            aws.show(lst)
            aws.show(lst + ["--continuation-token", "<NextContinuationToken of the previous page>"],
                     "again while a page has one")
            aws.show(["s3api", "get-object", "--bucket", o["bucket"], "--key",
                      "<each key from list-objects-v2>", os.path.join(o["out"], "export", "<key after the prefix>")])
    if o["traces"]:
        s = f
        while s < t:
            e = min(s + XRAY_SLICE_MS, t)
            args = ["xray", "get-trace-summaries", "--start-time", iso(s), "--end-time", iso(e),
                    "--no-paginate"]
            aws.show(args)
            aws.show(args + ["--next-token", "<NextToken of the previous page>"],
                     "again while a page has a NextToken")
            s = e
        args = ["xray", "batch-get-traces", "--trace-ids", "<5 ids from get-trace-summaries>",
                "--no-paginate"]
        aws.show(args, "for each 5 ids")
        aws.show(args + ["--next-token", "<NextToken of the previous page>"],
                 "again while a page has a NextToken")
    return OK


def main(argv):
    o = parse_args(argv)
    if o["progress"] is None:
        o["progress"] = sys.stderr.isatty()
    progress.on = o["progress"] and not o["quiet"] and not o["dry_run"]
    try:
        aws = Aws(o)
        if o["dry_run"]:
            return dry_run(o, aws)
        return Pull(o, aws).run()
    except Failure as e:
        msg(str(e))
        return FAIL
    except KeyboardInterrupt:
        msg("interrupted; run the same command again to continue")
        return FAIL
    except OSError as e:
        msg("%s: %s" % (e.filename or o["out"], e.strerror))
        return FAIL


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv[1:]))
