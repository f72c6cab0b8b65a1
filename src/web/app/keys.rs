//! Keyboard shortcuts and their help dialog.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

use super::App;
use crate::web::{dom, plot};

/// The help dialog listing the shortcuts (hidden until `?`).
pub(super) fn help(root: &Element) -> Result<HtmlElement, JsValue> {
    let help = dom::el(root, "div", "help hidden")?;
    help.set_attribute("role", "dialog")?;
    dom::text(&help, "h2", "", "Keyboard shortcuts")?;
    let list = dom::el(&help, "dl", "")?;
    for (k, v) in [
        ("Space", "play / pause"),
        ("n or →", "one step"),
        ("r", "reset (same seed: replays the run)"),
        ("s", "new random seed"),
        ("1 – 9", "switch lab"),
        ("[ and ]", "previous / next lecture scene"),
        ("p", "presenter mode (fullscreen, large type)"),
        ("?", "show or hide this help"),
    ] {
        dom::text(&list, "dt", "", k)?;
        dom::text(&list, "dd", "", v)?;
    }
    dom::text(&help, "p", "muted", "Press ? or Esc to close.")?;
    Ok(help)
}

/// Keyboard shortcuts (ignored while typing in a field).
pub(super) fn install(app: &Rc<RefCell<App>>) -> Result<(), JsValue> {
    let a = app.clone();
    let doc = dom::document()?;
    dom::on(&doc, "keydown", move |e: KeyboardEvent| {
        if e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        if let Some(t) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) {
            let tag = t.tag_name().to_ascii_lowercase();
            if matches!(tag.as_str(), "input" | "select" | "textarea") {
                return;
            }
        }
        let mut app = a.borrow_mut();
        match e.key().as_str() {
            " " => app.toggle_play(),
            "n" | "ArrowRight" => app.step(),
            "r" => app.reset(),
            "s" => app.new_seed(),
            "?" => app.toggle_help(None),
            "p" => app.toggle_presenter(),
            "[" => app.step_scene(-1),
            "]" => app.step_scene(1),
            "Escape" => {
                app.toggle_help(Some(false));
                if let Some(b) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.body())
                {
                    let _ = b.class_list().remove_1("presenter");
                    if let Some(html) = b.owner_document().and_then(|d| d.document_element()) {
                        let _ = html.class_list().remove_1("presenter");
                    }
                    plot::set_scale(1.0);
                }
            }
            k => {
                if let Some(d) = k.chars().next().and_then(|c| c.to_digit(10)) {
                    if d >= 1 && (d as usize) <= app.labs.len() {
                        app.select(d as usize - 1);
                    } else {
                        return;
                    }
                } else {
                    return;
                }
            }
        }
        e.prevent_default();
    })?;
    Ok(())
}
