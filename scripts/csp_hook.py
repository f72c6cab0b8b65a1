#!/usr/bin/env python3
"""Trunk post-build hook: adds a strict Content-Security-Policy to the built index.html.

Trunk inlines a small module script that loads the wasm. Rather than allowing inline scripts,
the policy allows exactly that script by its SHA-256 hash, plus the page's own files and
'wasm-unsafe-eval' (needed to compile WebAssembly). Run by Trunk with TRUNK_STAGING_DIR set.
"""
import base64
import hashlib
import os
import re
import sys

path = os.path.join(os.environ.get("TRUNK_STAGING_DIR", "dist"), "index.html")
html = open(path, encoding="utf-8").read()
scripts = re.findall(r"<script(?: [^>]*)?>(.*?)</script>", html, flags=re.S)
hashes = " ".join(
    "'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
    for s in scripts
    if s.strip()
)
policy = (
    "default-src 'self'; "
    f"script-src 'self' 'wasm-unsafe-eval' {hashes}; "
    "style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'none'"
)
meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
if "Content-Security-Policy" in html:
    sys.exit(0)
html = html.replace('<meta charset="utf-8">', '<meta charset="utf-8">\n  ' + meta, 1)
open(path, "w", encoding="utf-8").write(html)
