//! What the RBM lab's scene tests share: applying a lecture scene as the menu does, the
//! shell's Step, and the read-outs a scene shows first.
#![allow(dead_code)]

use energy_playground::web;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use super::support::{self, current_hash, el, frames, status};

/// The shell's Step (the `n` key).
pub fn step() {
    web::app::with_app(|a| a.step()).expect("app mounted");
}

/// The canvas with id `id`.
pub fn canvas(id: &str) -> HtmlCanvasElement {
    el(id).dyn_into().expect("canvas")
}

/// Applies the lecture scene titled `title`, as the scene menu does, and checks it applied
/// without a refused setting.
pub async fn scene(title: &str) {
    if support::doc().get_element_by_id("app").is_none() {
        support::mounted();
        frames().await;
    }
    let i = web::lecture::SCENES
        .iter()
        .position(|s| s.title == title)
        .unwrap_or_else(|| panic!("no scene {title:?}"));
    web::app::with_app(|a| a.choose_scene(i)).expect("app");
    frames().await;
    let (msg, class) = status();
    assert!(class.contains("info") && msg.starts_with("Scene "), "{msg}");
}

pub const CD1: &str = "Restricted Boltzmann machine: CD-1 on digits";
pub const COMPLETE: &str = "Conditioned sampling: complete a digit";
pub const LABELS: &str = "Label units: classification and conditional generation";
pub const DBN: &str = "Deep belief net: stacked RBMs";
pub const GAUSS: &str = "Continuous visible units (exponential family)";

/// What the current view shows first: the link, the side panel's read-out and the view's own
/// read-outs (text and every `data-*` number).
pub fn first_frame() -> Vec<String> {
    let view = el("lab-rbm").get_attribute("data-view").unwrap_or_default();
    let ids: &[&str] = match view.as_str() {
        "complete" => &["rbm-complete-readout"],
        "labels" => &["rbm-class", "rbm-accuracy", "rbm-cond-readout"],
        "dbn" => &["rbm-dbn-readout"],
        "gauss" => &["rbm-gauss-readout"],
        _ => &[],
    };
    let mut out = vec![current_hash()];
    for id in ["rbm-train-readout"].iter().chain(ids) {
        let e = el(id);
        out.push(e.text_content().unwrap_or_default());
        let names = e.get_attribute_names();
        for i in 0..names.length() {
            let name = names.get(i).as_string().unwrap_or_default();
            if name.starts_with("data-") {
                out.push(format!(
                    "{name}={}",
                    e.get_attribute(&name).unwrap_or_default()
                ));
            }
        }
    }
    out
}
