//! Offline after one visit: registers the service worker `sw.js`, which sits next to
//! `index.html` (Trunk copies it from `www/sw.js`; `scripts/offline_hook.py` writes the build's
//! file list and version into it). Registered by a relative URL, so its scope is the page's
//! folder on any host and under any sub-path. Registration needs no inline script, so the
//! Content-Security-Policy stays as strict as before.

use wasm_bindgen::prelude::*;

use super::status;

/// Registers the service worker where the browser offers one (secure contexts over http(s));
/// elsewhere (a `file:` page, plain http on a LAN address) the page simply stays online-only.
pub fn register() {
    let Some(w) = web_sys::window() else { return };
    let nav = w.navigator();
    if !js_sys::Reflect::has(&nav, &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    let protocol = w.location().protocol().unwrap_or_default();
    if protocol != "http:" && protocol != "https:" {
        return;
    }
    let failed = Closure::<dyn FnMut(JsValue)>::new(|e: JsValue| {
        let why = js_sys::Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_default();
        status::warn(&format!("offline copy not available: {why}"));
    });
    let _ = nav.service_worker().register("sw.js").catch(&failed);
    // Called at most once, after this function returns.
    failed.forget();
}
