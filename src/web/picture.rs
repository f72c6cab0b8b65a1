//! A lab's main picture: finding it (for "Save PNG", "Record" and `embed=1`), saving it, and
//! the embedded view that shows only it, sized to its frame.
//!
//! `embed=1` puts the class `embed` on the body (the style sheet hides the header's tabs and
//! menu, the footer and the status line), hides every sibling of every element between the lab
//! panel and the main picture (class `embed-off`), and lays that path out as plain blocks
//! (`embed-path`) so the picture (`embed-pic`) can take the size the frame leaves free below the
//! transport and the scene note. The size is the CSS variable `--embed-pic`, measured each
//! frame (cheap: it only writes when the frame or the chrome above the picture changed size).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlCanvasElement, HtmlElement};

use super::{dom, plot, status};

/// The lab's main picture: a visible `canvas.main-pic` if it has one, else its largest visible
/// canvas that is not a chart (charts sit in a `.plot-wrap`), else its largest chart.
pub fn main_canvas(panel: &HtmlElement) -> Option<HtmlCanvasElement> {
    let list = panel.query_selector_all("canvas").ok()?;
    let mut best: Option<((bool, bool, i32), HtmlCanvasElement)> = None;
    for i in 0..list.length() {
        let Some(c) = list
            .get(i)
            .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
        else {
            continue;
        };
        let area = c.client_width() * c.client_height();
        let main = c.class_list().contains("main-pic");
        let picture = !c.closest(".plot-wrap").is_ok_and(|w| w.is_some());
        let rank = (main, picture, area);
        if area > 0 && best.as_ref().is_none_or(|(r, _)| rank > *r) {
            best = Some((rank, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Downloads the lab's main picture as `<lab>-seed-<seed>.png` (pixel grids at their on-screen
/// size).
pub fn save_png(panel: &HtmlElement, lab: &str, seed: u64) {
    let Some(canvas) = main_canvas(panel) else {
        status::warn("this lab shows no picture to save");
        return;
    };
    let name = format!("{lab}-seed-{seed}.png");
    match plot::save_canvas_png(&canvas, &name) {
        Ok(()) => status::info(&format!("saved {name}")),
        Err(e) => status::warn(&format!("PNG export failed: {e:?}")),
    }
}

/// The embedded view's state.
#[derive(Default)]
pub struct Embed {
    on: bool,
    pic: Option<HtmlCanvasElement>,
    /// Window size and the picture's top edge when `--embed-pic` was last written.
    fitted: (i32, i32, i32),
}

impl Embed {
    /// Whether the page is embedded (`embed=1`).
    pub fn on(&self) -> bool {
        self.on
    }

    /// Turns the embedded view on or off (shown by the next [`Embed::apply`]).
    pub fn set_on(&mut self, on: bool) {
        self.on = on;
    }

    /// Shows only `panel`'s main picture (embedded) or everything again.
    pub fn apply(&mut self, root: &Element, panel: &HtmlElement) {
        let on = self.on;
        self.fitted = (0, 0, 0);
        if let Ok(marked) = root.query_selector_all(".embed-off, .embed-path, .embed-pic") {
            for i in 0..marked.length() {
                if let Some(e) = marked.get(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    let _ = e
                        .class_list()
                        .remove_3("embed-off", "embed-path", "embed-pic");
                }
            }
        }
        if let Some(body) = dom::document().ok().and_then(|d| d.body()) {
            let _ = body.class_list().toggle_with_force("embed", on);
        }
        self.pic = None;
        if !on {
            return;
        }
        let Some(pic) = main_canvas(panel) else {
            return;
        };
        let _ = pic.class_list().add_1("embed-pic");
        // Every element between the picture and the panel keeps only the picture's branch.
        let panel: &Element = panel.as_ref();
        let mut node: Element = pic.clone().into();
        while let Some(parent) = node.parent_element() {
            let mut kid = parent.first_element_child();
            while let Some(k) = kid {
                if k != node {
                    let _ = k.class_list().add_1("embed-off");
                }
                kid = k.next_element_sibling();
            }
            if &parent == panel {
                break;
            }
            let _ = parent.class_list().add_1("embed-path");
            node = parent;
        }
        self.pic = Some(pic);
    }

    /// Sizes the picture to the frame: the largest square that fits below its top edge.
    pub fn fit(&mut self) {
        let (Some(pic), true) = (&self.pic, self.on) else {
            return;
        };
        let Some(w) = web_sys::window() else { return };
        let px = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
        let (vw, vh) = (px(w.inner_width()), px(w.inner_height()));
        let top = pic.get_bounding_client_rect().top() + w.scroll_y().unwrap_or(0.0);
        let key = (vw as i32, vh as i32, top as i32);
        if key == self.fitted {
            return;
        }
        self.fitted = key;
        // A margin of 8 px below and at the sides.
        let side = (vw - 16.0).min(vh - top - 8.0).max(120.0).floor();
        if let Some(root) = dom::document().ok().and_then(|d| d.document_element()) {
            if let Ok(root) = root.dyn_into::<HtmlElement>() {
                let _ = root
                    .style()
                    .set_property("--embed-pic", &format!("{side}px"));
            }
        }
        plot::relayout_all();
    }
}
