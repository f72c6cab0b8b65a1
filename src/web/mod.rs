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
/// (the browser-test page has none; tests call [`mount`] themselves).
#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    install_panic_hook();
    let doc = dom::document()?;
    if let Some(root) = doc.get_element_by_id("app") {
        // The page's loading frame (index.html) gives way to the labs.
        root.set_text_content(None);
        mount(&root)?;
        offline::register();
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
    let labs: Vec<Rc<RefCell<dyn app::Lab>>> = vec![
        hopfield::HopfieldLab::new(seed)?,
        boltzmann::BoltzmannLab::new(seed)?,
        rbm::RbmLab::new(seed)?,
        sampling::SamplingLab::new(seed, learned.clone())?,
        energy::EnergyLab::new(seed, learned)?,
        ising::IsingLab::new(seed)?,
        bench::BenchLab::new()?,
    ];
    app::mount(root, labs)?;
    api::install()?;
    Ok(())
}
