//! The RBM lab (lecture part 2, "Restricted Boltzmann Machine"): 0/1 visible and hidden units,
//! block Gibbs sampling and CD-k, trained in the page on the shipped 8 × 8 digits.
//!
//! Five sub-views share one panel: **Train** (weight filters, free-running samples,
//! reconstructions), **Complete** (clamp the known pixels of a drawing and Gibbs-sample the
//! rest), **Labels** (an RBM over pixels ‖ one-hot label: class posterior, held-out accuracy,
//! label-clamped generation), **Deep belief net** (greedy layer-wise pretraining, top-down
//! samples) and **Gaussian 2-D** (continuous visibles: the exponential-family remark).
//! The session — every model, its training in slices, the drawing — is [`RbmSession`] in the
//! core, its parameters the rows of [`TABLE`]; this module lays out the controls built from
//! those rows and the figures, and [`views`] paints them.

mod layout;
mod pad;
mod scatter;
mod tiles;
mod views;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use self::layout::{Figures, Slots};
use self::pad::Pad;
use super::app::{lab_names, mark_dirty, Lab};
use super::settings::{self, Action, Controls, Tabled};
use super::{dom, status, storage};
use crate::core::params::Params;
use crate::core::rbm::session::{Budget, RbmSession, View, TABLE};

/// Milliseconds of training per animation frame (keeps a frame well under 25 ms).
const FRAME_BUDGET_MS: f64 = 10.0;
/// Digit mini-batches per frame at speed 1.
const BATCHES_PER_SPEED: usize = 8;
/// Most Gibbs steps per frame of the completion chains.
const MAX_GIBBS_PER_FRAME: usize = 20;

/// The RBM lab: the core session, its controls and its views.
pub struct RbmLab {
    panel: HtmlElement,
    session: RbmSession,
    controls: Controls,
    view_boxes: Vec<HtmlElement>,
    digit_box: HtmlElement,
    gauss_box: HtmlElement,
    pad: Rc<RefCell<Pad>>,
    pad_host: HtmlElement,
    pad_slots: [HtmlElement; 2],
    pad_seen: u64,
    figs: Figures,
    dirty: bool,
    charts_dirty: bool,
    announced: bool,
}

/// The side panel's buttons for the digit models.
static MODEL_ACTIONS: &[Action<RbmLab>] = &[
    Action {
        key: "restart-models",
        label: "Restart models",
        tip: "The digit models start again from the chosen start (same seed: the same run again)",
        run: |l| {
            match l.session.restart_models() {
                Ok(()) => status::info("digit models restarted"),
                Err(e) => status::warn(&e),
            }
            l.touched();
        },
    },
    Action {
        key: "export",
        label: "Export model (JSON)",
        tip: "Download the digit RBM's weights and biases",
        run: |l| {
            let text = crate::core::rbm::file::to_json(&l.session.main().rbm);
            match storage::download_text("rbm-digits.json", "application/json", &text) {
                Ok(()) => status::info("exported the digit RBM"),
                Err(e) => status::warn(&format!("export failed: {e:?}")),
            }
        },
    },
];

/// The drawing pad's buttons (the pad moves between the completion and label views).
static PAD_ACTIONS: &[Action<RbmLab>] = &[
    Action {
        key: "clear",
        label: "Clear",
        tip: "Erase the whole drawing",
        run: |l| l.pad.borrow_mut().clear(),
    },
    Action {
        key: "example",
        label: "Held-out digit",
        tip: "Load the next held-out test digit (never seen in training) into the pad",
        run: RbmLab::load_example,
    },
];

static COMPLETE_ACTIONS: &[Action<RbmLab>] = &[Action {
    key: "restart-chains",
    label: "Restart chains",
    tip: "Start the conditioned chains again from the drawing",
    run: |l| {
        if let Err(e) = l.session.restart_completion() {
            status::warn(&e);
        }
        l.dirty = true;
    },
}];

static DBN_ACTIONS: &[Action<RbmLab>] = &[Action {
    key: "generate",
    label: "Generate",
    tip: "Restart the top-level chains from random states and sample top-down",
    run: |l| {
        if let Err(e) = l.session.regenerate() {
            status::warn(&e);
        }
        if !l.session.dbn().finished() {
            status::info("the deep belief net is not fully trained yet: press Play to pretrain it");
        }
        l.dirty = true;
    },
}];

impl RbmLab {
    /// Builds the lab (hidden until its tab is chosen).
    pub fn new(seed: u64) -> Result<Rc<RefCell<Self>>, JsValue> {
        let session = RbmSession::new(seed).map_err(|e| JsValue::from_str(&e))?;
        let l = layout::build()?;
        let pad_seen = l.pad.borrow().generation();
        let lab = Rc::new(RefCell::new(Self {
            panel: l.panel,
            session,
            controls: Controls::default(),
            view_boxes: l.view_boxes,
            digit_box: l.digit_box,
            gauss_box: l.gauss_box,
            pad: l.pad,
            pad_host: l.pad_host,
            pad_slots: l.pad_slots,
            pad_seen,
            figs: l.figs,
            dirty: true,
            charts_dirty: true,
            announced: false,
        }));
        Self::wire(&lab, l.slots)?;
        lab.borrow_mut().show_view(false);
        Ok(lab)
    }

    /// Creates every control from the table's rows and the action lists.
    fn wire(lab: &Rc<RefCell<Self>>, slots: Slots) -> Result<(), JsValue> {
        settings::segmented(lab, &slots.seg, "view", "rbm-seg", "rbm-view")?;
        let (digit_box, gauss_box) = {
            let l = lab.borrow();
            (l.digit_box.clone(), l.gauss_box.clone())
        };
        settings::build(
            lab,
            &digit_box,
            &["hidden", "k", "pcd", "lr", "batch", "epochs", "start"],
        )?;
        dom::text(&digit_box, "p", "muted rbm-note", "Settings apply to the digit RBM, the label RBM and the deep belief net; all but the epochs restart them (from fresh weights, or from the trained models shipped with the page).")?;
        settings::buttons(lab, &digit_box, &MODEL_ACTIONS[..1])?;
        let row = dom::el(&digit_box, "div", "row")?;
        settings::buttons(lab, &row, &MODEL_ACTIONS[1..])?;
        let l = lab.clone();
        storage::file_button(
            &row,
            "Import model (JSON)",
            "Load digit-RBM parameters exported from this page (64 visible units)",
            ".json,application/json",
            crate::core::rbm::file::MAX_BYTES as f64,
            move |text| {
                let result = text.and_then(|t| l.borrow_mut().import(&t));
                match result {
                    Ok(nh) => status::info(&format!("imported an RBM with {nh} hidden units")),
                    Err(e) => status::warn(&format!("import refused, nothing changed: {e}")),
                }
            },
        )?;

        settings::buttons(lab, &slots.pad_buttons, PAD_ACTIONS)?;
        let p = lab.borrow().pad.clone();
        let erase = dom::checkbox(&slots.pad_buttons, "Erase", false, move |on| {
            p.borrow_mut().erase = on
        })?;
        if let Some(w) = erase.parent_element() {
            w.set_attribute(
                "title",
                "Erase instead of ink (or use the right button / Shift)",
            )?;
            w.set_attribute("data-key", "erase")?;
        }
        settings::build(lab, &slots.complete_ctl, &["known"])?;
        settings::buttons(lab, &slots.complete_ctl, COMPLETE_ACTIONS)?;
        settings::build(lab, &slots.label_ctl, &["label"])?;
        settings::buttons(lab, &slots.dbn_ctl, DBN_ACTIONS)?;
        settings::build(lab, &gauss_box, &["gdata", "ghidden", "glr"])?;
        dom::text(&gauss_box, "p", "muted rbm-note", "CD-1 chains rarely cross between separated blobs, so the mixture weights can stay unequal although the means sit on the blobs.")?;
        Ok(())
    }

    /// Shows the current sub-view's figures and controls (and says what Play does there when
    /// `announce`).
    fn show_view(&mut self, announce: bool) {
        let v = self.session.view();
        for (box_, w) in self.view_boxes.iter().zip(View::ALL) {
            let _ = box_.class_list().toggle_with_force("hidden", w != v);
        }
        let _ = self
            .digit_box
            .class_list()
            .toggle_with_force("hidden", !v.digits());
        let _ = self
            .gauss_box
            .class_list()
            .toggle_with_force("hidden", v.digits());
        self.figs.metric_chart.set_visible(v != View::Dbn);
        let slot = match v {
            View::Labels => Some(&self.pad_slots[1]),
            View::Complete => Some(&self.pad_slots[0]),
            _ => None,
        };
        if let Some(s) = slot {
            let _ = s.append_child(&self.pad_host);
        }
        let _ = self.panel.set_attribute("data-view", v.id());
        // Announce a finished run only when it finishes, not on arrival.
        self.announced = self.session.summary().finished;
        self.touched();
        if announce {
            status::info(v.hint());
        }
    }

    /// Everything shown must be repainted.
    fn touched(&mut self) {
        self.dirty = true;
        self.charts_dirty = true;
    }

    fn load_example(&mut self) {
        match self.session.next_example() {
            Ok((i, label)) => {
                self.pad.borrow_mut().set_image(self.session.image());
                self.pad_seen = self.pad.borrow().generation();
                status::info(&format!(
                    "held-out digit #{} (a {label}): never seen in training",
                    i + 1
                ));
            }
            Err(e) => status::warn(&e),
        }
        self.dirty = true;
    }

    /// Replaces the digit RBM by one read from a file; on any error nothing changes.
    fn import(&mut self, text: &str) -> Result<usize, String> {
        let model = crate::core::rbm::file::parse(text).map_err(|e| e.to_string())?;
        let nh = self.session.import(model)?;
        settings::sync(self);
        self.touched();
        mark_dirty();
        Ok(nh)
    }

    /// Hands an edited drawing to the session (which restarts the completion and
    /// reclassifies) and tints the known pixels.
    fn sync_pad(&mut self) {
        let gen = self.pad.borrow().generation();
        if gen != self.pad_seen {
            self.pad_seen = gen;
            let img = self.pad.borrow().pixels.clone();
            if let Err(e) = self.session.set_image(&img) {
                status::warn(&e);
            }
            self.dirty = true;
        }
        let tint: &[bool] = if self.session.view() == View::Complete {
            &self.session.completion().mask
        } else {
            &[]
        };
        self.pad.borrow_mut().set_tint(tint);
    }

    /// One slice of work; false once the session has stopped (the message is shown).
    fn work(&mut self, budget: &mut Budget, gibbs: usize, stepping: bool) -> bool {
        let r = self.session.work(budget, gibbs, stepping);
        self.dirty = true;
        match r {
            Ok(()) => true,
            Err(e) => {
                status::warn(&e);
                false
            }
        }
    }
}

impl Tabled for RbmLab {
    settings::tabled_parts!(RbmSession, TABLE, session);
    fn changed(&mut self, key: &'static str) {
        match key {
            "view" => self.show_view(true),
            "hidden" | "k" | "pcd" | "lr" | "batch" | "start" => {
                let s = self.session.settings();
                status::info(&format!(
                    "{} hidden units, CD-{}{}, η = {}, batches of {}: digit models restarted ({})",
                    s.hidden,
                    s.k,
                    if s.pcd { " (persistent)" } else { "" },
                    s.lr,
                    s.batch,
                    self.session.main().origin().words()
                ));
                self.announced = false;
                self.touched();
            }
            _ => {
                self.announced = false;
                self.touched();
            }
        }
    }
}

lab_names!(RbmLab, "rbm", "RBM");

impl Lab for RbmLab {
    lab_names!();
    fn tick(&mut self, speed: u32) -> bool {
        if self.session.failed().is_some() {
            return false;
        }
        let speed = speed.max(1) as usize;
        let (batches, gibbs) = match self.session.view() {
            // 2-D training is cheap but converges in a few epochs: slow enough to watch.
            View::Gauss => (speed * 2, 1),
            // Two layers to pretrain before anything is generated.
            View::Dbn => (speed * 3 * BATCHES_PER_SPEED, 1),
            View::Complete => (speed * BATCHES_PER_SPEED, speed.min(MAX_GIBBS_PER_FRAME)),
            _ => (speed * BATCHES_PER_SPEED, 1),
        };
        let mut clock = dom::now;
        let deadline = dom::now() + FRAME_BUDGET_MS;
        self.work(
            &mut Budget::timed(batches, deadline, &mut clock),
            gibbs,
            false,
        )
    }
    fn step(&mut self) {
        if self.session.failed().is_some() {
            status::warn("this run stopped after an error; press Reset (r) to start again");
            return;
        }
        self.work(&mut Budget::epoch(), 1, true);
    }
    fn reset(&mut self, seed: u64) {
        self.session.restart(seed);
        self.pad.borrow_mut().clear();
        self.pad_seen = self.pad.borrow().generation();
        self.announced = false;
        self.touched();
    }
    fn draw(&mut self) -> Result<(), JsValue> {
        if let Err(e) = self.session.settle(false) {
            status::warn(&e);
        }
        self.sync_pad();
        self.pad.borrow_mut().draw()?;
        if !self.dirty {
            return Ok(());
        }
        self.dirty = false;
        match self.session.view() {
            View::Train => self.draw_train()?,
            View::Complete => self.draw_complete()?,
            View::Labels => self.draw_labels()?,
            View::Dbn => self.draw_dbn()?,
            View::Gauss => self.draw_gauss()?,
        }
        self.draw_side()
    }
    fn save(&self, p: &mut Params) {
        settings::save(self, p);
    }
    fn relayout(&mut self) {
        // Presenter mode or a new size: the figures drawn outside plots repaint (the scatter
        // plot takes its size and text from the drawing scale).
        self.dirty = true;
    }
    fn load(&mut self, p: &Params) -> Vec<String> {
        let mut msgs = settings::load(self, p);
        // Every model from the link's settings and the seed (a model trained to the end with
        // the same settings and seed stays when the link asks for a trained one).
        if let Err(e) = self.session.settle(true) {
            msgs.push(e);
        }
        self.show_view(false);
        if msgs.is_empty() {
            status::info(self.session.view().hint());
        }
        msgs
    }
}
