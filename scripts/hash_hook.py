#!/usr/bin/env python3
"""Trunk post-build hook (after csp_hook.py, before offline_hook.py; see Trunk.toml): gives
content-hashed names to the files Trunk leaves unhashed, as it names the page's own files.

A static host's HTTP cache could otherwise serve last release's file next to this release's
page. Each file is renamed name-<hash>.ext (hash of its contents):
- the Speed tab's worker files: Trunk names a worker's outputs without a hash
  (energy-bench.js, energy-bench_bg.wasm) and the copied scripts keep theirs (bench.js,
  bench-worker.js). The new names are written into the worker script (which loads the other
  three), that script is renamed by its rewritten contents, and its name is recorded in
  index.html as <meta name="bench-worker">, where the page looks for it;
- the data files under data/ (copied from www/data): the page fetches each from the href of
  its preload link in index.html (<link rel="preload" data-file="…">), rewritten here.
Run by Trunk with TRUNK_STAGING_DIR set.
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
    sys.exit("hash_hook: not in the build: %s (index.html must build and copy them)" % ", ".join(missing))

script = read(WORKER).decode("utf-8")
for name in LOADED:
    new = hashed(name, read(name))
    if ("'./%s'" % name) not in script:
        sys.exit("hash_hook: %s does not load './%s'" % (WORKER, name))
    script = script.replace("'./%s'" % name, "'./%s'" % new)
    os.rename(os.path.join(root, name), os.path.join(root, new))
rewritten = script.encode("utf-8")
worker = hashed(WORKER, rewritten)
with open(os.path.join(root, worker), "wb") as f:
    f.write(rewritten)
os.remove(os.path.join(root, WORKER))

index = os.path.join(root, "index.html")
html = open(index, encoding="utf-8").read()
if "</head>" not in html:
    sys.exit("hash_hook: index.html has no </head>")
html = html.replace("</head>", '  <meta name="bench-worker" content="%s">\n</head>' % worker, 1)

data_files = sorted(f for f in os.listdir(os.path.join(root, "data")) if f != "README.md")
for name in data_files:
    href = 'href="data/%s"' % name
    if href not in html:
        sys.exit("hash_hook: index.html has no preload link for data/%s" % name)
    new = hashed(name, read(os.path.join("data", name)))
    os.rename(os.path.join(root, "data", name), os.path.join(root, "data", new))
    html = html.replace(href, 'href="data/%s"' % new)
open(index, "w", encoding="utf-8").write(html)
print("hash_hook: the Speed tab's worker is %s; %d data files renamed" % (worker, len(data_files)))
