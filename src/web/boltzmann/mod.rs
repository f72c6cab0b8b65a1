//! The Boltzmann lab (lecture part 2, up to the RBM): the stochastic Hopfield network, simulated
//! annealing, the exact Boltzmann distribution of a small network, and Boltzmann-machine
//! learning. The run — all three sub-views' state and logic — is [`BoltzmannRun`] in the core,
//! its parameters the rows of [`TABLE`]; this module lays out the controls built from those rows
//! (a segmented bar for the `view` row, one section per view: [`temperature`], [`exact`],
//! [`learning`]) and draws.

mod exact;
mod learning;
mod temperature;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlProgressElement};

use super::app::{lab_names, Lab};
use super::canvas::PixelLayer;
use super::grid::{self, Paintable};
use super::settings::{self, Controls, Tabled};
use super::{dom, status};
use crate::core::boltzmann::run::{BoltzmannRun, Say, View, TABLE, VIEWS, VIEW_OPTS};
use crate::core::params::Params;

/// The Boltzmann lab: the core run, its controls and the three views' pictures.
pub struct BoltzmannLab {
    panel: HtmlElement,
    run: BoltzmannRun,
    controls: Controls,
    sections: Vec<HtmlElement>,
    shown: Option<View>,
    temp: temperature::TempView,
    exact: exact::ExactView,
    learn: learning::LearnView,
    /// Drawing on the live grid sets neurons to −1.
    erase: bool,
    dirty: bool,
}

impl BoltzmannLab {
    /// Builds the lab (hidden until its tab is chosen), seeded with `seed`.
    pub fn new(seed: u64) -> Result<Rc<RefCell<Self>>, JsValue> {
        let panel = dom::document()?
            .create_element("section")?
            .dyn_into::<HtmlElement>()?;
        panel.set_class_name("lab hidden bz");
        panel.set_id("lab-boltzmann");
        let bar = dom::el(&panel, "div", "")?;
        let mut sections = Vec::new();
        for o in VIEW_OPTS {
            let s = dom::el(&panel, "section", "bz-view hidden")?;
            s.set_id(&format!("bz-{}", o.key));
            s.set_attribute("aria-label", o.label)?;
            sections.push(s);
        }
        let (temp, temp_ctl) = temperature::TempView::new(&sections[0])?;
        let (exact, exact_ctl) = exact::ExactView::new(&sections[1])?;
        let (learn, learn_ctl) = learning::LearnView::new(&sections[2])?;
        let lab = Rc::new(RefCell::new(Self {
            panel,
            run: BoltzmannRun::new(seed),
            controls: Controls::default(),
            sections,
            shown: None,
            temp,
            exact,
            learn,
            erase: false,
            dirty: true,
        }));
        settings::segmented(&lab, &bar, "view", "bz-seg", "bz-tab")?;
        temperature::wire(&lab, &temp_ctl)?;
        exact::wire(&lab, &exact_ctl)?;
        learning::wire(&lab, &learn_ctl)?;
        grid::wire(&lab)?;
        lab.borrow_mut().show_view();
        Ok(lab)
    }

    /// Shows the section of the run's view (after a click, a link or a scene).
    fn show_view(&mut self) {
        let v = self.run.view();
        if self.shown != Some(v) {
            self.shown = Some(v);
            for (s, w) in self.sections.iter().zip(VIEWS) {
                let _ = s.class_list().toggle_with_force("hidden", w != v);
            }
            self.dirty = true;
        }
    }

    /// Something changed: redraw.
    fn touched(&mut self) {
        self.dirty = true;
    }
}

/// Shows a message of the run in the status line.
fn say(s: Say) {
    match s {
        Say::Info(m) => status::info(&m),
        Say::Warn(m) => status::warn(&m),
        Say::Error(m) => status::show(status::Level::Error, &m),
    }
}

/// A small note in the lecture's terms, under the controls.
fn note(parent: &Element, text: &str) -> Result<HtmlElement, JsValue> {
    dom::rich(parent, "p", "bz-note", text)
}

/// The view's key formula, in readable type.
fn formula(parent: &Element, tex: &str) -> Result<HtmlElement, JsValue> {
    let p = dom::el(parent, "p", "bz-formula")?;
    dom::math(&p, tex, false)?;
    Ok(p)
}

/// A titled box of controls.
fn controls_box(parent: &Element, title: &str) -> Result<HtmlElement, JsValue> {
    let b = dom::el(parent, "div", "controls")?;
    dom::text(&b, "h3", "", title)?;
    Ok(b)
}

/// A `<progress>` bar in [0, 1].
fn progress(parent: &Element, label: &str) -> Result<HtmlProgressElement, JsValue> {
    let p = dom::el(parent, "progress", "bz-progress")?.dyn_into::<HtmlProgressElement>()?;
    p.set_max(1.0);
    p.set_value(0.0);
    p.set_attribute("aria-label", label)?;
    Ok(p)
}

/// A figure holding a pixel layer and its caption.
fn figure(
    parent: &Element,
    class: &str,
    label: &str,
    caption: &str,
) -> Result<PixelLayer, JsValue> {
    let f = dom::el(parent, "figure", "bz-fig")?;
    let layer = PixelLayer::new(&f, class, 1, 1)?;
    dom::img_label(&layer.canvas, label)?;
    dom::text(&f, "figcaption", "bz-caption", caption)?;
    Ok(layer)
}

/// Sets a read-out's text and its `data-*` attributes (raw numbers for tests and scripts).
fn readout(el: &HtmlElement, text: &str, data: &[(&str, String)]) {
    el.set_text_content(Some(text));
    for (k, v) in data {
        let _ = el.set_attribute(&format!("data-{k}"), v);
    }
}

impl Tabled for BoltzmannLab {
    settings::tabled_parts!(BoltzmannRun, TABLE, run);
    fn changed(&mut self, key: &'static str) {
        self.touched();
        if key == "view" {
            self.show_view();
            status::info(self.run.view().hint());
        } else if let Some(n) = self.run.take_note() {
            status::info(&n);
        }
    }
}

impl Paintable for BoltzmannLab {
    fn layer(&self) -> &PixelLayer {
        &self.temp.grid
    }
    fn erasing(&self) -> bool {
        self.erase
    }
    fn paint(&mut self, x: usize, y: usize, v: i8) {
        if self.run.temp.paint(x, y, v) {
            self.touched();
        }
    }
}

lab_names!(BoltzmannLab, "boltzmann", "Boltzmann");

impl Lab for BoltzmannLab {
    lab_names!();
    fn tick(&mut self, speed: u32) -> bool {
        let t = self.run.tick(speed.max(1) as usize);
        self.touched();
        if let Some(s) = t.say {
            say(s);
        }
        t.go_on
    }
    fn step(&mut self) {
        let _ = self.tick(1);
    }
    fn reset(&mut self, seed: u64) {
        self.run.restart(seed);
        self.touched();
    }
    fn draw(&mut self) -> Result<(), JsValue> {
        self.show_view();
        if !std::mem::take(&mut self.dirty) {
            return Ok(());
        }
        match self.run.view() {
            View::Temperature => self.temp.draw(&mut self.run.temp),
            View::Exact => self.exact.draw(&self.run.exact),
            View::Learning => self.learn.draw(&self.run.learn),
        }
    }
    fn save(&self, p: &mut Params) {
        settings::save(self, p);
    }
    fn load(&mut self, p: &Params) -> Vec<String> {
        let msgs = settings::load(self, p);
        let _ = self.run.take_note();
        // Settings first, then a fresh start from the seed: the link alone fixes the run (a
        // link names glyphs only, so states stored by hand go too).
        self.run.temp.forget_hand_memories();
        let seed = self.run.seed();
        self.reset(seed);
        msgs
    }
}
