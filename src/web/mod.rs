//! The browser shell (wasm only): DOM wiring, canvases, plots and the animation loop.
//! It holds no model math; everything it animates comes from `crate::core`.
//!
//! These docs are for the page's developers (`cargo doc --target wasm32-unknown-unknown
//! --document-private-items`): a module's overview links to the private modules it is made of.
#![allow(rustdoc::private_intra_doc_links)]

pub mod about;
pub mod api;
pub mod app;
pub mod bench;
pub mod boltzmann;
pub mod canvas;
pub mod dom;
pub mod energy;
pub mod grid;
pub mod hopfield;
pub mod ising;
pub mod lecture;
pub mod offline;
pub mod picture;
pub mod plane;
pub mod plot;
pub mod rbm;
pub mod record;
pub mod sampling;
pub mod settings;
pub mod status;
pub mod storage;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::Element;

/// Entry point: installs the panic hook and mounts the app into `#app` if the page has one
/// (the browser-test page has none; tests call [`mount`] themselves). A page built without
/// its data files (the release page: [`crate::core::data`]) fetches them first, while the
/// loading frame stays up; index.html preloads them beside the wasm.
#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    install_panic_hook();
    let doc = dom::document()?;
    let Some(root) = doc.get_element_by_id("app") else {
        return Ok(());
    };
    if crate::core::data::embedded() {
        return open(&root);
    }
    wasm_bindgen_futures::spawn_local(async move {
        let opened = match fetch_data().await {
            Ok(()) => open(&root).map_err(|e| dom::describe(&e)),
            Err(e) => Err(e),
        };
        if let Err(e) = opened {
            web_sys::console::error_1(&JsValue::from_str(&e));
            boot_failed(&root, &e);
        }
    });
    Ok(())
}

/// Says in the loading frame (index.html) why the page could not start.
fn boot_failed(root: &Element, why: &str) {
    let text = format!(
        "Energy Playground could not start: {why}. Reload the page; if this persists, the \
         copy of the page on this server is incomplete."
    );
    // the loading frame, or (if the labs had begun to mount) the whole root
    let frame = root
        .query_selector("main.boot")
        .ok()
        .flatten()
        .unwrap_or_else(|| root.clone());
    frame.set_text_content(None);
    match dom::el(&frame, "p", "status error") {
        Ok(p) => {
            let _ = p.set_attribute("role", "alert");
            p.set_text_content(Some(&text));
        }
        Err(_) => frame.set_text_content(Some(&text)),
    }
}

/// The page's loading frame (index.html) gives way to the labs.
fn open(root: &Element) -> Result<(), JsValue> {
    root.set_text_content(None);
    mount(root)?;
    offline::register();
    Ok(())
}

/// Fetches the data files (all at once) and hands them to the core. Each comes from the href
/// of its preload link in index.html (`data-file` names it; the release build gives the file
/// a hashed name there), else from `data/<name>` beside the page.
async fn fetch_data() -> Result<(), String> {
    use crate::core::data::FILES;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let doc = dom::document().map_err(|e| dom::describe(&e))?;
    let url = |name: &str| {
        doc.query_selector(&format!("link[rel=preload][data-file=\"{name}\"]"))
            .ok()
            .flatten()
            .and_then(|l| l.get_attribute("href"))
            .unwrap_or_else(|| format!("data/{name}"))
    };
    let pending = FILES.map(|name| {
        let url = url(name);
        let request = window.fetch_with_str(&url);
        (name, url, request)
    });
    // (all four requests are on their way before the first is awaited)
    for (name, url, request) in pending {
        let failed = |e: JsValue| format!("could not load {url} ({})", dom::describe(&e));
        let response: web_sys::Response = JsFuture::from(request)
            .await
            .map_err(failed)?
            .dyn_into()
            .map_err(failed)?;
        if !response.ok() {
            return Err(format!("could not load {url} (HTTP {})", response.status()));
        }
        let buffer = JsFuture::from(response.array_buffer().map_err(failed)?)
            .await
            .map_err(failed)?;
        crate::core::data::provide(name, js_sys::Uint8Array::new(&buffer).to_vec())?;
    }
    Ok(())
}

/// Panics are logged to the console and shown in the status line.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        status::show(
            status::Level::Error,
            &format!("internal error — please reload: {info}"),
        );
    }));
}

/// Builds the whole page inside `root`.
pub fn mount(root: &Element) -> Result<(), JsValue> {
    let seed = app::fresh_seed();
    // The energy trained in the "Train an energy" lab, offered as a Sampling lab target.
    let learned: crate::core::ebm::LearnedSlot = Rc::new(RefCell::new(None));
    let sampling_learned = learned.clone();
    let labs = vec![
        app::LabSlot::new(
            hopfield::HopfieldLab::ID,
            hopfield::HopfieldLab::TITLE,
            move || hopfield::HopfieldLab::new(seed),
        ),
        app::LabSlot::new(
            boltzmann::BoltzmannLab::ID,
            boltzmann::BoltzmannLab::TITLE,
            move || boltzmann::BoltzmannLab::new(seed),
        ),
        app::LabSlot::new(rbm::RbmLab::ID, rbm::RbmLab::TITLE, move || {
            rbm::RbmLab::new(seed)
        }),
        app::LabSlot::new(
            sampling::SamplingLab::ID,
            sampling::SamplingLab::TITLE,
            move || sampling::SamplingLab::new(seed, sampling_learned),
        ),
        app::LabSlot::new(energy::EnergyLab::ID, energy::EnergyLab::TITLE, move || {
            energy::EnergyLab::new(seed, learned)
        }),
        app::LabSlot::new(ising::IsingLab::ID, ising::IsingLab::TITLE, move || {
            ising::IsingLab::new(seed)
        }),
        app::LabSlot::new(
            bench::BenchLab::ID,
            bench::BenchLab::TITLE,
            bench::BenchLab::new,
        ),
    ];
    app::mount(root, labs)?;
    api::install()?;
    Ok(())
}
