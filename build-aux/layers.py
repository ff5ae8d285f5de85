#!/usr/bin/python3
"""layers.py: checks lib/'s written rule (lib/README.md) on the objects' symbols.

Reads `nm` of every object of the library, maps each undefined symbol to the object
that defines it, and fails when a file refers to a folder that the rule puts on a
higher floor or beside it, or when files refer to each other in a loop. The
`#include` lines of lib/ are held to the same folder rule.

    build-aux/layers.py BUILD_DIR OBJECT...   (the objects BUILD_DIR/lib/**/*.o)
"""
import os
import re
import subprocess
import sys

# Each folder and the folders it may use (besides itself). lib/README.md draws them.
RULE = {
    "common": [],
    "stream": ["common"],
    "fetch": ["stream", "common"],
    "infer/model": ["stream", "common"],
    "infer/rules": ["infer/model", "stream", "common"],
    "infer": ["infer/rules", "infer/model", "stream", "common"],
    "critpath": ["stream", "common"],
    "dot": ["stream", "common"],
    "report": ["critpath", "dot", "stream", "common"],
    "synth": ["common"],
    "score": ["critpath", "stream", "common"],
}


INCLUDE = re.compile(r'\s*#\s*include\s+"([^"]+)"')


def objects(build, paths):
    top = os.path.join(build, "lib")
    for path in sorted(paths):
        yield os.path.relpath(path, top)[:-2], path


def symbols(path):
    out = subprocess.run(["nm", path], check=True, capture_output=True, text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) == 2 and f[0] == "U":
            undefined.add(f[1])
        elif len(f) == 3 and f[1] in "TDBRVWCG":
            defined.add(f[2])
    return defined, undefined


def cycles(graph):
    """Strongly connected components of more than one file (Tarjan, iterative)."""
    index, low, onstack, stack, out = {}, {}, set(), [], []
    counter = [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        onstack.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    onstack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    advanced = True
                    break
                if w in onstack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    onstack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: build-aux/layers.py BUILD_DIR OBJECT...")
    objs = dict(objects(sys.argv[1], sys.argv[2:]))
    if not objs:
        sys.exit("layers: no objects under %s/lib" % sys.argv[1])
    owner, uses = {}, {}
    for name, path in objs.items():
        d, u = symbols(path)
        uses[name] = u
        for s in d:
            owner[s] = name
    bad = 0
    graph = {n: set() for n in objs}
    for name in sorted(objs):
        folder = os.path.dirname(name)
        if folder not in RULE:
            print("layers: lib/%s.c is in a folder the rule does not name" % name)
            bad += 1
            continue
        for s in sorted(uses[name]):
            o = owner.get(s)
            if not o or o == name:
                continue
            graph[name].add(o)
            of = os.path.dirname(o)
            if of != folder and of not in RULE[folder]:
                print("layers: lib/%s.c uses %s of lib/%s.c: %s may not use %s"
                      % (name, s, o, folder, of))
                bad += 1
    lib = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib")
    for dirpath, _, names in os.walk(lib):
        for n in sorted(names):
            if not n.endswith((".c", ".h")):
                continue
            rel = os.path.relpath(os.path.join(dirpath, n), lib)
            folder = os.path.dirname(rel)
            if folder not in RULE:
                continue
            with open(os.path.join(dirpath, n), encoding="utf-8") as f:
                for no, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m or "/" not in m.group(1):
                        continue
                    of = os.path.dirname(m.group(1))
                    if of != folder and of not in RULE[folder]:
                        print("layers: lib/%s:%d: includes %s: %s may not use %s"
                              % (rel, no, m.group(1), folder, of))
                        bad += 1
    for comp in cycles(graph):
        print("layers: files refer to each other in a loop: %s"
              % " ".join("lib/%s.c" % c for c in comp))
        bad += 1
    if bad:
        sys.exit(1)
    print("layers: %d objects in %d folders, no reference against the rule, no loops"
          % (len(objs), len({os.path.dirname(n) for n in objs})))


if __name__ == "__main__":
    main()
