#!/usr/bin/env python3
"""Trunk post-build hook (the first; see Trunk.toml): splits the page's release .wasm in two, so
the page starts from the smaller part.

- The start module keeps the functions the page runs when it opens on its first lab (the list in
  www/start-functions.txt, recorded by scripts/start-profile from the release page in headless
  Chromium). A listed name no longer in the module (the code changed since) keeps every
  function of that name without its `::h<hash>` suffix, so the list degrades gently.
- The rest module holds every other function. binaryen's wasm-split rewrites each call from the
  start module into the rest as a call through a table slot that holds a placeholder until the
  rest module is instantiated (its element segments then write the real functions there).
- The loader (appended to wasm-bindgen's JS) fetches the rest module beside the start module. It
  instantiates it as soon as both are ready, after the page has started; a placeholder called
  before that (a click in the first moments, or a link that opens another lab at once) loads
  it synchronously first, so no call ever fails. `<html data-rest=…>` records how it was
  loaded: "background" or "on demand" (the e2e check fails if the first lab needed it).
- The page's own files are then re-hashed in index.html (integrity attributes).

Needs binaryen's wasm-split (WASM_SPLIT, default: the copy scripts/setup unpacks from Debian's
binaryen package) and wasm-opt (binaryen 132) to validate the result. Only release builds are
split (scripts/serve --dev builds stay one module; SPLIT=0 leaves a release build whole, with
its function names, as scripts/start-profile needs it; SPLIT_NAMES=1 keeps the functions' names
in both modules, for tests/e2e/profile-page.mjs). Run by Trunk with TRUNK_STAGING_DIR set.
With arguments it serves scripts/start-profile: `split_hook.py in.wasm out.wasm` instruments,
`split_hook.py in.wasm profile… list.txt` writes the list.
"""
import base64
import hashlib
import os
import re
import subprocess
import sys
import tempfile

root = os.environ.get("TRUNK_STAGING_DIR", "dist")
here = os.path.dirname(os.path.abspath(__file__))
KEEP_LIST = os.path.join(here, "..", "www", "start-functions.txt")
# The lab the page opens on without a link (its code is in the start module).
FIRST_LAB = "hopfield"
WASM_SPLIT = os.environ.get(
    "WASM_SPLIT",
    os.path.expanduser("~/.cache/energy-playground/binaryen-108/usr/bin/wasm-split"),
)
FEATURES = [
    "--enable-simd", "--enable-bulk-memory", "--enable-nontrapping-float-to-int",
    "--enable-sign-ext", "--enable-mutable-globals", "--enable-reference-types",
    "--enable-multivalue",
]


def fail(msg):
    sys.exit("split_hook: " + msg)


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def uleb(v):
    out = bytearray()
    while True:
        x = v & 0x7F
        v >>= 7
        out.append(x | (0x80 if v else 0))
        if not v:
            return bytes(out)


def sections(b):
    """(id, start of the section's header, start of its contents, end) for each section."""
    i = 8
    while i < len(b):
        size, j = leb(b, i + 1)
        yield b[i], i, j, j + size
        i = j + size


def custom_name(b, j):
    n, k = leb(b, j)
    return b[k:k + n]


def function_names(b):
    """{function index: name} from the name section (wasm-opt -g keeps it)."""
    names = {}
    for sid, _, j, end in sections(b):
        if sid != 0 or custom_name(b, j) != b"name":
            continue
        n, k = leb(b, j)
        k += n
        while k < end:
            kind = b[k]
            size, k = leb(b, k + 1)
            sub_end = k + size
            if kind == 1:
                count, k = leb(b, k)
                for _ in range(count):
                    idx, k = leb(b, k)
                    ln, k = leb(b, k)
                    names[idx] = b[k:k + ln].decode("utf-8", "replace")
                    k += ln
            k = sub_end
    return names


def skip_limits(b, k):
    """The offset after the limits (flags, minimum, maximum if flagged) at `k`."""
    flags = b[k]
    _, k = leb(b, k + 1)
    if flags & 1:
        _, k = leb(b, k)
    return k


def imported_functions(b):
    """The number of functions the module imports (they come first in its function index)."""
    count = 0
    for sid, _, j, _ in sections(b):
        if sid != 2:
            continue
        n, k = leb(b, j)
        for _ in range(n):
            for _ in range(2):
                ln, k = leb(b, k)
                k += ln
            kind = b[k]
            k += 1
            if kind == 0:
                _, k = leb(b, k)
                count += 1
            elif kind == 1:  # a table: its element type, then its limits
                k = skip_limits(b, k + 1)
            elif kind == 2:  # a memory: its limits
                k = skip_limits(b, k)
            elif kind == 3:
                k += 2
            else:
                fail("unknown import kind %d" % kind)
    return count


def without_names(b, renamed=None):
    """The module without its name section; with `renamed` ({index: name}), a new one."""
    out = bytearray(b[:8])
    for sid, i, j, end in sections(b):
        if sid == 0 and custom_name(b, j) == b"name":
            continue
        out += b[i:end]
    if renamed:
        entries = bytearray(uleb(len(renamed)))
        for idx in sorted(renamed):
            name = renamed[idx].encode()
            entries += uleb(idx) + uleb(len(name)) + name
        sub = bytes([1]) + uleb(len(entries)) + entries
        body = uleb(4) + b"name" + sub
        out += bytes([0]) + uleb(len(body)) + body
    return bytes(out)


def fix_table_exports(b):
    """binaryen 108 writes every exported table as table 0: point the wasm-bindgen externref
    table's export at the module's externref table (the funcref table stays table 0)."""
    b = bytearray(b)
    tables = []
    for sid, _, j, _ in sections(b):
        if sid == 4:
            n, k = leb(b, j)
            for _ in range(n):
                tables.append(b[k])
                k = skip_limits(b, k + 1)
    externref = [i for i, t in enumerate(tables) if t == 0x6F]
    for sid, _, j, _ in sections(b):
        if sid != 7:
            continue
        n, k = leb(b, j)
        for _ in range(n):
            ln, k = leb(b, k)
            name = bytes(b[k:k + ln])
            k += ln
            kind = b[k]
            k += 1
            start = k
            _, k = leb(b, k)
            if kind == 1 and name == b"__wbindgen_externrefs":
                if len(externref) != 1:
                    fail("expected one externref table, found %d" % len(externref))
                width = k - start
                enc = bytearray()
                v = externref[0]
                for w in range(width):
                    enc.append((v & 0x7F) | (0x80 if w < width - 1 else 0))
                    v >>= 7
                b[start:k] = enc
    return bytes(b)


def run(*cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        fail("%s failed:\n%s%s" % (" ".join(cmd[:2]), r.stdout[-2000:], r.stderr[-2000:]))
    return r


def strip_hash(name):
    return re.sub(r"::h[0-9a-f]{16}$", "", name)


def sri(data):
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def defined_functions(b):
    """The number of functions the module defines (its code section's count)."""
    for sid, _, j, _ in sections(b):
        if sid == 10:
            return leb(b, j)[0]
    return 0


def instrument(src, dst):
    """scripts/start-profile: `src` instrumented to record the functions it runs (wasm-split
    --instrument; `__write_profile(ptr, len)` writes the profile into memory)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "inst.wasm")
        run(WASM_SPLIT, src, *FEATURES, "--instrument", "-o", out)
        open(dst, "wb").write(fix_table_exports(open(out, "rb").read()))


def profile_names(src, profiles, dst):
    """scripts/start-profile: the names of the functions of `src` that any of `profiles` saw run,
    one per line into `dst`."""
    module = open(src, "rb").read()
    names = function_names(module)
    n_imported = imported_functions(module)
    n = defined_functions(module)
    ran = set()
    for profile in profiles:
        data = open(profile, "rb").read()
        if len(data) != 8 + 4 * n:
            fail("the profile has %d bytes; %d functions need %d" % (len(data), n, 8 + 4 * n))
        stamps = [int.from_bytes(data[8 + 4 * k:12 + 4 * k], "little") for k in range(n)]
        ran |= {names.get(n_imported + k, "") for k in range(n) if stamps[k]}
    ran = sorted(ran - {""})
    with open(dst, "w", encoding="utf-8") as f:
        f.write("# The functions the page runs when it opens on its first lab (recorded by\n")
        f.write("# scripts/start-profile; scripts/split_hook.py keeps them in the start module).\n")
        f.write("".join(name + "\n" for name in ran))
    print("%d of %d functions ran; written to %s" % (len(ran), n, dst))


def split():
    if not os.path.exists(WASM_SPLIT):
        fail("no wasm-split at %s (scripts/setup installs it; or set WASM_SPLIT)" % WASM_SPLIT)
    wasm_names = [f for f in os.listdir(root) if re.match(r"energy-playground-[0-9a-f]+_bg\.wasm$", f)]
    js_names = [f for f in os.listdir(root) if re.match(r"energy-playground-[0-9a-f]+\.js$", f)]
    if len(wasm_names) != 1 or len(js_names) != 1:
        fail("expected one energy-playground-<hash>_bg.wasm and .js in %s" % root)
    wasm_path = os.path.join(root, wasm_names[0])
    js_path = os.path.join(root, js_names[0])
    module = open(wasm_path, "rb").read()
    names = function_names(module)
    if not names:
        fail("the .wasm has no function names (index.html must pass -g to wasm-opt)")
    listed = {
        line.rstrip("\n") for line in open(KEEP_LIST, encoding="utf-8") if line.strip() and not line.startswith("#")
    }
    n_imported = imported_functions(module)
    defined = range(n_imported, n_imported + defined_functions(module))
    # A listed name that is still in the module keeps exactly that function; one that is not
    # (the code changed since the list was recorded) keeps every function of the same name
    # without its hash (the generic instances of a function share it).
    # The few functions without a name (wasm-bindgen's own) stay in the start module.
    present = {names[i] for i in defined if i in names}
    stale = {strip_hash(n) for n in listed - present}
    keep = [
        i for i in defined
        if i not in names or names[i] in listed or strip_hash(names[i]) in stale
    ]
    with tempfile.TemporaryDirectory() as tmp:
        # Plain names (f<index>) so that wasm-split finds each one whatever characters the real
        # name holds.
        src = os.path.join(tmp, "in.wasm")
        open(src, "wb").write(without_names(module, {i: "f%d" % i for i in range(defined.stop)}))
        keep_file = os.path.join(tmp, "keep.txt")
        open(keep_file, "w").write("".join("f%d\n" % i for i in keep))
        start, rest = os.path.join(tmp, "start.wasm"), os.path.join(tmp, "rest.wasm")
        run(WASM_SPLIT, src, *FEATURES, "--keep-funcs=@" + keep_file, "-o1", start, "-o2", rest,
            "--export-prefix=%", "--import-namespace=primary", "--placeholder-namespace=placeholder",
            "--symbolmap")

        def named(path):
            """SPLIT_NAMES=1 (for profiling the page): the functions' real names back."""
            if os.environ.get("SPLIT_NAMES") != "1":
                return None
            out = {}
            for line in open(path + ".symbols", encoding="utf-8"):
                idx, name = line.rstrip("\n").split(":", 1)
                orig = int(name[1:]) if re.fullmatch(r"f\d+", name) else None
                out[int(idx)] = names.get(orig, name)
            return out

        start_bytes = fix_table_exports(without_names(open(start, "rb").read(), named(start)))
        rest_bytes = without_names(open(rest, "rb").read(), named(rest))
        for part, data in (("start", start_bytes), ("rest", rest_bytes)):
            p = os.path.join(tmp, part + ".out.wasm")
            open(p, "wb").write(data)
            run("wasm-opt", p, *FEATURES, "-o", os.devnull)  # validates

    rest_name = wasm_names[0].replace("_bg.wasm", "") + "-" + hashlib.sha256(rest_bytes).hexdigest()[:16] + "_rest.wasm"
    open(wasm_path, "wb").write(start_bytes)
    open(os.path.join(root, rest_name), "wb").write(rest_bytes)

    # The loader, in wasm-bindgen's JS (where `wasm`, the start module's exports, lives).
    js = open(js_path, encoding="utf-8").read()

    def patch(old, new):
        nonlocal js
        if js.count(old) != 1:
            fail("wasm-bindgen's JS changed: %r is not there exactly once" % old)
        js = js.replace(old, new)

    patch('"./energy-playground_bg.js": import0,', '"./energy-playground_bg.js": import0,\n        placeholder: __restPlaceholders,')
    patch(
        "    const { instance, module } = await __wbg_load(await module_or_path, imports);\n\n    return __wbg_finalize_init(instance, module);",
        "    const { instance, module } = await __wbg_load(await module_or_path, imports);\n\n    await __restBeforeStart();\n    const exports = __wbg_finalize_init(instance, module);\n    __restAfterStart();\n    return exports;",
    )
    loader = open(os.path.join(here, "split_loader.js"), encoding="utf-8").read()
    js += "\n" + loader.replace("__REST_FILE__", rest_name).replace("__FIRST_LAB__", FIRST_LAB)
    open(js_path, "w", encoding="utf-8").write(js)

    # index.html: the new files' integrity, and the rest module preloaded beside the start module.
    html_path = os.path.join(root, "index.html")
    html = open(html_path, encoding="utf-8").read()
    for name, data in ((wasm_names[0], start_bytes), (js_names[0], js.encode("utf-8"))):
        pattern = r'(href="\./%s"[^>]*integrity=")[^"]*(")' % re.escape(name)
        html, n = re.subn(pattern, lambda m: m.group(1) + sri(data) + m.group(2), html)
        if n != 1:
            fail("no integrity attribute for %s in index.html" % name)
    # (as the data files: Chromium ignores integrity on a fetch preload, and a fetch with an
    # integrity the preload lacks would not reuse it)
    preload = '<link rel="preload" href="./%s" crossorigin as="fetch" type="application/wasm">' % rest_name
    html = html.replace("</head>", "  " + preload + "\n</head>", 1)
    open(html_path, "w", encoding="utf-8").write(html)
    print(
        "split_hook: %d of %d functions in the start module: %s (%d bytes), rest %s (%d bytes)"
        % (len(keep), len(defined), wasm_names[0], len(start_bytes), rest_name, len(rest_bytes))
    )


if __name__ == "__main__":
    if len(sys.argv) == 3:
        instrument(sys.argv[1], sys.argv[2])
    elif len(sys.argv) >= 4:
        profile_names(sys.argv[1], sys.argv[2:-1], sys.argv[-1])
    elif os.environ.get("TRUNK_PROFILE", "release") == "release" and os.environ.get("SPLIT") != "0":
        split()
