#!/usr/bin/env python3
"""Trunk post-build hook (after csp_hook.py, before offline_hook.py; see Trunk.toml): gives the
Speed tab's worker files content-hashed names, as Trunk gives the page's own files.

Trunk names a worker's outputs without a hash (energy-bench.js, energy-bench_bg.wasm), and the
copied scripts keep their names (bench.js, bench-worker.js). A static host's HTTP cache could
then serve last release's worker module next to this release's page. This renames each of them
to name-<hash>.ext (hash of its contents), writes the new names into the worker script (which
loads the other three), renames that script by its rewritten contents, and records its name in
index.html as <meta name="bench-worker">, where the page looks for it. Run by Trunk with
TRUNK_STAGING_DIR set.
"""
import hashlib
import os
import sys

root = os.environ.get("TRUNK_STAGING_DIR", "dist")
WORKER = "bench-worker.js"
LOADED = ["bench.js", "energy-bench.js", "energy-bench_bg.wasm"]


def hashed(name, data):
    digest = hashlib.sha256(data).hexdigest()[:16]
    if name.endswith("_bg.wasm"):
        return "%s-%s_bg.wasm" % (name[: -len("_bg.wasm")], digest)
    stem, ext = os.path.splitext(name)
    return "%s-%s%s" % (stem, digest, ext)


def read(name):
    with open(os.path.join(root, name), "rb") as f:
        return f.read()


missing = [n for n in [WORKER] + LOADED if not os.path.exists(os.path.join(root, n))]
if missing:
    sys.exit("worker_hook: not in the build: %s (index.html must build and copy them)" % ", ".join(missing))

script = read(WORKER).decode("utf-8")
for name in LOADED:
    new = hashed(name, read(name))
    if ("'./%s'" % name) not in script:
        sys.exit("worker_hook: %s does not load './%s'" % (WORKER, name))
    script = script.replace("'./%s'" % name, "'./%s'" % new)
    os.rename(os.path.join(root, name), os.path.join(root, new))
data = script.encode("utf-8")
worker = hashed(WORKER, data)
with open(os.path.join(root, worker), "wb") as f:
    f.write(data)
os.remove(os.path.join(root, WORKER))

index = os.path.join(root, "index.html")
html = open(index, encoding="utf-8").read()
if "</head>" not in html:
    sys.exit("worker_hook: index.html has no </head>")
html = html.replace("</head>", '  <meta name="bench-worker" content="%s">\n</head>' % worker, 1)
open(index, "w", encoding="utf-8").write(html)
print("worker_hook: the Speed tab's worker is %s" % worker)
