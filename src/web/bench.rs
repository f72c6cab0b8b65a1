//! The Speed tab: runs every benchmark workload in this page's wasm and, where one exists, the
//! plain-JS version of the same algorithm, and shows median times and ratios. `scripts/bench`
//! drives it in headless Chromium and sets the native timings beside it.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use super::app::{lab_names, Lab};
use super::{dom, status};
use crate::core::bench::{energy_inputs, measure, recall_inputs, selected, workloads};
use crate::core::params::Params;

#[wasm_bindgen(module = "/www/bench.js")]
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

/// The Speed tab.
pub struct BenchLab {
    panel: HtmlElement,
    table: HtmlElement,
}

fn time_median(mut run: impl FnMut() -> f64, budget_ms: f64) -> (f64, f64) {
    measure(&mut now, &mut run, budget_ms)
}

/// Runs every workload whose name contains one of the comma-separated words of `only` (every
/// workload if `only` is empty); returns JSON
/// `{name: {wasm_ms, js_ms?, wasm_checksum, js_checksum?}}`.
pub fn run_all(only: &str) -> String {
    let mut rows = Vec::new();
    for w in workloads().into_iter().filter(|w| selected(w.name, only)) {
        let (wasm_ms, wasm_check) = time_median((w.prepare)(SEED), 1500.0);
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
            "rwmh_banana_10k" => Some(time_median(
                || js_sampler_steps("rwmh", 10_000, SEED as f64),
                1500.0,
            )),
            "mala_banana_10k" => Some(time_median(
                || js_sampler_steps("mala", 10_000, SEED as f64),
                1500.0,
            )),
            "hmc_banana_1k" => Some(time_median(
                || js_sampler_steps("hmc", 1_000, SEED as f64),
                1500.0,
            )),
            "adaptive_mh_banana_10k" => Some(time_median(
                || js_sampler_steps("adaptive_mh", 10_000, SEED as f64),
                1500.0,
            )),
            "de_mcmc_z_banana_3x3k" => Some(time_median(
                || js_population("de_mcmc_z", 3_000, SEED as f64),
                1500.0,
            )),
            "svgd_banana_100x200" => Some(time_median(
                || js_population("svgd", 200, SEED as f64),
                1500.0,
            )),
            "nested_banana_100live_1k" => Some(time_median(
                || js_population("nested", 1_000, SEED as f64),
                1500.0,
            )),
            _ => None,
        };
        // The samplers' JS versions draw from their own generator (64-bit xoshiro would need
        // BigInt in JS), so their checksums are not comparable with the Rust ones.
        let own_rng = matches!(
            w.name,
            "rwmh_banana_10k"
                | "mala_banana_10k"
                | "hmc_banana_1k"
                | "adaptive_mh_banana_10k"
                | "de_mcmc_z_banana_3x3k"
                | "svgd_banana_100x200"
                | "nested_banana_100live_1k"
        );
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
        rows.push(format!(
            "\"{}\": {{\"wasm_ms\": {wasm_ms:.6}, \"wasm_checksum\": {wasm_check}{js_part}}}",
            w.name
        ));
    }
    format!("{{{}}}", rows.join(", "))
}

impl BenchLab {
    /// Builds the tab.
    pub fn new() -> Result<Rc<RefCell<Self>>, JsValue> {
        let doc = dom::document()?;
        let panel: HtmlElement = wasm_bindgen::JsCast::dyn_into(doc.create_element("section")?)?;
        panel.set_class_name("lab hidden");
        dom::text(&panel, "h2", "", "Speed: WebAssembly vs plain JavaScript")?;
        dom::text(
            &panel,
            "p",
            "muted",
            "Each workload runs the same algorithm in this page's WebAssembly and in a plain-JS \
             version; times are medians of repeated runs in this browser. `scripts/bench` adds \
             native Rust timings beside them.",
        )?;
        let controls = dom::el(&panel, "div", "controls")?;
        let table = dom::el(&panel, "table", "bench")?;
        let lab = Rc::new(RefCell::new(Self {
            panel,
            table: table.clone(),
        }));
        let l2 = lab.clone();
        dom::button(
            &controls,
            "Run benchmarks",
            "Times every workload (a few seconds)",
            move || {
                status::info("running benchmarks…");
                let json = run_all("");
                if let Err(e) = l2.borrow().show(&json) {
                    status::warn(&format!("could not show results: {e:?}"));
                }
                status::info("benchmarks done");
            },
        )?;
        Ok(lab)
    }

    fn show(&self, json: &str) -> Result<(), JsValue> {
        self.table.set_text_content(None);
        self.table.set_attribute("data-results", json)?;
        let head = dom::el(&self.table, "tr", "")?;
        for h in ["workload", "wasm ms", "JS ms", "JS / wasm"] {
            dom::text(&head, "th", "", h)?;
        }
        let v: serde_json::Value =
            serde_json::from_str(json).map_err(|e| JsValue::from_str(&e.to_string()))?;
        // Rows are named by what they do, as a reader says it (the JSON keeps the ids).
        let described = crate::core::bench::workloads();
        if let Some(obj) = v.as_object() {
            for (name, r) in obj {
                let tr = dom::el(&self.table, "tr", "")?;
                let wasm = r["wasm_ms"].as_f64().unwrap_or(f64::NAN);
                let js = r["js_ms"].as_f64();
                let what = described
                    .iter()
                    .find(|w| w.name == name.as_str())
                    .map_or(name.as_str(), |w| w.what);
                let cell = dom::text(&tr, "td", "", what)?;
                cell.set_attribute("data-id", name)?;
                dom::text(&tr, "td", "num", &format!("{wasm:.3}"))?;
                dom::text(
                    &tr,
                    "td",
                    "num",
                    &js.map(|j| format!("{j:.3}")).unwrap_or("—".into()),
                )?;
                dom::text(
                    &tr,
                    "td",
                    "num",
                    &js.map(|j| format!("{:.1}×", j / wasm))
                        .unwrap_or("—".into()),
                )?;
            }
        }
        Ok(())
    }
}

impl Lab for BenchLab {
    lab_names!("speed", "Speed");
    fn tick(&mut self, _speed: u32) -> bool {
        false
    }
    fn step(&mut self) {}
    fn reset(&mut self, _seed: u64) {}
    fn draw(&mut self) -> Result<(), JsValue> {
        Ok(())
    }
    fn save(&self, _p: &mut Params) {}
    fn load(&mut self, _p: &Params) -> Vec<String> {
        Vec::new()
    }
}
