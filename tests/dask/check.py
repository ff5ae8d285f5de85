#!/usr/bin/python3
"""check.py: contrib/dask's driver on a real Dask cluster on this machine.

Starts a scheduler and two worker processes on loopback TCP (stopped at the end),
and shows, on gammaray-synth workloads with markers, X-Ray only and OpenTelemetry,
with the stages' lines going between tasks through Dask and as files in a shuffle
directory: the graph equals `gammaray-fetch PATHS | gammaray-infer` byte for byte
(stats records included) and so do the critical paths (the whole graph's, and each
run shard's runs); with a worker killed as soon as its first infer task has finished
(the task's completion is watched, not waited for), the graph is still the same and
counts nothing twice; a corrupt chunk is counted lost and the run exits 1; a full
disk (a small tmpfs) under fetch's output, the shuffle directory or the merge's graph
stops the run, named, never a graph short of lines; the shuffle directory is left
empty; the real tools' samples of fixtures/real (with AWS's aws/spans sample and the
export tree) give one machine's graph, each alone the invocations a person counts in
it (tests/cli/real_inputs.expect); the stages with plain Unix tools (map | sort |
reducer) give the same graph.

    BIN=build/bin /usr/bin/python3 tests/dask/check.py SCRATCH
"""
import json
import os
import signal
import subprocess
import sys
import time

top = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(top, "contrib", "dask"))
import gammaray_dask  # noqa: E402

BIN = os.path.abspath(os.environ.get("BIN", os.path.join(top, "build", "bin")))
scratch = os.path.abspath(sys.argv[1])
SHUFFLE = os.path.join(scratch, "shuffle")
# the workers' temporary directories in the test's own (a killed worker's stay there)
ENV = dict(os.environ, LC_ALL="C", TZ="UTC", PATH=BIN + os.pathsep + os.environ["PATH"],
           TMPDIR=os.path.join(scratch, "tmp"))
procs = []
mounts = []
fails = 0
passes = 0


def ok(what):
    global passes
    passes += 1
    print("ok   " + what, flush=True)


def bad(what):
    global fails
    fails += 1
    print("FAIL " + what, flush=True)


def sh(cmd, **kw):
    return subprocess.run(["bash", "-o", "pipefail", "-c", cmd], env=ENV, cwd=scratch,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True, **kw).stdout


def start_cluster():
    """A scheduler and two workers (no nannies: a worker killed stays dead)."""
    sched_file = os.path.join(scratch, "scheduler.json")
    py = "/usr/bin/python3"
    common = ["--no-dashboard", "--host", "127.0.0.1"]
    procs.append(subprocess.Popen(
        [py, "-m", "distributed.cli.dask_scheduler", "--port", "0", "--scheduler-file",
         sched_file] + common, env=ENV, stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(scratch, "scheduler.log"), "w")))
    for i in range(40):
        if os.path.exists(sched_file):
            break
        time.sleep(0.25)
    for i in range(2):
        add_worker()
    from distributed import Client
    client = Client(scheduler_file=sched_file, timeout=60)
    client.wait_for_workers(2, timeout=60)
    return client


def add_worker():
    """One more worker process (one thread, no nanny)."""
    i = len(procs) - 1
    procs.append(subprocess.Popen(
        ["/usr/bin/python3", "-m", "distributed.cli.dask_worker", "--scheduler-file",
         os.path.join(scratch, "scheduler.json"), "--nthreads", "1", "--no-nanny",
         "--local-directory", os.path.join(scratch, "worker%d" % i), "--death-timeout", "60",
         "--no-dashboard", "--host", "127.0.0.1"],
        env=ENV, stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(scratch, "worker%d.log" % i), "w")))


def kill_case(client, paths, single, how, **kw):
    """A worker killed once its first infer task has finished (watched, not waited
    for): the graph (its stats records too) comes out the same, counted once."""
    pids = client.run(os.getpid)
    killed = []

    def on_done(step, fut):
        if killed:
            return
        holders = client.who_has([fut]).get(fut.key, ())
        for addr in holders:
            if addr in pids:
                os.kill(pids[addr], signal.SIGKILL)
                killed.append((step, addr, fut.key))
                return

    graph, err = compare("killed worker, " + how, client, paths, single, on_done=on_done,
                         **kw)
    if killed:
        ok("%s: a worker was killed once its first %s task had finished" % (how, killed[0][0]))
        # what the scheduler did with that task's result
        key = killed[0][2]
        story = client.run_on_scheduler(
            lambda dask_scheduler: [list(t[:3]) for t in dask_scheduler.story(key)])
        runs = sum(1 for t in story if t[0] == key and t[1] == "processing" and t[2] == "memory")
        print("     (the scheduler ran the killed worker's %s task %d time%s)"
              % (killed[0][0], runs, "" if runs == 1 else "s"), flush=True)
    else:
        bad("%s: no worker was killed" % how)
    for _ in range(40):
        if len(client.scheduler_info()["workers"]) == 1:
            break
        time.sleep(0.25)
    n = len(client.scheduler_info()["workers"])
    (ok if n == 1 else bad)("%s: the run went on with %d worker" % (how, n))
    stats = [json.loads(l) for l in graph.split(b"\n") if l.startswith(b'{"type":"stats"')]
    inf = [s for s in stats if s["stage"] == "infer"][0]
    skipped = sum(inf["skipped"].values()) + sum(inf["lost"].values())
    if inf["records_in"] == inf["records_out"] + skipped and inf["files"] == 1:
        ok("%s: counted once: %d records in = %d used + %d skipped or lost, 1 file"
           % (how, inf["records_in"], inf["records_out"], skipped))
    else:
        bad("%s: the counts do not add up: %s" % (how, inf))


def small_fs(path, size):
    """A tmpfs of size bytes mounted at path (a full disk), or None where this machine
    does not let us (not root): the cases are then skipped, except under CI=true."""
    os.makedirs(path, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%d" % size, "tmpfs", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode == 0:
        mounts.append(path)
        return path
    why = r.stderr.decode(errors="replace").strip()
    if os.environ.get("CI") == "true":
        bad("a full disk: cannot mount a tmpfs (%s)" % why)
    else:
        print("skip a full disk: cannot mount a tmpfs (%s)" % why, flush=True)
    return None


def unmount(path):
    subprocess.run(["umount", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    mounts.remove(path)


def stops_full(what, fn):
    """fn() must stop with Failed saying the disk is full."""
    try:
        fn()
        bad("%s on a full disk: went on" % what)
    except gammaray_dask.Failed as e:
        msg = str(e)
        (ok if "No space left on device" in msg else bad)(
            "%s on a full disk: the run stops, named (%s)"
            % (what, msg[:60].replace("\n", " ") + "..."))


def stop_cluster():
    for p in reversed(procs):
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()


def workload(name, *opts):
    d = os.path.join(scratch, name)
    sh("gammaray-synth -q -o %s -n 30 -s 11 %s" % (name, " ".join(opts)))
    paths = [os.path.join(d, p) for p in ("export", "xray", "otlp", "aws-spans")
             if os.path.exists(os.path.join(d, p))]
    single = sh("gammaray-fetch -q %s | gammaray-infer -q" % " ".join(paths))
    return paths, single


def critpath(graph):
    return subprocess.run(["gammaray-critpath", "-q", "--json", "-"], input=graph, env=ENV,
                          stdout=subprocess.PIPE, check=True).stdout


def run_lines(text):
    return sorted(l for l in text.split(b"\n") if l.startswith(b'{"root"'))


def shuffle_left(name):
    """The run's files are gone from the shuffle directory once it is over."""
    left = os.listdir(SHUFFLE)
    (ok if not left else bad)("%s: the shuffle directory is left empty%s"
                              % (name, "" if not left else " (%s)" % left[:3]))


def compare(name, client, paths, single, **kw):
    graph, err, status, runs = gammaray_dask.run(client, paths, BIN, partitions=3,
                                                 batch_bytes=20000, run_shards=3, quiet=True,
                                                 **kw)
    if kw.get("shuffle_dir"):
        shuffle_left(name)
    if graph == single:
        ok("%s: the graph equals gammaray-fetch | gammaray-infer's, byte for byte (%d lines)"
           % (name, single.count(b"\n")))
    else:
        bad("%s: the graph differs" % name)
        with open(os.path.join(scratch, name + ".dask.ndjson"), "wb") as f:
            f.write(graph)
    if critpath(graph) == critpath(single):
        ok("%s: the same critical paths" % name)
    else:
        bad("%s: critical paths differ" % name)
    per_shard = gammaray_dask.critical_paths(client, runs, BIN)
    if run_lines(b"\n".join(per_shard.values())) == run_lines(critpath(single)):
        ok("%s: each run shard's critical paths are the whole graph's (%d shards)"
           % (name, len(runs)))
    else:
        bad("%s: run shards' critical paths differ" % name)
    return graph, err


def main():
    os.makedirs(SHUFFLE, exist_ok=True)
    os.makedirs(ENV["TMPDIR"], exist_ok=True)
    client = start_cluster()
    files = {"shuffle_dir": SHUFFLE}
    try:
        loads = [("markers", ()), ("xray-only", ("--no-markers", "--sample-rate", "1")),
                 ("otel", ("--traces", "otel"))]
        for name, opts in loads:
            paths, single = workload(name, *opts)
            compare(name + ", through Dask", client, paths, single)
            compare(name + ", through files", client, paths, single, **files)

        # real tools' text and AWS's own samples (fixtures/real: sam logs, aws logs tail,
        # Pulumi, Serverless, console copies, Lambda Insights, lambda invoke; the public
        # aws/spans sample; fixtures/export, a CloudWatch export tree), one unit each,
        # through files: the graph one machine makes of them
        real = sorted(os.path.join(top, "fixtures", "real", n)
                      for n in os.listdir(os.path.join(top, "fixtures", "real"))
                      if n != "SOURCES.md")
        real += [os.path.join(top, "fixtures", "otel", "awsspans-python-server-local-root.json"),
                 os.path.join(top, "fixtures", "export")]
        rsingle = subprocess.run("gammaray-fetch -q %s | gammaray-infer -q"
                                 % " ".join("'%s'" % r for r in real), shell=True, env=ENV,
                                 stdout=subprocess.PIPE).stdout
        rgraph, _, _, _ = gammaray_dask.run(client, real, BIN, partitions=3, batch_bytes=1,
                                            quiet=True, **files)
        (ok if rgraph == rsingle else bad)(
            "%d real samples, a batch each, through files: the graph one machine makes "
            "of them, byte for byte (%d invocations)"
            % (len(real), rsingle.count(b'"type":"node"')))
        shuffle_left("the real samples")
        # each alone: the invocations a person counts in it (tests/cli/real_inputs.expect)
        counted = {}
        with open(os.path.join(top, "tests", "cli", "real_inputs.expect")) as f:
            for row in f:
                cols = row.split()
                if cols and cols[0].startswith("fixtures/real/"):
                    counted[os.path.join(top, cols[0])] = int(cols[1])
        wrong = []
        for r in real:
            if r not in counted:
                continue
            g, _, _, _ = gammaray_dask.run(client, [r], BIN, partitions=3, quiet=True, **files)
            if g.count(b'"type":"node"') != counted[r]:
                wrong.append("%s: %d, counted %d" % (os.path.basename(r),
                                                     g.count(b'"type":"node"'), counted[r]))
        (ok if counted and not wrong else bad)(
            "%d real samples alone: the invocations a person counts in each (%d in all)%s"
            % (len(counted), sum(counted.values()), "; " + ", ".join(wrong) if wrong else ""))

        # the graph written to a file, the run shards and their critical paths to a
        # directory, as gammaray_dask.py -o FILE --critpath-dir DIR does
        out, runs_dir = os.path.join(scratch, "graph.ndjson"), os.path.join(scratch, "runs")
        graph, _, status, runs = gammaray_dask.run(client, paths, BIN, partitions=3,
                                                   batch_bytes=20000, run_shards=3,
                                                   quiet=True, output=out, runs_dir=runs_dir,
                                                   **files)
        with open(out, "rb") as f:
            written = f.read()
        cps = []
        for n in sorted(runs):
            with open(os.path.join(runs_dir, n[:-len(".ndjson")] + ".json"), "rb") as f:
                cps.append(f.read())
        (ok if graph is None and written == single and status == 0 and
         sorted(runs.values()) == [os.path.join(runs_dir, n) for n in sorted(runs)] and
         run_lines(b"\n".join(cps)) == run_lines(critpath(single)) else bad)(
            "-o and --critpath-dir: the graph in its file, %d run shards and their critical "
            "paths in theirs" % len(runs))
        shuffle_left("-o and --critpath-dir")

        # the same from the command line, on this cluster
        cli_out, cli_runs = os.path.join(scratch, "cli.ndjson"), os.path.join(scratch, "cli-runs")
        p = subprocess.run(
            ["/usr/bin/python3", os.path.join(top, "contrib", "dask", "gammaray_dask.py"),
             "--scheduler-file", os.path.join(scratch, "scheduler.json"), "--bin", BIN,
             "--shuffle-dir", SHUFFLE, "--partitions", "3", "--batch-bytes", "20000",
             "-o", cli_out, "--critpath-dir", cli_runs] + paths,
            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        with open(cli_out, "rb") as f:
            written = f.read()
        names = sorted(os.listdir(cli_runs))
        err = p.stderr.decode(errors="replace")
        (ok if p.returncode == 0 and written == single and not p.stdout and names and
         len(names) % 2 == 0 and "records in:" in err and "done in" in err else bad)(
            "gammaray_dask.py --scheduler-file --shuffle-dir -o --critpath-dir: exit 0, "
            "the same graph, %d files of runs, the summary on stderr" % len(names))
        shuffle_left("the command line")

        # a worker killed once its first infer task has finished: through Dask, Dask
        # computes again what it held; through files, they outlive it
        paths, single = workload("kill", "--sample-rate", "0.5")
        kill_case(client, paths, single, "through Dask")
        add_worker()
        client.wait_for_workers(2, timeout=60)
        kill_case(client, paths, single, "through files", **files)

        # a corrupt chunk of an export (its gzip cut short): counted as lost as one
        # machine counts it, in the same graph and stats, and the run's status says so
        cpaths, _ = workload("corrupt", "--sample-rate", "0.5")
        chunks = sorted(os.path.join(r, f) for r, _, fs in os.walk(cpaths[0]) for f in fs
                        if f.endswith(".gz"))
        with open(chunks[len(chunks) // 2], "r+b") as f:
            f.truncate(max(20, os.path.getsize(chunks[len(chunks) // 2]) // 2))
        csingle = subprocess.run("gammaray-fetch -q %s | gammaray-infer -q" % " ".join(cpaths),
                                shell=True, env=ENV, stdout=subprocess.PIPE).stdout
        cgraph, _, status, _ = gammaray_dask.run(client, cpaths, BIN, partitions=3,
                                                  batch_bytes=20000, quiet=True, **files)
        lost = [json.loads(l) for l in cgraph.split(b"\n") if l.startswith(b'{"type":"stats"')]
        lost = sum(sum(s["lost"].values()) for s in lost)
        if cgraph == csingle and status == 1 and lost:
            ok("a corrupt chunk: counted lost as one machine counts it (%d lost), exit 1" % lost)
        else:
            bad("a corrupt chunk: status %d, %d lost, graph %s" %
                (status, lost, "same" if cgraph == csingle else "differs"))

        # a stage that writes lines for a stage the driver does not hand them to fails,
        # named: its lines are never dropped
        writes = dict(gammaray_dask.WRITES, trace="fg")  # as if trace wrote no 'e'
        try:
            gammaray_dask.run(client, cpaths, BIN, partitions=3, batch_bytes=20000,
                              quiet=True, writes=writes, **files)
            bad("a stage writing outside the driver's table: the run went on")
        except gammaray_dask.Failed as e:
            (ok if "trace stage wrote lines for stage 'e'" in str(e) else bad)(
                "a stage writing outside the driver's table: the run stops, named (%s)"
                % str(e)[:70])
        shuffle_left("a run that stopped")

        # the Hadoop Streaming contract: mapper | sort | reducer with plain tools
        ev = os.path.join(scratch, "kill.events")
        sh("gammaray-fetch -q %s > %s" % (" ".join(paths), ev))
        stages = " | ".join(["gammaray-infer -q --stage map %s" % ev] +
                            ["LC_ALL=C sort | gammaray-infer -q --stage %s" % s
                             for s in ("request", "stream", "trace", "link", "effect", "merge")])
        (ok if sh(stages) == single else bad)("map | sort | reducer with Unix tools: the same graph")

        # a partition of more bucket files than a command line takes: joined into one
        # file first (in this process, with a small limit)
        many = os.path.join(scratch, "many")
        os.makedirs(many, exist_ok=True)
        lines = sh(" | ".join(["gammaray-infer -q --stage map %s" % ev] +
                              ["LC_ALL=C sort | gammaray-infer -q --stage %s" % s
                               for s in ("request", "stream", "trace", "link", "effect")]))
        files = []
        for i, line in enumerate(lines.splitlines(keepends=True)):
            files.append(os.path.join(many, "g-%d.lines" % i))
            with open(files[-1], "wb") as f:
                f.write(line)
        old = gammaray_dask.MAX_OPERANDS
        gammaray_dask.MAX_OPERANDS = 10
        try:
            out = os.path.join(scratch, "many.graph")
            gammaray_dask.run_stage(BIN, ["gammaray-infer", "-q", "--stage", "merge", "-o",
                                          out], list(reversed(files)), many, lost_ok=True)
            with open(out, "rb") as f:
                (ok if f.read() == single else bad)(
                    "a merge of %d files, more than its command line takes: the same graph"
                    % len(files))
        finally:
            gammaray_dask.MAX_OPERANDS = old
        full_disk(client, cpaths, paths)
    finally:
        client.close()
        stop_cluster()
        for m in list(mounts):
            unmount(m)
    print("dask tests: %d passed, %d failed" % (passes, fails))
    return 1 if fails else 0


def full_disk(client, cpaths, paths):
    """A full disk where each kind of task writes: fetch's events (its temporary
    directory), a stage's bucket files (the shuffle directory), the merge's graph. A
    program that cannot write exits 1, as it does when records were lost: the driver
    must tell the two apart (a stream is whole when its own stats record ends it)."""
    import tempfile
    small = small_fs(os.path.join(scratch, "small"), 64 << 10)
    if not small:
        return
    # the stages' lines: the map's bucket files fill the shuffle directory
    stops_full("a stage", lambda: gammaray_dask.run(
        client, paths, BIN, partitions=3, batch_bytes=20000, quiet=True,
        shuffle_dir=small))
    left = os.listdir(small)
    (ok if not left else bad)("a stage on a full disk: the shuffle directory is left "
                              "empty%s" % ("" if not left else " (%s)" % left[:3]))
    # fetch's events, in this process (its temporary directory on the small disk)
    units = gammaray_dask.list_units(cpaths)
    old = tempfile.tempdir
    tempfile.tempdir = small
    try:
        stops_full("fetch", lambda: gammaray_dask.fetch_map(
            BIN, 0, units, None, [], 3, [], gammaray_dask.WRITES["map"], None))
        # the merge: its input fits, its graph does not
        ev = os.path.join(scratch, "full.events")
        sh("gammaray-fetch -q %s > %s" % (" ".join(paths), ev))
        lines = sh(" | ".join(["gammaray-infer -q --stage map %s" % ev] +
                              ["LC_ALL=C sort | gammaray-infer -q --stage %s" % s
                               for s in ("request", "stream", "trace", "link", "effect")]))
        graph = sh("LC_ALL=C sort | gammaray-infer -q --stage merge", input=lines)
        unmount(small)
        small_fs(small, len(lines) + len(graph) // 2)
        stops_full("the merge", lambda: gammaray_dask.merge(BIN, [], 0, None, lines))
    finally:
        tempfile.tempdir = old


if __name__ == "__main__":
    sys.exit(main())
