#!/usr/bin/python3
"""shard_dask.py: one timed run of contrib/dask's driver on a local cluster of N worker
processes (one thread each), for bench/shard.sh.

    BIN=build/bin [SHUFFLE=memory] /usr/bin/python3 bench/shard_dask.py N OUT EXPORT-TASKS PATH...

Starts the cluster (not timed), runs the pipeline until the graph is in OUT and prints
the wall seconds of the run, the workers' peak RSS in KB (the largest) and their CPU
seconds (theirs and the programs they ran; the driver's own not counted). The stages'
lines go between tasks as files in a shuffle directory under TMPDIR, as the driver
does on a local cluster; with SHUFFLE=memory, through Dask.
"""
import os
import resource
import sys
import tempfile
import time

top = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(top, "contrib", "dask"))
import gammaray_dask  # noqa: E402


def usage():
    """A worker's CPU seconds (its own and the programs it ran) and peak RSS (KB)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime, max(r.ru_maxrss, c.ru_maxrss)


def main():
    from distributed import Client
    n, out, tasks, paths = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
    bindir = os.path.abspath(os.environ.get("BIN", os.path.join(top, "build", "bin")))
    cluster = gammaray_dask.local_cluster(n)
    client = Client(cluster)
    try:
        before = client.run(usage)
        t0 = time.monotonic()
        memory = os.environ.get("SHUFFLE") == "memory"
        gammaray_dask.run(client, paths, bindir, partitions=2 * n, export_tasks_file=tasks,
                          quiet=True, output=out,
                          shuffle_dir=None if memory else tempfile.gettempdir())
        wall = time.monotonic() - t0
        after = client.run(usage)
        cpu = sum(after[w][0] - before[w][0] for w in after)
        rss = max(u[1] for u in after.values())
    finally:
        client.close()
        cluster.close()
    print("%.2f %d %.2f" % (wall, rss, cpu))


if __name__ == "__main__":
    main()
