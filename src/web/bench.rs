//! The Speed tab: runs every benchmark workload in WebAssembly and, where one exists, in the
//! plain-JS version of the same algorithm, and shows median times and ratios. `scripts/bench`
//! drives it in headless Chromium and sets the native timings beside it.
//!
//! The workloads are a module of their own (`src/bench/`, the crate `energy-bench`), run in a
//! Web Worker: the page downloads them only when they first run, and stays responsive while
//! they run (a row every few seconds, with progress).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlButtonElement, HtmlElement, HtmlProgressElement, MessageEvent, Worker};

use super::app::{lab_names, Lab};
use super::{dom, status};
use crate::core::params::Params;

/// The worker's script (`www/bench-worker.js`, copied next to the page by Trunk): it loads the
/// benchmark module and posts `{kind: "error"}` if that fails. A release build gives it a
/// content-hashed name (`scripts/hash_hook.py`), written in `<meta name="bench-worker">`.
fn worker_script() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name=bench-worker]").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .unwrap_or_else(|| "bench-worker.js".to_string())
}

thread_local! {
    static SPEED: RefCell<Option<Rc<RefCell<BenchLab>>>> = const { RefCell::new(None) };
}

/// A run asked for by `runBenchmarks`: settled with the JSON of every row, or an error.
struct Waiter {
    resolve: js_sys::Function,
    reject: js_sys::Function,
}

/// The Speed tab.
pub struct BenchLab {
    panel: HtmlElement,
    table: HtmlElement,
    button: HtmlButtonElement,
    progress: HtmlProgressElement,
    note: HtmlElement,
    worker: Option<Worker>,
    /// The worker has loaded its module and listens.
    ready: bool,
    /// `only` of a run asked for before the worker was ready.
    queued: Option<String>,
    running: bool,
    /// The `runBenchmarks` promise of the run going on, if a script asked for it.
    waiter: Option<Waiter>,
}

impl BenchLab {
    /// Builds the tab.
    pub fn new() -> Result<Rc<RefCell<Self>>, JsValue> {
        let doc = dom::document()?;
        let panel: HtmlElement = doc.create_element("section")?.dyn_into()?;
        panel.set_class_name("lab hidden");
        dom::text(&panel, "h2", "", "Speed: WebAssembly vs plain JavaScript")?;
        dom::text(
            &panel,
            "p",
            "muted",
            "Each workload runs the same algorithm in WebAssembly and in a plain-JS version, in \
             a background worker (the page stays usable); times are medians of repeated runs in \
             this browser. `scripts/bench` adds native Rust timings beside them.",
        )?;
        let controls = dom::el(&panel, "div", "controls")?;
        let button = dom::button(
            &controls,
            "Run benchmarks",
            "Times every workload in a background worker (about a minute)",
            move || {
                if let Some(lab) = SPEED.with(|s| s.borrow().clone()) {
                    start(&lab, String::new(), None);
                }
            },
        )?;
        let progress: HtmlProgressElement =
            dom::el(&controls, "progress", "bench-progress hidden")?.dyn_into()?;
        progress.set_attribute("aria-label", "benchmark progress")?;
        let note = dom::el(&controls, "span", "bench-note muted")?;
        note.set_attribute("role", "status")?;
        let table = dom::el(&panel, "table", "bench")?;
        let lab = Rc::new(RefCell::new(Self {
            panel,
            table,
            button,
            progress,
            note,
            worker: None,
            ready: false,
            queued: None,
            running: false,
            waiter: None,
        }));
        SPEED.with(|s| *s.borrow_mut() = Some(lab.clone()));
        Ok(lab)
    }

    fn clear_table(&self) -> Result<(), JsValue> {
        self.table.set_text_content(None);
        self.table.remove_attribute("data-results")?;
        let head = dom::el(&self.table, "tr", "")?;
        for h in ["workload", "wasm ms", "JS ms", "JS / wasm"] {
            dom::text(&head, "th", "", h)?;
        }
        Ok(())
    }

    /// One row from the worker: the medians in ms (`js` where a plain-JS version exists).
    fn add_row(&self, name: &str, what: &str, wasm: f64, js: Option<f64>) -> Result<(), JsValue> {
        let tr = dom::el(&self.table, "tr", "")?;
        // Rows are named by what they do, as a reader says it (the JSON keeps the ids).
        let cell = dom::text(&tr, "td", "", if what.is_empty() { name } else { what })?;
        cell.set_attribute("data-id", name)?;
        dom::text(&tr, "td", "num", &format!("{wasm:.3}"))?;
        let dash = || "—".to_string();
        dom::text(
            &tr,
            "td",
            "num",
            &js.map_or_else(dash, |j| format!("{j:.3}")),
        )?;
        dom::text(
            &tr,
            "td",
            "num",
            &js.map_or_else(dash, |j| format!("{:.1}×", j / wasm)),
        )?;
        Ok(())
    }

    fn set_running(&mut self, on: bool) {
        self.running = on;
        self.button.set_disabled(on);
        let _ = self.progress.class_list().toggle_with_force("hidden", !on);
    }

    /// The run ended (`Ok(json)`) or the worker failed (`Err(message)`).
    fn finish(&mut self, outcome: Result<String, String>) {
        self.set_running(false);
        match &outcome {
            Ok(json) => {
                let _ = self.table.set_attribute("data-results", json);
                self.note.set_text_content(Some("done"));
                status::info("benchmarks done");
            }
            Err(msg) => {
                self.note.set_text_content(Some(msg));
                status::warn(msg);
                // a worker that failed is started afresh next time
                if let Some(w) = self.worker.take() {
                    w.terminate();
                }
                self.ready = false;
                self.queued = None;
            }
        }
        if let Some(w) = self.waiter.take() {
            let _ = match &outcome {
                Ok(json) => w.resolve.call1(&JsValue::NULL, &JsValue::from_str(json)),
                Err(msg) => w
                    .reject
                    .call1(&JsValue::NULL, &js_sys::Error::new(msg).into()),
            };
        }
    }

    fn on_message(&mut self, data: &JsValue) -> Result<(), JsValue> {
        let get = |k: &str| js_sys::Reflect::get(data, &JsValue::from_str(k)).unwrap_or_default();
        let text = |k: &str| get(k).as_string().unwrap_or_default();
        let num = |k: &str| get(k).as_f64().unwrap_or(0.0);
        match text("kind").as_str() {
            "ready" => {
                self.ready = true;
                if let (Some(only), Some(w)) = (self.queued.take(), self.worker.as_ref()) {
                    w.post_message(&JsValue::from_str(&only))?;
                }
            }
            "start" => {
                let (i, total) = (num("index"), num("total"));
                self.progress.set_max(total.max(1.0));
                self.progress.set_value(i);
                let what = text("what");
                self.note.set_text_content(Some(&format!(
                    "{} of {}: {}",
                    i + 1.0,
                    total,
                    if what.is_empty() { text("name") } else { what }
                )));
                status::info(&format!("running benchmarks… {} of {}", i + 1.0, total));
            }
            "row" => {
                self.progress.set_value(num("index") + 1.0);
                let wasm = get("wasm_ms").as_f64().unwrap_or(f64::NAN);
                self.add_row(&text("name"), &text("what"), wasm, get("js_ms").as_f64())?;
            }
            "done" => self.finish(Ok(text("json"))),
            "error" => self.finish(Err(text("message"))),
            _ => {}
        }
        Ok(())
    }
}

/// Starts a run of the workloads selected by `only` in the worker (starting the worker the
/// first time); `waiter` is settled when it ends. A run asked for while one is going is
/// refused (the waiter rejected), so two runs never share the machine.
fn start(lab: &Rc<RefCell<BenchLab>>, only: String, waiter: Option<Waiter>) {
    let mut l = lab.borrow_mut();
    if l.running {
        let msg = "benchmarks are already running: wait for this run to finish";
        status::warn(msg);
        if let Some(w) = waiter {
            let _ = w
                .reject
                .call1(&JsValue::NULL, &js_sys::Error::new(msg).into());
        }
        return;
    }
    l.waiter = waiter;
    if let Err(e) = l.clear_table() {
        web_sys::console::warn_1(&e);
    }
    l.set_running(true);
    l.progress.remove_attribute("value").ok();
    l.note
        .set_text_content(Some("loading the benchmark module…"));
    status::info("running benchmarks in a background worker…");
    if l.worker.is_none() {
        match spawn(lab) {
            Ok(w) => l.worker = Some(w),
            Err(e) => {
                let msg = format!(
                    "could not start the benchmark worker: {}",
                    dom::describe(&e)
                );
                l.finish(Err(msg));
                return;
            }
        }
    }
    if l.ready {
        if let Some(w) = l.worker.as_ref() {
            if let Err(e) = w.post_message(&JsValue::from_str(&only)) {
                l.finish(Err(format!("could not reach the benchmark worker: {e:?}")));
            }
        }
    } else {
        l.queued = Some(only);
    }
}

fn spawn(lab: &Rc<RefCell<BenchLab>>) -> Result<Worker, JsValue> {
    let script = worker_script();
    let worker = Worker::new(&script)?;
    let l2 = Rc::downgrade(lab);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if let Some(lab) = l2.upgrade() {
            let r = lab.borrow_mut().on_message(&e.data());
            if let Err(err) = r {
                lab.borrow_mut()
                    .finish(Err(format!("could not show a benchmark row: {err:?}")));
            }
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let l3 = Rc::downgrade(lab);
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        // an ErrorEvent carries the message; a failed load of the script carries none
        let detail = js_sys::Reflect::get(&e, &JsValue::from_str("message"))
            .ok()
            .and_then(|m| m.as_string())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| format!("{script} could not be loaded"));
        e.prevent_default();
        if let Some(lab) = l3.upgrade() {
            lab.borrow_mut()
                .finish(Err(format!("the benchmark worker failed: {detail}")));
        }
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    Ok(worker)
}

/// Runs the workloads whose names contain one of the comma-separated words of `only` (every
/// workload if empty) in the Speed tab's worker; the promise resolves with the JSON
/// `{name: {wasm_ms, js_ms?, wasm_checksum, js_checksum?}}` (used by `scripts/bench`).
pub fn run_benchmarks(only: String) -> js_sys::Promise {
    // The tab is built when first opened; a script may run it before.
    super::app::with_app(|a| a.build_id(BenchLab::ID));
    js_sys::Promise::new(
        &mut |resolve, reject| match SPEED.with(|s| s.borrow().clone()) {
            Some(lab) => start(&lab, only.clone(), Some(Waiter { resolve, reject })),
            None => {
                let _ = reject.call1(
                    &JsValue::NULL,
                    &js_sys::Error::new("the Speed tab is not in this page").into(),
                );
            }
        },
    )
}

lab_names!(BenchLab, "speed", "Speed");

impl Lab for BenchLab {
    lab_names!();
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
