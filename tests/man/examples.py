#!/usr/bin/python3
# examples.py: every example of the man pages' EXAMPLES sections, run (or checked)
# in a scratch directory set up from fixtures/ (tests/man/setup.sh).
#
# A block (.Bd -literal ... .Ed) is run with bash -o pipefail, roff escapes undone,
# /tmp/ mapped into the scratch directory. Comment lines just before its .Bd say
# more:
#   .\" example: check CMD      after the run, CMD must succeed (what the text says)
#   .\" example: not run (WHY)  only syntax-checked (sh -n): it needs AWS or a tool
#                               outside Debian, or hours
#   .\" example: data           the block is records: each line must be JSON
#   .\" example: code LANG      a program: python (py_compile) or node (node --check)
#   .\" example: setup CMD      run before the block (e.g. to make its input)
#   .\" example: log            Lambda log text: gammaray-fetch must read it all
# Each run happens in a fresh copy of SCRATCH/base; the block's stdout and stderr
# are left in stdout.txt and stderr.txt there for the checks.
# Usage: examples.py SCRATCH MANPAGE...   prints one line per example, exits 1 on any
# failure.
import json, os, re, subprocess, sys

scratch = sys.argv[1]
bad = 0


def unroff(line):
    return line.replace("\\e", "\\").replace("\\&", "").replace("\\-", "-")


def blocks(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    in_ex = False
    tags = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.startswith(".Sh "):
            in_ex = ln.strip() == ".Sh EXAMPLES"
            tags = []
        elif in_ex and ln.startswith('.\\" example:'):
            tags.append(ln[len('.\\" example:'):].strip())
        elif in_ex and ln.startswith(".Bd -literal"):
            body = []
            i += 1
            while i < len(lines) and not lines[i].startswith(".Ed"):
                body.append(unroff(lines[i]))
                i += 1
            yield i + 1, tags, "\n".join(body) + "\n"
            tags = []
        elif in_ex and not ln.startswith(".\\\""):
            pass
        i += 1


def run(cmd, cwd, **kw):
    return subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=cwd,
                          capture_output=True, text=True, **kw)


count = 0


for page in sys.argv[2:]:
    name = os.path.basename(page)
    for k, (line, tags, body) in enumerate(blocks(page), 1):
        where = "%s example %d" % (name, k)
        kind = "run"
        checks, setups = [], []
        for t in tags:
            if t.startswith("not run"):
                kind = "syntax"
            elif t in ("data", "log"):
                kind = t
            elif t.startswith("code "):
                kind = t
            elif t.startswith("check "):
                checks.append(t[6:])
            elif t.startswith("setup "):
                setups.append(t[6:])
        count += 1
        ex = os.path.join(scratch, "ex%d" % count)
        body = body.replace("/tmp/", ex + "/tmp/")
        why = None
        if kind == "syntax":
            r = subprocess.run(["sh", "-n"], input=body, capture_output=True, text=True)
            why = r.returncode and "sh -n: " + r.stderr.strip()
        elif kind == "data":
            for l in body.splitlines():
                if l.strip():
                    try:
                        json.loads(l)
                    except ValueError as e:
                        why = "not JSON: %s" % e
        elif kind == "log":
            os.makedirs(ex)
            open(os.path.join(ex, "log.txt"), "w").write(body)
            r = run("gammaray-fetch --stats log.txt >/dev/null", ex)
            why = r.returncode and "gammaray-fetch: " + r.stderr.strip()[-300:]
        elif kind.startswith("code "):
            lang = kind[5:]
            os.makedirs(ex)
            src = os.path.join(ex, "example." + ("py" if lang == "python" else "mjs"))
            open(src, "w").write(body)
            if lang == "python":
                r = subprocess.run(["/usr/bin/python3", "-m", "py_compile", src],
                                   capture_output=True, text=True)
            elif lang == "node":
                r = subprocess.run(["node", "--check", src], capture_output=True, text=True) \
                    if subprocess.run(["sh", "-c", "command -v node"], capture_output=True).returncode == 0 \
                    else subprocess.CompletedProcess([], 0, "", "")
            else:
                r = subprocess.CompletedProcess([], 1, "", "unknown language " + lang)
            why = r.returncode and (r.stderr.strip().splitlines() or ["failed"])[-1]
        else:
            subprocess.run(["cp", "-R", os.path.join(scratch, "base"), ex], check=True)
            os.makedirs(os.path.join(ex, "tmp"), exist_ok=True)
            for st in setups:
                r = run(st, ex)
                if r.returncode:
                    why = "setup failed: " + st + ": " + r.stderr.strip()[:200]
            if not why:
                r = run(body, ex, timeout=600)
                open(os.path.join(ex, "stdout.txt"), "w").write(r.stdout)
                open(os.path.join(ex, "stderr.txt"), "w").write(r.stderr)
                # 141: a writer cut short by "| head" (SIGPIPE), as meant
                if r.returncode and r.returncode != 141:
                    why = "exit %d: %s" % (r.returncode, r.stderr.strip()[-300:])
            for c in checks:
                if why:
                    break
                r = run(c, ex)
                if r.returncode:
                    why = "check failed: " + c
        if why:
            bad = 1
            print("FAIL %s (line %d, %s): %s" % (where, line, kind, why))
        else:
            print("ok   %s (%s)" % (where, kind.split(" (")[0]))
sys.exit(bad)
