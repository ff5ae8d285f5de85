#!/usr/bin/python3
"""gammaray_dask.py: gammaray's pipeline on a Dask cluster (gammaray-shard(7)).

Reads CloudWatch Logs export trees and trace files (local paths the workers can
read, or s3://bucket/prefix URLs), and writes the causal graph that

    gammaray-fetch PATH... | gammaray-infer

writes, byte for byte (stats records included), with every step a Dask task:
gammaray-fetch over batches of the inputs' units (an exported log stream's chunk
files, or one file), gammaray-infer --stage map over each batch's events (the
parts of one event stream), the lines shuffled by key between the stages
request, stream, trace, link and effect, and the merge. With --critpath-dir, the
runs are split into shards and gammaray-critpath --json runs on each.

    gammaray_dask.py --scheduler tcp://HOST:8786 -o graph.ndjson PATH...

Progress and the merge's summary (records read = written + skipped + lost, as
gammaray-infer --stats prints it) go to stderr. Exit status: 0, 1 when records
were lost or a step failed (named), 2 on bad usage.
"""
import argparse
import json
import os
import shlex
import shutil
import signal
import stat as statmod
import subprocess
import sys
import tempfile
import time
import uuid

# The stages after the map, with the letter their keys start with; "g" is the merge's.
STAGES = [("request", "b"), ("stream", "c"), ("trace", "d"), ("link", "e"), ("effect", "f")]
MERGE = "g"
# The input bytes (as stored: gzip exports, trace files) of one partition at most.
PARTITION_BYTES = 1 << 30
# The letters of the stages each stage writes lines for (gammaray-shard(7)): a stage's
# partition is handed pieces only from the tasks that can write for it (half the
# pieces were empty: the link stage's lines come from the trace stage alone). A task
# that writes lines for another stage fails, named: its lines are never dropped.
WRITES = {"map": "bcdg", "request": "cdfg", "stream": "dg", "trace": "efg", "link": "fg",
          "effect": "g"}


def note(msg):
    print("gammaray-dask: " + msg, file=sys.stderr, flush=True)


class Failed(Exception):
    """A step that could not be done, after Dask's retries: named, never dropped."""


# --- the inputs' units, in gammaray-fetch's order -----------------------------------

def chunk_name(name):
    """'000000.gz', '000001': a chunk file of one exported log stream."""
    d = len(name) - len(name.lstrip("0123456789"))
    return d >= 1 and (d == len(name) or name[d:] == ".gz")


def walk(path, units, seen):
    """gammaray-fetch's walk (lib/fetch/fetch.c): files and directories in name order,
    hidden names left out; a directory's chunk files are one unit, read in order."""
    try:
        st = os.stat(path)
    except OSError:
        units.append({"path": path, "chunks": None, "bytes": 0})  # fetch says why
        return
    if not statmod.S_ISDIR(st.st_mode):
        units.append({"path": path, "chunks": None, "bytes": st.st_size})
        return
    if (st.st_dev, st.st_ino) in seen:
        return  # a directory loop: fetch does not follow it either
    try:
        names = [n for n in os.listdir(path) if not n.startswith(".")]
    except OSError:
        units.append({"path": path, "chunks": None, "bytes": 0})
        return
    seen = seen | {(st.st_dev, st.st_ino)}
    chunk = None
    others = False
    for n in sorted(names, key=lambda s: s.encode()):
        child = path + ("" if path.endswith("/") else "/") + n
        try:
            cst = os.stat(child)
        except OSError:
            cst = None
        if cst and statmod.S_ISREG(cst.st_mode) and chunk_name(n):
            if chunk is None:
                chunk = {"path": path, "chunks": [], "bytes": 0}
                units.append(chunk)
            chunk["chunks"].append(child)
            chunk["bytes"] += cst.st_size
            continue
        others = True
        walk(child, units, seen)
    if chunk is not None:
        chunk["alone"] = not others  # the directory holds nothing else


def s3_units(url, units):
    """An s3://bucket/prefix tree, walked as gammaray-fetch walks a directory."""
    import botocore.session
    bucket, _, prefix = url[5:].partition("/")
    s3 = botocore.session.get_session().create_client("s3")
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for o in page.get("Contents", []):
            keys.append((o["Key"], o["Size"]))
    dirs = {}
    for key, size in sorted(keys, key=lambda k: k[0].encode()):
        d, _, name = key.rpartition("/")
        if any(p.startswith(".") for p in key[len(prefix):].split("/")):
            continue
        if chunk_name(name):
            u = dirs.get(d)
            if u is None:
                u = dirs[d] = {"path": "s3://%s/%s" % (bucket, d), "chunks": [], "bytes": 0,
                               "alone": True}
                units.append(u)
            u["chunks"].append("s3://%s/%s" % (bucket, key))
            u["bytes"] += size
        else:
            units.append({"path": "s3://%s/%s" % (bucket, key), "chunks": None,
                          "bytes": size})


def list_units(paths):
    units = []
    for p in paths:
        if p.startswith("s3://"):
            s3_units(p, units)
        else:
            walk(p, units, frozenset())
    return units


def export_tasks(paths, given):
    """The export tasks gammaray-fetch would load: --export-tasks, else each directory
    operand's own export-tasks.json (merged into one list)."""
    if given:
        with open(given, encoding="utf-8") as f:
            return f.read()
    tasks = []
    for p in paths:
        f = os.path.join(p, "export-tasks.json")
        if not p.startswith("s3://") and os.path.isfile(f):
            with open(f, encoding="utf-8") as fh:
                tasks += json.load(fh).get("exportTasks", [])
    return json.dumps({"exportTasks": tasks}) if tasks else None


# --- tasks (run on the workers) ---------------------------------------------------

def tool_env(bindir):
    env = dict(os.environ, LC_ALL="C")
    if bindir:
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    return env


def failed(args, status, err):
    return Failed("%s: exit status %d: %s" % (" ".join(args[:3]), status,
                                              err.decode(errors="replace").strip()))


def run_tool(bindir, args, data=None, cwd=None, lost_ok=False):
    """A program run to its end. Its exit status 1 says records were lost or it
    stopped (an output it could not write, memory): taken as done only where lost_ok,
    and then the caller checks that the output is whole (whole())."""
    p = subprocess.run(args, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=tool_env(bindir), cwd=cwd)
    if p.returncode < 0 or p.returncode >= 2 or (p.returncode == 1 and not lost_ok):
        raise failed(args, p.returncode, p.stderr)
    return p


def last_line(path):
    """The last line of a file (b"" if it does not end in a newline)."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if not size:
            return b""
        f.seek(size - 1)
        if f.read(1) != b"\n":
            return b""
        at = last_line_at(f, size - 1) if size > 1 else 0
        f.seek(at)
        return f.read(size - at)


def whole(p, args, path, stage):
    """A stream a program wrote to path is whole when its own stats record ends it: it
    writes it last, and stops at its first output error. Exit status 1 with the record
    there is records lost (counted); without it, the program stopped."""
    if not last_line(path).startswith(b'{"type":"stats","stage":"%s"' % stage.encode()):
        raise failed(args, p.returncode, p.stderr or b"its output ends before its stats "
                     b"record")


# Files given to one stage as operands at most; past this they are joined into one
# file first (an argument list is bounded, about 2 MB on Linux).
MAX_OPERANDS = 2000


def run_stage(bindir, args, chunks, tmp, lost_ok=False):
    """args (a stage) over the chunks' lines, which come in no order, read with
    --unsorted: the stage orders them itself in memory (a sort process between, fed
    through a pipe, cost a third more than the stage alone). A chunk is bytes (Dask
    moved it: written to one file first) or the path of a bucket file in the shuffle
    directory, which the stage maps as it is. A stage but the merge exits 0 or
    fails; the merge's status 1 is lost_ok. Returns the CompletedProcess."""
    paths = [c for c in chunks if isinstance(c, str)]
    data = [c for c in chunks if not isinstance(c, str)]
    inp = None
    if data or len(paths) > MAX_OPERANDS:
        inp = os.path.join(tmp, "input.lines")
        with open(inp, "wb") as f:
            for c in data:
                f.write(c)
            if len(paths) > MAX_OPERANDS:
                for path in paths:
                    with open(path, "rb") as src:
                        shutil.copyfileobj(src, f, 1 << 20)
                paths = []
        paths.append(inp)
    # no operand is standard input: an empty partition reads nothing
    p = run_tool(bindir, args + ["--unsorted"] + paths, b"" if not paths else None,
                 lost_ok=lost_ok)
    if inp:
        os.unlink(inp)
    return p


def materialize(unit, tmp):
    """The path fetch reads a unit by: as it is, or copied (S3 objects; a chunk
    directory holding more than its chunks) under the last six names of its path,
    which give the log stream and the export task."""
    if unit["chunks"] is None:
        if not unit["path"].startswith("s3://"):
            return os.path.abspath(unit["path"])
        src, dst = [unit["path"]], None
    elif unit.get("alone", True) and not unit["path"].startswith("s3://"):
        return os.path.abspath(unit["path"])
    else:
        src = unit["chunks"]
    parts = [p for p in unit["path"].split("/") if p][-6:]
    d = os.path.join(tmp, *parts) if unit["chunks"] is not None else \
        os.path.join(tmp, *parts[:-1])
    os.makedirs(d, exist_ok=True)
    for s in src:
        dst = os.path.join(d, s.rsplit("/", 1)[1])
        if s.startswith("s3://"):
            import botocore.session
            bucket, _, key = s[5:].partition("/")
            s3 = botocore.session.get_session().create_client("s3")
            with open(dst, "wb") as f:
                f.write(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        else:
            os.symlink(os.path.abspath(s), dst)
    return d if unit["chunks"] is not None else dst


def last_line_at(f, size):
    """Where the last line of a file of size bytes ending in a newline starts."""
    at, step = size - 1, 4096
    while at > 0:
        lo = max(0, at - step)
        f.seek(lo)
        k = f.read(at - lo).rfind(b"\n")
        if k >= 0:
            return lo + k + 1
        at, step = lo, 2 * step
    return 0


def bucket_dir(tmp, shuffle, step):
    """Where a task's stage writes its bucket files: in the shuffle directory, a new
    directory for each attempt (a task Dask computes again never writes over files
    another task may be reading), else in the task's own temporary directory."""
    if shuffle:
        d = os.path.join(shuffle, "%s-%s" % (step, uuid.uuid4().hex))
    else:
        d = os.path.join(tmp, "buckets")
    os.mkdir(d)
    return d


def read_buckets(d, stage, allowed, shuffle):
    """The bucket files a stage wrote (L-J.lines: stage letter L, partition J), for the
    stages of the letters allowed (WRITES): {letter: {partition: bytes}}, or with a
    shuffle directory {"dir": d}, the files left where they are (the tasks that read
    them look for theirs by name: a result the size of a name, however many
    partitions)."""
    res = {"dir": d} if shuffle else {}
    for n in os.listdir(d):
        if n.endswith(".lines") and n[1:2] == "-":
            if n[0] not in allowed:
                raise Failed("the %s stage wrote lines for stage '%s', which this driver "
                             "does not hand it (a gammaray-infer of another version?)"
                             % (stage, n[0]))
            if shuffle:
                continue
            with open(os.path.join(d, n), "rb") as f:
                res.setdefault(n[0], {})[int(n[2:-len(".lines")])] = f.read()
    return res


def map_file(bindir, i, path, start, end, parts, infer_args, tmp, allowed, shuffle):
    """gammaray-infer --stage map --part i over bytes [start, end) of a file, handed to
    it by sendfile (they never enter Python): its buckets (read_buckets)."""
    out = bucket_dir(tmp, shuffle, "map%d" % i)
    args = (["gammaray-infer", "-q", "--stage", "map", "--part", str(i)] + infer_args +
            ["--buckets", str(parts), "--bucket-dir", out])
    errs = os.path.join(tmp, "map.err")
    with open(path, "rb") as f, open(errs, "w+b") as ef:
        p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=ef, env=tool_env(bindir))
        try:
            while start < end:
                n = os.sendfile(p.stdin.fileno(), f.fileno(), start, min(end - start, 1 << 30))
                if n <= 0:
                    break
                start += n
        except BrokenPipeError:
            pass  # the map stopped; its status says why
        finally:
            try:
                p.stdin.close()
            except BrokenPipeError:
                pass
        status = p.wait()
        if status != 0 or start < end:
            ef.seek(0)
            raise failed(args, status, ef.read() or b"it stopped reading")
    return read_buckets(out, "map", allowed, shuffle)


def fetch_map(bindir, i, units, tasks_json, fetch_args, parts, infer_args, allowed, shuffle):
    """gammaray-fetch over a batch of units, its events mapped as part i of the event
    stream (the header kept in part 0 only): its buckets (read_buckets), and under
    "stats" the batch's fetch stats record, which is left out here: the batches' are
    summed into the one record a single gammaray-fetch writes (stats_part). fetch
    writes a file that the map reads straight from the page cache (sendfile): the
    events never enter Python nor Dask's memory. Under "lost", what fetch said of the files and records it lost (its messages name
    them), or None."""
    with tempfile.TemporaryDirectory(prefix="gammaray-dask.") as tmp:
        # not -q: what it loses, it names
        args = ["gammaray-fetch", "--no-progress", "-j", "1"] + fetch_args
        if tasks_json:
            t = os.path.join(tmp, "export-tasks.json")
            with open(t, "w", encoding="utf-8") as f:
                f.write(tasks_json)
            args += ["--export-tasks", t]
        res = os.path.join(tmp, ".events.ndjson")  # no unit is hidden
        try:
            args += ["-o", res] + [materialize(u, tmp) for u in units]
            p = run_tool(bindir, args, cwd=tmp, lost_ok=True)
            whole(p, args, res, "fetch")
        except (Failed, OSError) as e:
            # named, never dropped: the run stops with the inputs it could not read
            names = [u["path"] for u in units]
            more = " and %d more" % (len(names) - 3) if len(names) > 3 else ""
            raise Failed("reading %s%s: %s" % (", ".join(names[:3]), more, e))
        # the header (the first line) and the stats record (the last) found by position
        with open(res, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            header = f.readline()
            start = 0 if i == 0 else len(header)
            end, stats = size, b""
            f.seek(size - 1 if size else 0)
            if size > len(header) and f.read(1) == b"\n":
                last = max(last_line_at(f, size), len(header))
                f.seek(last)
                line = f.read(size - last)
                if line.startswith(b'{"type":"stats",'):
                    end, stats = last, line
        buckets = map_file(bindir, i, res, start, max(start, end), parts, infer_args, tmp,
                           allowed, shuffle)
    buckets["stats"] = stats
    buckets["lost"] = p.stderr.decode(errors="replace").strip() if p.returncode == 1 else None
    return buckets


def stats_of(res):
    return res.get("stats", b""), res.get("lost")


def stats_part(bindir, i, parts, infer_args, allowed, shuffle, *stats):
    """The batches' fetch stats records summed (by gammaray-infer, which sums the stats
    records it reads per stage) into the one a gammaray-fetch over every unit writes,
    mapped as the event stream's last part, i; under "lost", what the batches' fetches
    said they lost."""
    data = b"".join(st for st, _ in stats)
    out = run_tool(bindir, ["gammaray-infer", "-q"], data).stdout
    summed = b""
    for line in out.split(b"\n"):
        if line.startswith(b'{"type":"stats","stage":"fetch"'):
            summed = line + b"\n"
    with tempfile.TemporaryDirectory(prefix="gammaray-dask.") as tmp:
        inp = os.path.join(tmp, "stats.ndjson")
        with open(inp, "wb") as f:
            f.write(summed)
        res = map_file(bindir, i, inp, 0, len(summed), parts, infer_args, tmp, allowed,
                       shuffle)
    res["lost"] = [lost for _, lost in stats if lost is not None]
    return res


def bucket(res, letter, j):
    return res.get(letter, {}).get(j, b"")


def pieces(letter, j, shuffle, inputs):
    """A partition's chunks: with a shuffle directory, its bucket files in the
    directories of the tasks that write for it (inputs: one list of them), those
    that are there and not empty; else the inputs are the pieces themselves, bytes
    Dask brought."""
    if not shuffle:
        return inputs
    out = []
    for d in inputs[0]:
        path = os.path.join(d, "%s-%d.lines" % (letter, j))
        try:
            if os.path.getsize(path):
                out.append(path)
        except FileNotFoundError:
            pass  # it wrote nothing for this partition
    return out


def reduce_part(bindir, stage, letter, j, parts, infer_args, allowed, shuffle, *inputs):
    """Partition j of a stage: the stage run over its lines."""
    with tempfile.TemporaryDirectory(prefix="gammaray-dask.") as tmp:
        out = bucket_dir(tmp, shuffle, "%s%d" % (stage, j))
        run_stage(bindir, ["gammaray-infer", "-q", "--stage", stage] + infer_args +
                  ["--buckets", str(parts), "--bucket-dir", out],
                  pieces(letter, j, shuffle, inputs), tmp)
        return read_buckets(out, stage, allowed, shuffle)


def merge(bindir, infer_args, shards, shuffle, *inputs):
    """The merge: the graph, the --stats summary, and with shards the runs split. With
    a shuffle directory the graph and the runs are left there, and their paths
    returned: they are not sent back through Dask."""
    with tempfile.TemporaryDirectory(prefix="gammaray-dask.") as tmp:
        d = bucket_dir(tmp, shuffle, "merge")
        split = os.path.join(d, "runs")
        os.mkdir(split)
        # the graph to a file (read back at once without a shuffle directory: a pipe
        # is read in small pieces)
        out = os.path.join(d, "graph.ndjson")
        args = ["gammaray-infer", "-q", "--stats", "--stage", "merge", "-o", out] + infer_args
        if shards:
            args += ["--split", str(shards), "--split-dir", split]
        p = run_stage(bindir, args, pieces(MERGE, 0, shuffle, inputs), tmp, lost_ok=True)
        whole(p, args, out, "infer")
        if shuffle:
            return out, p.stderr, p.returncode, {n: os.path.join(split, n)
                                                 for n in sorted(os.listdir(split))}
        with open(out, "rb") as f:
            graph = f.read()
        runs = {}
        for n in sorted(os.listdir(split)):
            with open(os.path.join(split, n), "rb") as f:
                runs[n] = f.read()
    return graph, p.stderr, p.returncode, runs


def critpath(bindir, graph):
    """gammaray-critpath --json of a graph: bytes, or the path of a file."""
    if isinstance(graph, str):
        return run_tool(bindir, ["gammaray-critpath", "-q", "--json", graph]).stdout
    return run_tool(bindir, ["gammaray-critpath", "-q", "--json", "-"], graph).stdout


# --- the driver ---------------------------------------------------------------------

# The environment of the workers of a cluster the driver starts itself: their glibc
# keeps what a task freed for the next instead of handing it back at once (Dask's
# default trims at 64 KiB). The tasks allocate and free hundreds of megabytes, and
# fresh pages cost the kernel's time: a third of the workers' own CPU on the medium
# workload. A worker's memory then stays near its peak between tasks.
WORKER_ENV = {"MALLOC_TRIM_THRESHOLD_": str(1 << 30), "MALLOC_MMAP_THRESHOLD_": str(1 << 30),
              "MALLOC_TOP_PAD_": str(64 << 20)}


def local_cluster(n):
    """A cluster of n worker processes on this machine, one thread each."""
    import dask
    from distributed import LocalCluster
    env = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}) or {})
    env.update(WORKER_ENV)
    # set for good: a worker lost and started again is spawned with it too
    dask.config.set({"distributed.nanny.pre-spawn-environ": env})
    return LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                        dashboard_address=None, host="127.0.0.1")


def batches_of(units, limit):
    """Consecutive units of about limit bytes each (order kept)."""
    out, cur, size = [], [], 0
    for u in units:
        if cur and size + u["bytes"] > limit:
            out.append(cur)
            cur, size = [], 0
        cur.append(u)
        size += u["bytes"]
    if cur:
        out.append(cur)
    return out


class Progress:
    """Per step: tasks done of tasks submitted, on one line of stderr."""

    def __init__(self, quiet):
        self.quiet = quiet
        self.done, self.total, self.last = {}, {}, 0.0
        self.order = []

    def add(self, step):
        if step not in self.total:
            self.order.append(step)
        self.total[step] = self.total.get(step, 0) + 1
        self.done.setdefault(step, 0)

    def finished(self, step):
        self.done[step] += 1
        now = time.monotonic()
        if self.quiet or (now - self.last < 0.5 and self.done[step] < self.total[step]):
            return
        self.last = now
        note("; ".join("%s %d/%d" % (s, self.done[s], self.total[s]) for s in self.order))


def run(client, paths, bindir=None, partitions=None, batch_bytes=0, run_shards=0,
        export_tasks_file=None, fetch_args=(), infer_args=(), quiet=False, on_done=None,
        writes=None, shuffle_dir=None, output=None, runs_dir=None):
    """The pipeline on client's cluster. Returns (graph, merge's stderr, the run's exit
    status, {run shard name: graph}): the graph as bytes, or None when written to the
    file output; a run shard's as bytes, or with runs_dir the path it is written to
    there, next to its critical paths (gammaray-critpath --json, NAME.json).

    With shuffle_dir, a directory every worker and this process can read and write
    (this machine's for a local cluster; NFS, EFS... for one of many hosts), the
    stages' lines go from task to task as files there, read where they are; the graph
    is written there and moved. Without, they go through Dask (pickled, sent between
    workers, written to a file again). The run's files are removed at its end.

    on_done(step, future) is called as each task finishes (tests use it to kill a
    worker at a chosen moment); writes is WRITES unless a test gives another."""
    import cloudpickle
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    # (absolute: a worker's working directory is not this process's)
    shuffle = tempfile.mkdtemp(prefix="gammaray-dask.", dir=os.path.abspath(shuffle_dir)) \
        if shuffle_dir else None
    stopped = True
    try:
        graph, err, status, runs = run_tasks(client, paths, bindir, partitions, batch_bytes,
                                             run_shards, export_tasks_file, fetch_args,
                                             infer_args, quiet, on_done, writes, shuffle)
        if runs and runs_dir:
            # the critical paths, computed where the shards are
            os.makedirs(runs_dir, exist_ok=True)
            for n, j in critical_paths(client, runs, bindir).items():
                with open(os.path.join(runs_dir, n[:-len(".ndjson")] + ".json"), "wb") as f:
                    f.write(j)
        if shuffle and graph is not None:
            # moved out of the run's directory before it goes
            if output:
                shutil.move(graph, output)
                graph = None
            else:
                with open(graph, "rb") as f:
                    graph = f.read()
            for n in runs:
                if runs_dir:
                    runs[n] = shutil.move(runs[n], os.path.join(runs_dir, n))
                else:
                    with open(runs[n], "rb") as f:
                        runs[n] = f.read()
        elif graph is not None:
            if output:
                with open(output, "wb") as f:
                    f.write(graph)
                graph = None
            for n in list(runs) if runs_dir else ():
                with open(os.path.join(runs_dir, n), "wb") as f:
                    f.write(runs[n])
                runs[n] = os.path.join(runs_dir, n)
        stopped = False
    finally:
        if shuffle:
            # a stopped run's tasks that were running go on until they end: their
            # files would be written after the directory is gone
            if stopped and not idle(client):
                note("tasks of the stopped run still running: some of its files may be "
                     "left in " + shuffle)
            shutil.rmtree(shuffle, ignore_errors=True)
    return graph, err, status, runs


def idle(client, timeout=60.0):
    """Waits until no worker of the cluster is running a task (at most timeout
    seconds); False if that was not seen."""
    def executing(dask_worker):
        return getattr(getattr(dask_worker, "state", dask_worker), "executing_count", 0)

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if not any(client.run(executing).values()):
                return True
        except Exception:  # noqa: BLE001 (a cluster gone: nothing runs)
            return True
        time.sleep(0.1)
    return False


class Tasks:
    """The run's tasks on client's cluster: submitted, followed to their end (progress
    per step, on_done), the run stopped at the first that failed (named)."""

    def __init__(self, client, quiet, on_done, small):
        from distributed import as_completed
        self.client, self.on_done = client, on_done
        # results fetched as each task ends (small ones: names of files), so that a
        # worker lost later takes nothing the run still needs
        self.small, self.results = small, {}
        self.prog = Progress(quiet)
        self.steps = {}          # future key -> step name
        self.finished = set()    # keys of the tasks done
        # only this keeps a task's future once handed to the tasks that read it, and
        # lets it go when it is done: a result is held by Dask until the tasks that
        # read it are done, not to the end of the run
        self.pending = as_completed()

    def submit(self, step, fn, *args):
        f = self.client.submit(fn, *args, pure=False, retries=2)
        self.steps[f.key] = step
        self.prog.add(step)
        self.pending.add(f)
        return f

    def wait(self, futures):
        """Follows the tasks as they end until every one of futures has."""
        want = {f.key for f in futures}
        while not want <= self.finished:
            f = next(self.pending)
            step = self.steps[f.key]
            if f.status == "error":
                exc = f.exception()
                # what has not run will not (what runs still, run() waits for)
                self.client.cancel(list(self.pending.futures))
                raise Failed("%s task failed: %s" % (step, exc))
            if self.small:
                self.results[f.key] = f.result()
            self.finished.add(f.key)
            self.prog.finished(step)
            if self.on_done:
                self.on_done(step, f)


def run_tasks(client, paths, bindir, partitions, batch_bytes, run_shards, export_tasks_file,
              fetch_args, infer_args, quiet, on_done, writes, shuffle):
    infer_args, fetch_args = list(infer_args), list(fetch_args)
    writes = writes or WRITES
    nworkers = max(1, len(client.scheduler_info().get("workers", {})))
    units = list_units(paths)
    if not units:
        raise Failed("no input")
    total = sum(u["bytes"] for u in units)
    # two partitions a worker, and more where the input is large: a stage task holds
    # its partition (--unsorted), about 2 to 3.5 GB per million invocations in the
    # request and trace stages, and a GiB of exports and traces is about 400,000
    parts = partitions or max(2 * nworkers, -(-total // PARTITION_BYTES))
    tasks_json = export_tasks(paths, export_tasks_file)
    t = Tasks(client, quiet, on_done, bool(shuffle))

    # fetch and map, the parts of the event stream; the fetch stats record, the last
    # batches of at most 64 MiB, about four a worker: enough to keep every worker
    # busy, few enough that their tasks (a map, and its pieces for every stage) cost
    # little beside the work
    batch_bytes = batch_bytes or max(1 << 20, min(64 << 20, -(-total // (4 * nworkers))))
    batches = batches_of(units, batch_bytes)
    maps = [t.submit("map", fetch_map, bindir, i, b, tasks_json, fetch_args, parts, infer_args,
                     writes["map"], shuffle) for i, b in enumerate(batches)]
    if shuffle:
        (graph, err, status, runs), lost = through_files(
            t, maps, len(batches), parts, bindir, infer_args, run_shards, writes, shuffle)
    else:
        (graph, err, status, runs), lost = through_dask(
            t, maps, len(batches), parts, bindir, infer_args, run_shards, writes)
    # a file or records fetch lost: counted in the graph's stats record, and the run's
    # exit status says so, as gammaray-fetch's does
    for msg in lost:
        note("fetch: " + msg.replace("\n", "\ngammaray-dask: fetch: "))
    return graph, err, max(status, 1) if lost else status, runs


def through_dask(t, maps, nbatches, parts, bindir, infer_args, run_shards, writes):
    """The stages' lines through Dask: each partition's pieces picked out of the
    results of the tasks that write for it (one small task a piece), every task
    submitted at once. Returns the merge's result and what fetch said it lost."""
    client = t.client
    summed = t.submit("map", stats_part, bindir, nbatches, parts, infer_args, writes["map"],
                      None, *[client.submit(stats_of, p, pure=False, retries=2) for p in maps])
    producers = [("map", m) for m in maps + [summed]]  # (stage, future)
    maps.clear()  # each map's result let go once the tasks that read it are done

    def piece(res_future, letter, j):
        return client.submit(bucket, res_future, letter, j, pure=False, retries=2)

    for stage, letter in STAGES:
        writers = [p for s, p in producers if letter in writes[s]]
        outs = [t.submit(stage, reduce_part, bindir, stage, letter, j, parts, infer_args,
                         writes[stage], None, *[piece(p, letter, j) for p in writers])
                for j in range(parts)]
        producers += [(stage, o) for o in outs]
    merged = t.submit("merge", merge, bindir, infer_args, run_shards, None,
                      *[piece(p, MERGE, 0) for _, p in producers])
    del producers[:], writers, outs
    t.wait([merged])
    return merged.result(), summed.result()["lost"]


def through_files(t, maps, nbatches, parts, bindir, infer_args, run_shards, writes, shuffle):
    """The stages' lines as files in the shuffle directory: a stage is submitted once
    the tasks that write for it are done, each of its tasks handed the list of their
    directories, sent once to every worker. No task depends on another's result, so
    Dask places each where it likes (a list made by a task drew every task of the
    stage to the worker that held it); once a stage is done the run keeps only the names its tasks returned, and
    a worker lost after that loses nothing (their files stay where they are). One
    lost while its stage runs is made up as through Dask, by computing its tasks
    again (into new directories). Returns the merge's result and what fetch said it
    lost."""
    written = []  # (stage, [directories of its tasks])

    def done(stage, futures):
        t.wait(futures)
        keys = [f.key for f in futures]
        futures.clear()
        written.append((stage, [t.results[k]["dir"] for k in keys]))
        return keys

    keys = done("map", maps)
    # the batches' fetch stats records, summed and mapped as the last part
    summed = [t.submit("map", stats_part, bindir, nbatches, parts, infer_args, writes["map"],
                       shuffle, *[stats_of(t.results[k]) for k in keys])]
    lost = t.results[done("map", summed)[0]]["lost"]
    for stage, letter in STAGES + [("merge", MERGE)]:
        dirs = [d for s, ds in written if letter in writes[s] for d in ds]
        # the list sent once to every worker, not with each task (36,000 names to
        # each of 2,400 tasks at a billion invocations)
        [dirs] = t.client.scatter([dirs], broadcast=True, hash=False)
        if stage == "merge":
            merged = [t.submit("merge", merge, bindir, infer_args, run_shards, shuffle, dirs)]
            t.wait(merged)
            return t.results[merged[0].key], lost
        done(stage, [t.submit(stage, reduce_part, bindir, stage, letter, j, parts, infer_args,
                              writes[stage], shuffle, dirs) for j in range(parts)])


def critical_paths(client, runs, bindir):
    """gammaray-critpath --json on each run shard, as tasks."""
    futs = {n: client.submit(critpath, bindir, g, pure=False, retries=2) for n, g in runs.items()}
    return {n: f.result() for n, f in futs.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="gammaray_dask.py",
        description="gammaray-fetch | gammaray-infer on a Dask cluster (gammaray-shard(7)): "
                    "the same graph, byte for byte.")
    ap.add_argument("paths", nargs="+", metavar="PATH",
                    help="export trees, trace files, directories (s3://bucket/prefix too)")
    ap.add_argument("--scheduler", metavar="ADDR",
                    help="the cluster's scheduler (tcp://host:8786); default: a local cluster")
    ap.add_argument("--scheduler-file", metavar="FILE", help="or the file dask scheduler wrote")
    ap.add_argument("-o", "--output", metavar="FILE", help="the graph (default stdout)")
    ap.add_argument("--critpath-dir", metavar="DIR",
                    help="split the runs into shards and write gammaray-critpath --json of "
                         "each there (DIR/runs-NNNN.json), with the shards' graphs")
    ap.add_argument("--run-shards", type=int, default=0, metavar="N",
                    help="shards of runs for --critpath-dir (default: twice the workers)")
    ap.add_argument("--partitions", type=int, default=0, metavar="N",
                    help="partitions of each stage (default: twice the workers, and one "
                         "per GiB of input where that is more)")
    ap.add_argument("--batch-bytes", type=int, default=0, metavar="N",
                    help="input bytes of one fetch task (default: about four tasks a "
                         "worker, at most 64 MiB each)")
    ap.add_argument("--shuffle-dir", metavar="DIR",
                    help="a directory every worker and this driver can read and write "
                         "(NFS, EFS...): the stages' lines go between tasks as files there "
                         "(default: the temporary directory for a local cluster; through "
                         "Dask's memory for --scheduler)")
    ap.add_argument("--bin", metavar="DIR", help="where the gammaray programs are, on the "
                    "workers (default: their PATH)")
    ap.add_argument("--export-tasks", metavar="FILE", help="as gammaray-fetch --export-tasks")
    ap.add_argument("--fetch-args", default="", metavar="ARGS",
                    help="more gammaray-fetch options (--since, --function...)")
    ap.add_argument("--infer-args", default="", metavar="ARGS",
                    help="more gammaray-infer options (--tolerance, --link-window, "
                         "--no-unmatched), given to every stage")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    a = ap.parse_args(argv)
    if a.run_shards < 0 or a.partitions < 0 or a.batch_bytes < 0:
        ap.error("numbers must be positive")
    from distributed import Client
    if a.scheduler_file:
        client = Client(scheduler_file=a.scheduler_file)
    elif a.scheduler:
        client = Client(a.scheduler)
    else:
        client = Client(local_cluster(2))
        a.shuffle_dir = a.shuffle_dir or tempfile.gettempdir()
    bindir = os.path.abspath(a.bin) if a.bin else None
    t0 = time.monotonic()
    try:
        nworkers = max(1, len(client.scheduler_info().get("workers", {})))
        shards = (a.run_shards or 2 * nworkers) if a.critpath_dir else 0
        graph, err, status, runs = run(client, a.paths, bindir, a.partitions, a.batch_bytes,
                                       shards, a.export_tasks, shlex.split(a.fetch_args),
                                       shlex.split(a.infer_args), a.quiet,
                                       shuffle_dir=a.shuffle_dir, output=a.output,
                                       runs_dir=a.critpath_dir)
    except Failed as e:
        note(str(e))
        return 1
    finally:
        client.close()
    if graph is not None:
        sys.stdout.buffer.write(graph)
        sys.stdout.flush()
    # the merge's summary: every record read, written or counted once
    sys.stderr.write(err.decode(errors="replace"))
    if not a.quiet:
        note("done in %.1fs" % (time.monotonic() - t0))
    return status


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
