// The Speed tab's worker: loads the plain-JS versions of the workloads (bench.js, a classic
// script: its functions become globals) and the benchmark module (energy-bench, built by Trunk
// next to the page), and reports a module that could not be fetched or compiled back to the
// page, which would otherwise wait forever. The module's start function installs the message
// handler.
// scripts/hash_hook.py gives these files hashed names in the build and writes them in here.
try {
  importScripts('./bench.js', './energy-bench.js');
  wasm_bindgen('./energy-bench_bg.wasm').catch((e) => {
    postMessage({ kind: 'error', message: 'the benchmark module could not load: ' + String(e && e.message || e) });
  });
} catch (e) {
  postMessage({ kind: 'error', message: 'the benchmark worker could not load its scripts: ' + String(e && e.message || e) });
}
