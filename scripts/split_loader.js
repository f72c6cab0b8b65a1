// The rest module's loader, appended by scripts/split_hook.py to wasm-bindgen's JS for the page
// (which holds `wasm`, the start module's exports). The start module imports one placeholder
// per table slot that will hold a function of the rest module; the rest module's element
// segments write the real functions over them when it is instantiated.
const __restUrl = new URL('__REST_FILE__', import.meta.url);
let __restInstance;
let __restBytes;
let __restError;
// Fetched at once, beside the start module (index.html preloads it).
const __restFetch = fetch(__restUrl)
    .then((r) => {
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        return r.arrayBuffer();
    })
    .then((b) => { __restBytes = b; }, (e) => { __restError = e; });

function __restInstantiate(module, how) {
    if (__restInstance) return;
    __restInstance = new WebAssembly.Instance(module, { primary: wasm });
    document.documentElement.dataset.rest = how;
}

// Synchronously, when a placeholder runs before the rest module is in: from the fetched bytes,
// or (if they are not here yet) by a synchronous request.
function __restLoadNow() {
    if (__restInstance) return;
    let bytes = __restBytes;
    if (!bytes) {
        const x = new XMLHttpRequest();
        x.open('GET', __restUrl, false);
        x.overrideMimeType('text/plain; charset=x-user-defined');
        x.send();
        if (x.status !== 200) {
            // The call that needed it cannot go on: say so where the page says things.
            const msg = `could not load the rest of the page (${__restUrl.pathname.split('/').pop()}, HTTP ${x.status}): reload to try again`;
            // (the status line, or before the page has one, its loading frame)
            const status = document.getElementById('status');
            if (status) {
                status.textContent = msg;
                status.className = 'status error';
            } else {
                const boot = document.querySelector('#app main');
                if (boot) boot.textContent = msg;
            }
            throw new Error(msg);
        }
        const s = x.responseText;
        bytes = new Uint8Array(s.length);
        for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i) & 0xff;
    }
    __restInstantiate(new WebAssembly.Module(bytes), 'on demand');
}

// The start module calls its placeholders only through the table, so once the rest module is
// in (and has written its functions over them) no placeholder runs again.
const __restPlaceholders = new Proxy({}, {
    get(_, name) {
        const slot = Number(name);
        return function (...args) {
            if (__restInstance) {
                throw new Error(`the rest of the page has no function for table slot ${slot}`);
            }
            __restLoadNow();
            return wasm['%table'].get(slot)(...args);
        };
    },
});

// A link that opens another lab than the first needs the rest module to start: wait for it.
async function __restBeforeStart() {
    const lab = location.hash.replace(/^#\/?/, '').split('?')[0];
    if (lab !== '' && lab !== '__FIRST_LAB__') await __restFetch;
}

// Once the page has started: compile the rest module off the main thread and instantiate it.
function __restAfterStart() {
    __restFetch
        .then(() => __restBytes ? WebAssembly.compile(__restBytes) : Promise.reject(__restError))
        .then((m) => __restInstantiate(m, 'background'))
        .catch((e) => console.error(`the rest of the page could not be loaded (${e}); opening another lab will try again`));
}
