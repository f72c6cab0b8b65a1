//! The "Train an energy" lab (lecture: "Energy-Based Model: Training"). A small network
//! `E_θ(x)` on the plane is trained by contrastive divergence,
//! `∇θL ≈ ∇θ(−E(x_train) + E(x_sample))`, with negatives `x_sample` from Langevin dynamics
//! `x ← x − (ε/2)∇ₓE + √ε ξ`. The run and every parameter are [`EnergySession`] and its table
//! in the core; the trained network is an `Energy2d`, so this lab shows it on the same plane
//! view as the Sampling lab, samples it with the Sampling lab's Langevin particles, and hands
//! it to the Sampling lab as the "learned energy" target.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlProgressElement, PointerEvent};

use super::app::{lab_names, Lab};
use super::canvas::PixelLayer;
use super::plane::{PlaneView, Shade};
use super::plot::{viridis, Axes, Plot, Series, SeriesData, PALETTE};
use super::settings::{self, Action, Controls, Tabled};
use super::{dom, status};
use crate::core::ebm::session::{EnergySession, Trained, FIELD_N, PLAN, SAMPLE_STEPS, TABLE};
use crate::core::ebm::LearnedSlot;
use crate::core::params::Params;

/// Side of the plane in CSS pixels.
const VIEW: f64 = 480.0;
/// Per-frame time budgets in ms (training, energy grid, sampling), together under a 60 Hz
/// frame with room for drawing: training starts an iteration only if it is expected to fit.
const TRAIN_MS: f64 = 9.0;
const GRID_MS: f64 = 2.0;
const SAMPLE_MS: f64 = 3.0;

/// Dot colours (fill, ring): data white with a black ring, negatives vermillion with a cream
/// ring, model samples sky blue with a black ring — distinct from each other and from the
/// viridis heatmap.
const DATA_RGB: ([u8; 3], [u8; 3]) = ([255, 255, 255], [0, 0, 0]);
const NEG_RGB: ([u8; 3], [u8; 3]) = ([213, 94, 0], [255, 232, 200]);
const SAMPLE_RGB: ([u8; 3], [u8; 3]) = ([86, 180, 233], [0, 0, 0]);

/// Read-out cells.
struct Readout {
    el: HtmlElement,
    iter: HtmlElement,
    loss: HtmlElement,
    e_data: HtmlElement,
    e_neg: HtmlElement,
    gap: HtmlElement,
    points: HtmlElement,
}

/// The energy lab.
pub struct EnergyLab {
    panel: HtmlElement,
    session: EnergySession,
    controls: Controls,
    plane: PlaneView,
    learned: LearnedSlot,
    published: Option<usize>,
    cbar: [HtmlElement; 2],
    readout: Readout,
    progress: HtmlProgressElement,
    sample_progress: HtmlProgressElement,
    loss_plot: Plot,
    add_mode: bool,
    /// Client position of the last point added in the current stroke.
    stroke: Option<(f64, f64)>,
    field_seen: Option<u64>,
    /// A new grid is ready and is drawn in the next frame, which trains nothing: recolouring the
    /// plane (≈ 10 ms at 1920×1080) and a training iteration (≈ 5 ms) never share a frame.
    render_due: bool,
    dirty: bool,
}

static DATA_ACTIONS: &[Action<EnergyLab>] = &[Action {
    key: "clear-points",
    label: "Clear points",
    tip: "Remove every training point (then click on the plane to add your own)",
    run: |l| {
        l.session.clear_points();
        l.dirty = true;
        status::info("no points left: tick “Click to add points” and draw your data");
    },
}];

static SAMPLE_ACTIONS: &[Action<EnergyLab>] = &[Action {
    key: "sample",
    label: "Sample from the model",
    tip: "Run Langevin dynamics on the current energy from 500 uniform starts (200 steps, \
          animated)",
    run: |l| match l.session.start_sampling() {
        Ok(msg) => {
            l.dirty = true;
            status::info(&msg);
        }
        Err(e) => status::warn(&e),
    },
}];

impl EnergyLab {
    /// Builds the lab (hidden until its tab is chosen); the trained energy is left in
    /// `learned` for the Sampling lab.
    pub fn new(seed: u64, learned: LearnedSlot) -> Result<Rc<RefCell<Self>>, JsValue> {
        let panel = dom::lab_panel("energy", "energy")?;
        let (left, right, more) = dom::stage(&panel, "energy-left")?;
        let session = EnergySession::new(seed);
        let mut plane = PlaneView::new(
            &left,
            "energy-field",
            VIEW,
            "energy landscape E(x) on the plane (dark = low energy = likely), with the data \
             points (white), Langevin negatives (vermillion) and model samples (blue)",
        )?;
        plane.set_view(session.view());
        // Viridis, low energy dark: the dots' colours were chosen to stand out against it.
        plane.set_colour_map(|t| viridis(1.0 - t));
        let cbar_row = dom::el(&left, "div", "energy-cbar-row")?;
        let lo = dom::text(&cbar_row, "span", "energy-cbar-lab", "low E")?;
        let mut bar = PixelLayer::new(&cbar_row, "energy-cbar", 256, 1)?;
        dom::img_label(&bar.canvas, "colour scale of the energy, low to high")?;
        for (i, px) in bar.buf.chunks_exact_mut(4).enumerate() {
            // Low energy is dark, as on the plane.
            px[..3].copy_from_slice(&viridis(i as f64 / 255.0));
            px[3] = 255;
        }
        bar.blit()?;
        let hi = dom::text(&cbar_row, "span", "energy-cbar-lab", "high E")?;
        let ro = dom::el(&left, "div", "readout energy-readout")?;
        ro.set_id("energy-readout");
        let cell = |name: &str, id: &str, title: &str| -> Result<HtmlElement, JsValue> {
            let c = dom::el(&ro, "div", "energy-ro")?;
            c.set_title(title);
            dom::text(&c, "span", "energy-ro-name", name)?;
            let v = dom::text(&c, "span", "energy-ro-value", "–")?;
            v.set_id(id);
            Ok(v)
        };
        let readout = Readout {
            iter: cell("iteration", "energy-iter", "Training iterations done")?,
            loss: cell(
                "loss",
                "energy-loss",
                "mean E(data) − mean E(negatives) + α·(mean E(data)² + mean E(negatives)²)",
            )?,
            e_data: cell(
                "E(data)",
                "energy-edata",
                "Mean energy of the data batch: training pushes it down",
            )?,
            e_neg: cell(
                "E(neg)",
                "energy-eneg",
                "Mean energy of the Langevin negatives: training pushes it up",
            )?,
            gap: cell(
                "gap",
                "energy-gap",
                "mean E(data) − mean E(negatives) over the last 25 iterations: negative once \
                 training has pushed the energy down on the data and up on the negatives",
            )?,
            points: cell("points", "energy-points", "Number of training points")?,
            el: ro,
        };
        let chart_box = dom::el(&more, "div", "energy-chart")?;
        let loss_plot = Plot::new(&chart_box, "plot", 480.0, 300.0)?;
        dom::img_label(
            &loss_plot.canvas,
            "loss, mean energy of the data and mean energy of the negatives against iterations",
        )?;
        let data_box = dom::el(&right, "div", "controls")?;
        let model_box = dom::el(&right, "div", "controls")?;
        let sample_box = dom::el(&right, "div", "controls")?;
        let progress = dom::el(&model_box, "progress", "")?.dyn_into::<HtmlProgressElement>()?;
        let sample_progress = dom::el(&sample_box, "progress", "energy-sample-progress")?
            .dyn_into::<HtmlProgressElement>()?;
        let lab = Rc::new(RefCell::new(Self {
            panel,
            session,
            controls: Controls::default(),
            plane,
            learned,
            published: None,
            cbar: [lo, hi],
            readout,
            progress,
            sample_progress,
            loss_plot,
            add_mode: false,
            stroke: None,
            field_seen: None,
            render_due: false,
            dirty: true,
        }));
        Self::wire(&lab, &data_box, &model_box, &sample_box)?;
        Ok(lab)
    }

    fn wire(
        lab: &Rc<RefCell<Self>>,
        data_box: &HtmlElement,
        model_box: &HtmlElement,
        sample_box: &HtmlElement,
    ) -> Result<(), JsValue> {
        dom::text(data_box, "h3", "", "Data")?;
        settings::build(lab, data_box, &["preset"])?;
        settings::fields(lab, data_box, &["n"])?;
        let l = lab.clone();
        let add = dom::checkbox(data_box, "Click to add points", false, move |on| {
            let mut s = l.borrow_mut();
            s.add_mode = on;
            let _ = s.plane.canvas.class_list().toggle_with_force("adding", on);
            if on {
                status::info("click or drag on the plane to add training points");
            }
        })?;
        if let Some(p) = add.parent_element() {
            p.set_attribute("data-key", "add-points")?;
            p.set_attribute(
                "title",
                "Draw your own data: each click (or drag) on the plane adds a training point",
            )?;
        }
        let row = dom::el(data_box, "div", "row")?;
        settings::buttons(lab, &row, DATA_ACTIONS)?;
        let shows = dom::el(data_box, "div", "row energy-shows")?;
        settings::build(lab, &shows, &["showdata", "showneg", "showsamples"])?;
        for (key, class) in [
            ("showdata", "data"),
            ("showneg", "neg"),
            ("showsamples", "sample"),
        ] {
            let l = lab.borrow();
            if let Some(input) = l
                .controls
                .element(key)
                .and_then(|w| w.query_selector("input").ok().flatten())
            {
                // Colours in the style sheet (the page's CSP forbids inline styles).
                let sw = dom::document()?.create_element("span")?;
                sw.set_class_name(&format!("energy-swatch {class}"));
                sw.set_attribute("aria-hidden", "true")?;
                if let Some(w) = l.controls.element(key) {
                    w.insert_before(&sw, input.next_sibling().as_ref())?;
                }
            }
        }

        dom::text(model_box, "h3", "", "Model and training")?;
        let progress = lab.borrow().progress.clone();
        settings::build(lab, model_box, &["hidden"])?;
        settings::fields(lab, model_box, &["lr", "step"])?;
        dom::text(
            model_box,
            "p",
            "muted energy-note",
            "Play trains (iterations per frame = Speed); each iteration runs 20 Langevin steps \
             on 128 negatives, then lowers E on the data and raises it on the negatives.",
        )?;
        let row = dom::el(model_box, "div", "row energy-progress-row")?;
        dom::text(&row, "span", "ctl-name", "Progress")?;
        row.append_child(&progress)?;
        progress.set_id("energy-progress");
        progress.set_max(1.0);
        progress.set_attribute("aria-label", "training progress")?;

        dom::text(sample_box, "h3", "", "Sampling")?;
        let sp = lab.borrow().sample_progress.clone();
        let b = settings::buttons(lab, sample_box, SAMPLE_ACTIONS)?;
        b[0].set_class_name("btn energy-sample-btn");
        sample_box.append_child(&sp)?;
        sp.set_id("energy-sample-progress");
        sp.set_max(1.0);
        sp.set_attribute("aria-label", "sampling progress")?;

        // Adding points with the pointer: a click adds one, a drag sprays one every 6 px.
        let canvas = lab.borrow().plane.canvas.clone();
        {
            let (l, c) = (lab.clone(), canvas.clone());
            dom::on(&canvas, "pointerdown", move |e: PointerEvent| {
                let mut s = l.borrow_mut();
                if !s.add_mode {
                    return;
                }
                e.prevent_default();
                let _ = c.set_pointer_capture(e.pointer_id());
                let p = (f64::from(e.client_x()), f64::from(e.client_y()));
                s.add_point_at(p);
                s.stroke = Some(p);
            })?;
        }
        {
            let l = lab.clone();
            dom::on(&canvas, "pointermove", move |e: PointerEvent| {
                let mut s = l.borrow_mut();
                let Some(last) = s.stroke else { return };
                let p = (f64::from(e.client_x()), f64::from(e.client_y()));
                if (p.0 - last.0).hypot(p.1 - last.1) >= 6.0 {
                    s.add_point_at(p);
                    s.stroke = Some(p);
                }
            })?;
        }
        for kind in ["pointerup", "pointercancel"] {
            let l = lab.clone();
            dom::on(&canvas, kind, move |_: PointerEvent| {
                l.borrow_mut().stroke = None;
            })?;
        }
        Ok(())
    }

    fn add_point_at(&mut self, client: (f64, f64)) {
        let Some(w) = self.plane.to_world(client.0, client.1) else {
            return;
        };
        match self.session.add_point(w[0], w[1]) {
            Ok(()) => self.dirty = true,
            Err(e) => status::warn(&e),
        }
    }

    /// A new energy grid: the heatmap and the colour scale's labels.
    fn render_field(&mut self) {
        // The plane follows its column's width (the page's layout): render again at a new size.
        if let Some(col) = self.plane.canvas.parent_element() {
            if self.plane.fit_to_when_due(&col).unwrap_or(false) {
                self.field_seen = None;
            }
        }
        let (grid, version) = self.session.field();
        if self.field_seen == Some(version) {
            return;
        }
        if !std::mem::take(&mut self.render_due) {
            self.render_due = true;
            return;
        }
        self.field_seen = Some(version);
        self.plane.set_view(self.session.view());
        self.plane
            .render_energies(grid, FIELD_N, 1.0, Shade::Energy, true);
        let (lo, top) = self.plane.energy_range();
        let hi = grid
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(lo, f64::max);
        let fmt = |v: f64| {
            if v.is_finite() {
                format!("{v:.2}")
            } else {
                "–".into()
            }
        };
        let at_least = if top < hi { "≥ " } else { "" };
        self.cbar[0].set_text_content(Some(&format!("low E {} (likely)", fmt(lo))));
        self.cbar[1].set_text_content(Some(&format!("{at_least}{} high E (unlikely)", fmt(top))));
        self.dirty = true;
    }

    /// The heatmap plus the data, the samples and the negatives.
    fn paint(&mut self) -> Result<(), JsValue> {
        let s = &self.session;
        let p = &mut self.plane;
        p.begin();
        if s.shows(0) {
            for q in s.data().chunks_exact(2) {
                p.ring_dot(
                    [f64::from(q[0]), f64::from(q[1])],
                    2.0,
                    DATA_RGB.0,
                    DATA_RGB.1,
                );
            }
        }
        if s.shows(2) {
            for &q in s.samples() {
                p.ring_dot(q, 3.0, SAMPLE_RGB.0, SAMPLE_RGB.1);
            }
        }
        if s.shows(1) {
            if let Some(t) = s.trainer().filter(|t| t.iteration() > 0) {
                for q in t.negatives().chunks_exact(2) {
                    p.ring_dot(
                        [f64::from(q[0]), f64::from(q[1])],
                        3.0,
                        NEG_RGB.0,
                        NEG_RGB.1,
                    );
                }
            }
        }
        p.blit()
    }

    fn update_readouts(&self) -> Result<(), JsValue> {
        let s = &self.session;
        let r = &self.readout;
        let (it, points) = (s.iteration(), s.data().len() / 2);
        r.iter.set_text_content(Some(&it.to_string()));
        r.points.set_text_content(Some(&points.to_string()));
        r.el.set_attribute("data-iteration", &it.to_string())?;
        r.el.set_attribute("data-points", &points.to_string())?;
        r.el.set_attribute("data-failed", if s.failed() { "1" } else { "0" })?;
        r.el.set_attribute("data-samples", &s.sample_steps().to_string())?;
        let stats = s.stats();
        for (cell, key, v) in [
            (&r.loss, "data-loss", stats.map(|t| t.loss)),
            (&r.e_data, "data-edata", stats.map(|t| t.energy_data)),
            (&r.e_neg, "data-eneg", stats.map(|t| t.energy_negative)),
            (&r.gap, "data-gap", s.gap()),
        ] {
            cell.set_text_content(Some(&v.map_or("–".into(), |v| format!("{v:.3}"))));
            match v {
                Some(v) => r.el.set_attribute(key, &v.to_string())?,
                None => r.el.remove_attribute(key)?,
            }
        }
        self.progress.set_value(s.progress());
        self.sample_progress
            .set_value(s.sample_steps() as f64 / SAMPLE_STEPS as f64);
        Ok(())
    }

    fn draw_chart(&self) {
        let s = &self.session;
        let series = [
            ("loss", PALETTE[0], &s.loss),
            ("mean E(data)", PALETTE[7], &s.e_data),
            ("mean E(negatives)", PALETTE[5], &s.e_neg),
        ]
        .map(|(name, color, t)| Series {
            name,
            color,
            data: SeriesData::Points(t.points()),
            dashed: false,
        });
        self.loss_plot.line_chart(
            &Axes {
                title: "Contrastive divergence",
                x_label: "iteration",
                y_label: "value",
                ..Default::default()
            },
            &series,
            &[],
            &[],
        );
    }

    /// Leaves the current network for the Sampling lab (once it has trained).
    fn publish(&mut self) {
        let it = self.session.iteration();
        if self.published != Some(it) {
            self.published = Some(it);
            *self.learned.borrow_mut() = self.session.learned();
        }
    }
}

impl Tabled for EnergyLab {
    settings::tabled_parts!(EnergySession, TABLE, session);
    fn changed(&mut self, _key: &'static str) {
        if let Some(note) = self.session.take_note() {
            status::info(&note);
        }
        self.dirty = true;
    }
}

lab_names!(EnergyLab, "energy", "Train an energy");

impl Lab for EnergyLab {
    lab_names!();
    fn tick(&mut self, speed: u32) -> bool {
        if self.render_due {
            // This frame recolours the plane (see `render_due`); training goes on in the next.
            return true;
        }
        let deadline = dom::now() + TRAIN_MS;
        let r = self.session.train(speed, deadline, &mut dom::now);
        self.dirty = true;
        match r {
            Trained::Going => true,
            Trained::Planned(it) => {
                status::info(&format!(
                    "{it} iterations done; press Play to train {PLAN} more, or “Sample from the \
                     model” to see what it learned"
                ));
                false
            }
            Trained::Stopped(e) => {
                status::warn(&e);
                false
            }
        }
    }
    fn step(&mut self) {
        if let Err(e) = self.session.train_one() {
            status::warn(&e);
        }
        self.dirty = true;
    }
    fn relayout(&mut self) {
        self.plane.refit();
    }
    fn reset(&mut self, seed: u64) {
        self.session.restart(seed);
        self.session.take_note();
        self.field_seen = None;
        self.dirty = true;
    }
    fn draw(&mut self) -> Result<(), JsValue> {
        // Background work runs every frame while this tab is shown, playing or not.
        if let Err(e) = self.session.apply_data() {
            status::warn(&e);
        }
        if !self.render_due {
            let deadline = dom::now() + GRID_MS;
            self.session.advance_field(deadline, &mut dom::now);
        }
        let deadline = dom::now() + SAMPLE_MS;
        if let Some(msg) = self.session.advance_sampling(deadline, &mut dom::now) {
            status::info(&msg);
            self.dirty = true;
        }
        if self.session.sampling() {
            self.dirty = true;
        }
        self.render_field();
        self.publish();
        if self.dirty {
            self.dirty = false;
            self.paint()?;
            self.update_readouts()?;
            self.draw_chart();
        }
        Ok(())
    }
    fn save(&self, p: &mut Params) {
        settings::save(self, p);
    }
    fn load(&mut self, p: &Params) -> Vec<String> {
        let msgs = settings::load(self, p);
        // Settings first, then a fresh start from the seed: the link alone fixes the run.
        self.session.use_preset();
        let seed = self.session.seed();
        self.reset(seed);
        msgs
    }
}
