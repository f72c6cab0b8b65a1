//! The scripting API on `window.energyPlayground`, so a lecturer can drive the page from the
//! browser console:
//!
//! ```js
//! energyPlayground.labs()                 // ["hopfield", …]
//! energyPlayground.select("hopfield")     // switch tab
//! energyPlayground.set("#hopfield?n=32&mem=AHOU&cue=H&noise=0.3&seed=7")  // any shared link
//! energyPlayground.play(); energyPlayground.pause(); energyPlayground.step(10)
//! energyPlayground.reset(); energyPlayground.seed(42)  // replay with seed 42
//! energyPlayground.state()                // the current link state, e.g. "#hopfield?seed=42&…"
//! energyPlayground.runBenchmarks()        // a promise of the JSON of wasm vs plain-JS timings
//! ```

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::app::with_app;

fn method(
    obj: &js_sys::Object,
    name: &str,
    f: Closure<dyn FnMut(JsValue) -> JsValue>,
) -> Result<(), JsValue> {
    js_sys::Reflect::set(obj, &JsValue::from_str(name), f.as_ref().unchecked_ref())?;
    f.forget();
    Ok(())
}

/// Installs `window.energyPlayground`.
pub fn install() -> Result<(), JsValue> {
    let obj = js_sys::Object::new();
    method(
        &obj,
        "labs",
        Closure::new(|_: JsValue| {
            let ids = with_app(|a| a.lab_ids()).unwrap_or_default();
            ids.into_iter()
                .map(JsValue::from_str)
                .collect::<js_sys::Array>()
                .into()
        }),
    )?;
    method(
        &obj,
        "select",
        Closure::new(|id: JsValue| {
            let id = id.as_string().unwrap_or_default();
            JsValue::from_bool(with_app(|a| a.select_id(&id)).unwrap_or(false))
        }),
    )?;
    method(
        &obj,
        "set",
        Closure::new(|hash: JsValue| {
            let hash = hash.as_string().unwrap_or_default();
            with_app(|a| a.apply_hash(&hash));
            JsValue::UNDEFINED
        }),
    )?;
    method(
        &obj,
        "play",
        Closure::new(|_: JsValue| {
            with_app(|a| a.set_playing(true));
            JsValue::UNDEFINED
        }),
    )?;
    method(
        &obj,
        "pause",
        Closure::new(|_: JsValue| {
            with_app(|a| a.set_playing(false));
            JsValue::UNDEFINED
        }),
    )?;
    method(
        &obj,
        "step",
        Closure::new(|n: JsValue| {
            let n = n
                .as_f64()
                .filter(|n| n.is_finite())
                .unwrap_or(1.0)
                .clamp(1.0, 1e6) as usize;
            with_app(|a| (0..n).for_each(|_| a.step()));
            JsValue::UNDEFINED
        }),
    )?;
    method(
        &obj,
        "reset",
        Closure::new(|_: JsValue| {
            with_app(|a| a.reset());
            JsValue::UNDEFINED
        }),
    )?;
    method(
        &obj,
        "seed",
        Closure::new(|s: JsValue| {
            if let Some(v) = s
                .as_f64()
                .filter(|v| v.is_finite() && *v >= 0.0 && *v <= 9.0e15)
            {
                with_app(|a| a.set_seed(v as u64));
            }
            JsValue::from_f64(with_app(|a| a.seed()).unwrap_or(0) as f64)
        }),
    )?;
    method(
        &obj,
        "state",
        Closure::new(|_: JsValue| {
            JsValue::from_str(&with_app(|a| a.state_hash()).unwrap_or_default())
        }),
    )?;
    method(
        &obj,
        "runBenchmarks",
        Closure::new(|only: JsValue| {
            let promise = if only.is_undefined() || only.is_null() {
                super::bench::run_benchmarks(String::new())
            } else if let Some(only) = only.as_string() {
                super::bench::run_benchmarks(only)
            } else {
                // (a number or an object would otherwise run every workload, about a minute)
                js_sys::Promise::reject(
                    &js_sys::Error::new(
                        "runBenchmarks takes the rows to run as one string of comma-separated \
                         words (e.g. \"mala,nested\"), or nothing for all of them",
                    )
                    .into(),
                )
            };
            promise.into()
        }),
    )?;
    let w = web_sys::window().ok_or("no window")?;
    js_sys::Reflect::set(&w, &JsValue::from_str("energyPlayground"), &obj)?;
    Ok(())
}
