//! The "What am I looking at?" box at the top of every lab: folded to one line, it opens on two
//! to four sentences and the key equation as MathML ([`crate::core::about`]).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use super::dom;
use crate::core::about::find;

/// A lab's box: `<details class="about">` with a one-line summary.
pub struct AboutBox {
    details: HtmlElement,
    summary: HtmlElement,
    text: HtmlElement,
    eq: HtmlElement,
    shown: Option<(&'static str, &'static str)>,
}

impl AboutBox {
    /// Builds a folded box as the first child of `panel`.
    pub fn new(panel: &Element) -> Result<Self, JsValue> {
        let details = dom::document()?
            .create_element("details")?
            .dyn_into::<HtmlElement>()?;
        details.set_class_name("about");
        panel.insert_before(&details, panel.first_child().as_ref())?;
        let summary = dom::el(&details, "summary", "")?;
        let text = dom::el(&details, "p", "about-text")?;
        let eq = dom::el(&details, "div", "about-eq")?;
        Ok(Self {
            details,
            summary,
            text,
            eq,
            shown: None,
        })
    }

    /// Shows the text for `lab` in `view` (no work if it is already shown).
    pub fn show(&mut self, lab: &'static str, view: &str) {
        let Some(a) = find(lab, view) else {
            let _ = self.details.class_list().add_1("hidden");
            return;
        };
        if self.shown == Some((a.lab, a.view)) {
            return;
        }
        self.shown = Some((a.lab, a.view));
        self.summary
            .set_text_content(Some(&format!("What am I looking at? — {}", a.title)));
        self.text.set_text_content(Some(a.text));
        self.eq.set_text_content(None);
        if let Err(e) = dom::math(&self.eq, a.tex, true) {
            self.eq.set_text_content(Some(a.tex));
            web_sys::console::warn_1(&e);
        }
    }
}
