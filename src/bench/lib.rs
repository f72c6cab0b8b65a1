//! The Speed tab's workloads as a WebAssembly module of their own (the crate `energy-bench`),
//! run in a Web Worker: the page downloads it only when the tab runs it, and the page stays
//! responsive (and shows progress) while the workloads run.
//!
//! Each workload ([`energy_core::bench::workloads`]) is timed here and, where one exists, the
//! plain-JS version of the same algorithm (`www/bench.js`, loaded into the worker beside this
//! module). The worker answers a message holding `only` (comma-separated words, as
//! `scripts/bench`'s `ONLY=`) with one message per workload — `{kind: "start", index, total,
//! name, what}` before it and `{kind: "row", index, total, name, what, wasm_ms, js_ms?}` after
//! it — and a last `{kind: "done", json}` with every row (the JSON of `runAll`); a selection
//! that matches no workload gets `{kind: "error", message}`. The same module on a page's main
//! thread (no worker scope) does nothing at start; `runAll` then runs every row
//! there (`tests/e2e/profile.mjs` does that, under the CPU profiler).

#![cfg(target_arch = "wasm32")]

use energy_core::bench::{energy_inputs, measure, recall_inputs, selected, workloads, Workload};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

// The plain-JS versions (`www/bench.js`, a classic script: its functions are globals of the
// worker, or of the page that loaded it).
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = jsEnergy)]
    fn js_energy(w: &js_sys::Float32Array, y: &js_sys::Int8Array, n: usize) -> f64;
    #[wasm_bindgen(js_name = jsRecall)]
    fn js_recall(
        w: &js_sys::Float32Array,
        y: &js_sys::Int8Array,
        h: &js_sys::Float32Array,
        n: usize,
    ) -> f64;
    fn now() -> f64;
    #[wasm_bindgen(js_name = jsSamplerSteps)]
    fn js_sampler_steps(kind: &str, n_steps: usize, seed: f64) -> f64;
    #[wasm_bindgen(js_name = jsPopulation)]
    fn js_population(kind: &str, n_iter: usize, seed: f64) -> f64;
}

const SEED: u64 = 20_261_126;

/// The rows whose plain-JS version is a sampler in `www/bench.js`: (row, a population sampler?,
/// its name there, steps or iterations).
const JS_SAMPLERS: [(&str, bool, &str, usize); 7] = [
    ("rwmh_banana_10k", false, "rwmh", 10_000),
    ("mala_banana_10k", false, "mala", 10_000),
    ("hmc_banana_1k", false, "hmc", 1_000),
    ("adaptive_mh_banana_10k", false, "adaptive_mh", 10_000),
    ("de_mcmc_z_banana_3x3k", true, "de_mcmc_z", 3_000),
    ("svgd_banana_100x200", true, "svgd", 200),
    ("nested_banana_100live_1k", true, "nested", 1_000),
];

fn time_median(mut run: impl FnMut() -> f64, budget_ms: f64) -> (f64, f64) {
    measure(&mut now, &mut run, budget_ms)
}

/// One workload's timings (medians, ms) and its member of the results' JSON object:
/// `"name": {wasm_ms, wasm_checksum, js_ms?, js_checksum? | js_checksum_own_rng?}`.
struct Row {
    wasm_ms: f64,
    js_ms: Option<f64>,
    member: String,
}

/// Times one workload in wasm and, where one exists, in plain JS.
fn run_row(w: &Workload) -> Row {
    let (wasm_ms, wasm_check) = time_median((w.prepare)(SEED), 1500.0);
    let js_sampler = JS_SAMPLERS.iter().find(|r| r.0 == w.name);
    let js = match w.name {
        "hopfield_energy_n1024" => {
            let (net, y) = energy_inputs(SEED);
            let wj = js_sys::Float32Array::from(net.weights());
            let yj = js_sys::Int8Array::from(y.as_slice());
            let n = net.n();
            Some(time_median(|| js_energy(&wj, &yj, n), 1500.0))
        }
        "hopfield_recall_64x64" => {
            let (net, state) = recall_inputs(SEED);
            let wj = js_sys::Float32Array::from(net.weights());
            let yj = js_sys::Int8Array::from(state.y());
            let h32: Vec<f32> = state.fields().iter().map(|&h| h as f32).collect();
            let hj = js_sys::Float32Array::from(h32.as_slice());
            let n = net.n();
            Some(time_median(|| js_recall(&wj, &yj, &hj, n), 3000.0))
        }
        _ => js_sampler.map(|&(_, population, algo, n)| {
            let run = if population {
                js_population
            } else {
                js_sampler_steps
            };
            time_median(|| run(algo, n, SEED as f64), 1500.0)
        }),
    };
    // The samplers' JS versions draw from their own generator (64-bit xoshiro would need
    // BigInt in JS), so their checksums are not comparable with the Rust ones.
    let own_rng = js_sampler.is_some();
    let js_part = js
        .map(|(ms, c)| {
            let key = if own_rng {
                "js_checksum_own_rng"
            } else {
                "js_checksum"
            };
            format!(", \"js_ms\": {ms:.6}, \"{key}\": {c}")
        })
        .unwrap_or_default();
    Row {
        wasm_ms,
        js_ms: js.map(|(ms, _)| ms),
        member: format!(
            "\"{}\": {{\"wasm_ms\": {wasm_ms:.6}, \"wasm_checksum\": {wasm_check}{js_part}}}",
            w.name
        ),
    }
}

/// The workloads whose names contain one of the comma-separated words of `only` (every
/// workload if `only` is empty).
fn choose(only: &str) -> Vec<Workload> {
    workloads()
        .into_iter()
        .filter(|w| selected(w.name, only))
        .collect()
}

/// Runs the `chosen` workloads, calling `each(index, total, workload, row)` before a row
/// (`row` None) and after it; returns JSON `{name: {wasm_ms, js_ms?, wasm_checksum,
/// js_checksum?}}`.
fn run_chosen(
    chosen: &[Workload],
    mut each: impl FnMut(usize, usize, &Workload, Option<&Row>),
) -> String {
    let mut rows = Vec::with_capacity(chosen.len());
    for (i, w) in chosen.iter().enumerate() {
        each(i, chosen.len(), w, None);
        let row = run_row(w);
        each(i, chosen.len(), w, Some(&row));
        rows.push(row.member);
    }
    format!("{{{}}}", rows.join(", "))
}

/// Every selected workload on this thread (as the worker runs them), no messages.
#[wasm_bindgen(js_name = runAll)]
pub fn run_all(only: &str) -> String {
    run_chosen(&choose(only), |_, _, _, _| {})
}

fn message(fields: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in fields {
        // setting a property of a fresh plain object cannot fail
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

/// In a dedicated worker (whose script, `www/bench-worker.js`, loaded the plain-JS versions
/// first): answers each message (the `only` string) with the rows, and says it is ready
/// (messages sent before the module finished loading would have found no listener).
#[wasm_bindgen(start)]
fn start() -> Result<(), JsValue> {
    // The RBM workload's digits, built into this module (energy-core is built without its
    // data files for the page, which fetches them; see energy_core::data).
    energy_core::data::provide(
        "digits8x8.bin",
        include_bytes!("../../www/data/digits8x8.bin").to_vec(),
    )?;
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return Ok(());
    };
    console_error_panic_hook::set_once();
    let post = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let only = e.data().as_string().unwrap_or_default();
        let chosen = choose(&only);
        if chosen.is_empty() {
            let _ = post.post_message(&message(&[
                ("kind", JsValue::from_str("error")),
                (
                    "message",
                    JsValue::from_str(&format!(
                        "no benchmark workload's name contains any of \"{}\"",
                        only.trim()
                    )),
                ),
            ]));
            return;
        }
        let json = run_chosen(&chosen, |i, total, w, row| {
            let mut fields = vec![
                (
                    "kind",
                    JsValue::from_str(if row.is_some() { "row" } else { "start" }),
                ),
                ("index", JsValue::from_f64(i as f64)),
                ("total", JsValue::from_f64(total as f64)),
                ("name", JsValue::from_str(w.name)),
                ("what", JsValue::from_str(w.what)),
            ];
            if let Some(r) = row {
                fields.push(("wasm_ms", JsValue::from_f64(r.wasm_ms)));
                if let Some(ms) = r.js_ms {
                    fields.push(("js_ms", JsValue::from_f64(ms)));
                }
            }
            let _ = post.post_message(&message(&fields));
        });
        let _ = post.post_message(&message(&[
            ("kind", JsValue::from_str("done")),
            ("json", JsValue::from_str(&json)),
        ]));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    scope.post_message(&message(&[("kind", JsValue::from_str("ready"))]))
}
