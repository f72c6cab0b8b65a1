#!/usr/bin/env python3
"""Trunk post-build hook (run after csp_hook.py, see Trunk.toml): makes the build work offline after one visit.

Writes into the staged sw.js the list of the page's files (Trunk's content-hashed names, every
file of the build but the worker itself) and a version computed from their names and contents,
so each release gets its own cache and the worker's bytes change with every release (browsers
then install the new worker, which deletes the old cache). Also writes the hashed icon's name
into manifest.webmanifest. Run by Trunk with TRUNK_STAGING_DIR set.
"""
import hashlib
import os
import sys

root = os.environ.get("TRUNK_STAGING_DIR", "dist")
sw_path = os.path.join(root, "sw.js")
manifest_path = os.path.join(root, "manifest.webmanifest")
if not os.path.exists(sw_path):
    sys.exit("offline_hook: no sw.js in the build (index.html must copy www/sw.js)")

icons = sorted(f for f in os.listdir(root) if f.startswith("favicon") and f.endswith(".svg"))
if os.path.exists(manifest_path) and icons:
    text = open(manifest_path, encoding="utf-8").read()
    open(manifest_path, "w", encoding="utf-8").write(text.replace("__ICON__", icons[0]))

files = []
for dirpath, _, names in os.walk(root):
    for name in names:
        rel = os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/")
        if rel != "sw.js":
            files.append(rel)
files.sort()
digest = hashlib.sha256()
for rel in files:
    digest.update(rel.encode("utf-8") + b"\0")
    digest.update(open(os.path.join(root, rel), "rb").read())
version = digest.hexdigest()[:16]

sw = open(sw_path, encoding="utf-8").read()
if "__VERSION__" not in sw or "/* __FILES__ */" not in sw:
    sys.exit("offline_hook: sw.js has no placeholders to fill (already processed?)")
listing = ", ".join("'%s'" % f for f in files)
sw = sw.replace("__VERSION__", version, 1).replace("/* __FILES__ */", listing, 1)
open(sw_path, "w", encoding="utf-8").write(sw)
print("offline_hook: sw.js caches %d files as version %s" % (len(files), version))
