//! The "Train an energy" lab (lecture: "Energy-Based Model: Training"). A small network
//! `E_θ(x)` on the plane is trained by contrastive divergence,
//! `∇θL ≈ ∇θ(−E(x_train) + E(x_sample))`, with negatives `x_sample` from Langevin dynamics
//! `x ← x − (ε/2)∇ₓE + √ε ξ`. The view shows the energy landscape as a heatmap with the data and
//! the current negatives on top, and the loss and mean energies as live traces. All model math is
//! in `crate::core::ebm`; this file wires controls, paints and plots.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, HtmlProgressElement, PointerEvent};

use super::app::{mark_dirty, Lab};
use super::canvas::PixelLayer;
use super::plot::{viridis, Axes, Plot, Series, SeriesData, PALETTE};
use super::{dom, status};
use crate::core::ebm::{Dataset, EbmError, GridView, Preset, TrainConfig, Trainer};
use crate::core::params::Params;
use crate::core::rng::Rng;
use crate::core::trace::Trace;

/// URL keys of the presets, in [`Preset::ALL`] order.
const PRESET_KEYS: [&str; 5] = ["moons", "rings", "8gauss", "spiral", "2gauss"];
/// Default preset (index into [`Preset::ALL`]): eight well separated modes train quickly.
const DEFAULT_PRESET: usize = 2;
/// Hidden widths offered.
pub const HIDDEN: [usize; 3] = [32, 64, 128];
/// Default hidden width.
const DEFAULT_HIDDEN: usize = 64;
/// Allowed number of preset points.
pub const N_RANGE: (usize, usize) = (10, 10_000);
const DEFAULT_N: usize = 1000;
/// Allowed Adam learning rates.
pub const LR_RANGE: (f64, f64) = (1e-5, 0.1);
/// Allowed Langevin step sizes ε.
pub const STEP_RANGE: (f64, f64) = (1e-4, 0.5);
/// Most points a student may place by hand.
const MAX_USER_POINTS: usize = 10_000;

/// Side of the energy grid evaluated by the core (bilinearly upsampled for display).
const GRID: usize = 64;
/// Rows of the energy grid evaluated per call (a pass is spread over frames).
const BAND: usize = 8;
/// Side of the field canvas in pixels.
const VIEW: usize = 480;
/// Points drawn by "Sample from the model", and their Langevin steps from uniform starts.
const SAMPLE_POINTS: usize = 500;
const SAMPLE_STEPS: usize = 200;
/// Iterations per "run": Play stops after this many, and pressing it again continues.
const PLAN: usize = 2000;
/// Per-frame time budgets in ms (training, energy grid, sampling): a frame stays under ~30 ms.
const TRAIN_MS: f64 = 14.0;
const GRID_MS: f64 = 4.0;
const SAMPLE_MS: f64 = 6.0;
/// The colour scale spans the lowest energy up to this quantile of the grid (higher energies
/// saturate), so a few very high corners do not wash out the valleys where the data lie.
const COLOUR_QUANTILE: f64 = 0.75;
/// Smallest colour span in units of energy: a nearly flat landscape looks flat, not noisy.
const MIN_SPAN: f32 = 1.0;
/// Points a loss trace keeps.
const TRACE_CAP: usize = 800;

/// Dot colours (fill, ring): data white with a black ring, negatives vermillion with a cream
/// ring, model samples sky blue with a black ring — distinct from each other and from the
/// viridis background.
const DATA_RGB: ([u8; 3], [u8; 3]) = ([255, 255, 255], [0, 0, 0]);
const NEG_RGB: ([u8; 3], [u8; 3]) = ([213, 94, 0], [255, 232, 200]);
const SAMPLE_RGB: ([u8; 3], [u8; 3]) = ([86, 180, 233], [0, 0, 0]);

/// Milliseconds since page load (0 if the clock is unavailable).
fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Reads a number typed by a user and keeps it in `[lo, hi]`: returns the value to use and, if
/// it had to be clamped, a message saying so. Errors (with a message) on text that is not a
/// finite number.
fn parse_clamped(
    text: &str,
    lo: f64,
    hi: f64,
    what: &str,
) -> Result<(f64, Option<String>), String> {
    let v: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{what} {text:?} is not a number"))?;
    if !v.is_finite() {
        return Err(format!("{what} must be a finite number"));
    }
    if v < lo {
        Ok((
            lo,
            Some(format!("{what} {v} is too small; clamped to {lo}")),
        ))
    } else if v > hi {
        Ok((
            hi,
            Some(format!("{what} {v} is too large; clamped to {hi}")),
        ))
    } else {
        Ok((v, None))
    }
}

/// A labelled text field for a number (validated by the caller on `change`).
fn number_field(
    parent: &HtmlElement,
    label: &str,
    value: &str,
    title: &str,
) -> Result<HtmlInputElement, JsValue> {
    let wrap = dom::el(parent, "label", "ctl")?;
    wrap.set_title(title);
    dom::text(&wrap, "span", "ctl-name", label)?;
    let input = dom::el(&wrap, "input", "energy-num")?.dyn_into::<HtmlInputElement>()?;
    input.set_type("text");
    input.set_attribute("inputmode", "decimal")?;
    input.set_attribute("spellcheck", "false")?;
    input.set_value(value);
    Ok(input)
}

/// Puts a one-line explanation on a control's label.
fn tip(control: &web_sys::Element, text: &str) -> Result<(), JsValue> {
    match control.parent_element() {
        Some(label) => label.set_attribute("title", text),
        None => control.set_attribute("title", text),
    }
}

/// Draws a round dot of radius `r` pixels at `(cx, cy)`: a ring colour, then a fill inside.
fn dot(buf: &mut [u8], cx: i32, cy: i32, r: i32, (fill, ring): ([u8; 3], [u8; 3])) {
    let side = VIEW as i32;
    for dy in -r..=r {
        for dx in -r..=r {
            let d2 = dx * dx + dy * dy;
            if d2 > r * r + 1 {
                continue;
            }
            let (x, y) = (cx + dx, cy + dy);
            if !(0..side).contains(&x) || !(0..side).contains(&y) {
                continue;
            }
            let c = if d2 > (r - 1) * (r - 1) && r > 1 {
                ring
            } else {
                fill
            };
            let k = 4 * (y as usize * VIEW + x as usize);
            buf[k..k + 3].copy_from_slice(&c);
            buf[k + 3] = 255;
        }
    }
}

/// Controls the lab updates from code.
struct Widgets {
    preset: web_sys::HtmlSelectElement,
    hidden: web_sys::HtmlSelectElement,
    n: HtmlInputElement,
    lr: HtmlInputElement,
    step: HtmlInputElement,
}

/// The energy lab's state.
pub struct EnergyLab {
    panel: HtmlElement,
    field: PixelLayer,
    seed: u64,
    rng: Rng,
    preset: usize,
    n_points: usize,
    hidden: usize,
    lr: f64,
    step: f64,
    /// Training points, flat `[x₀, y₀, …]`.
    data: Vec<f32>,
    /// The points were edited by hand (added or cleared) since the preset was drawn.
    custom: bool,
    /// `data` changed and the trainer has not seen it yet.
    data_pending: bool,
    trainer: Option<Trainer>,
    /// Play pauses when the iteration count reaches this (the progress bar's 100 %).
    stop_at: usize,
    // Energy grid: a pass over the rows fills `grid`, then swaps into `grid_show`.
    grid: Vec<f32>,
    grid_show: Vec<f32>,
    grid_row: usize,
    grid_range: [f32; 2],
    show_range: [f32; 2],
    /// Whether the top of the colour scale cuts off higher energies.
    show_clipped: bool,
    /// Scratch copy of the grid for the colour-scale quantile.
    sorted: Vec<f32>,
    /// Iteration at which the shown grid's pass started (`None`: recompute now).
    grid_iter: Option<usize>,
    /// Bilinear lookup for each display pixel: (lower grid index, weight of the upper one).
    lookup: Vec<(usize, f32)>,
    /// 256-entry viridis colour table.
    lut: Vec<[u8; 3]>,
    /// The field's colours without the dots.
    base: Vec<u8>,
    // "Sample from the model".
    samples: Vec<f32>,
    has_samples: bool,
    sampling: bool,
    sample_steps: usize,
    sample_rng: Rng,
    show_data: bool,
    show_neg: bool,
    show_samples: bool,
    add_mode: bool,
    /// Client position of the last point added in the current stroke.
    stroke: Option<(f64, f64)>,
    loss: Trace,
    e_data: Trace,
    e_neg: Trace,
    base_dirty: bool,
    overlay_dirty: bool,
    charts_dirty: bool,
    readout_dirty: bool,
    readout: HtmlElement,
    ro_iter: HtmlElement,
    ro_loss: HtmlElement,
    ro_ed: HtmlElement,
    ro_en: HtmlElement,
    ro_points: HtmlElement,
    progress: HtmlProgressElement,
    sample_progress: HtmlProgressElement,
    cbar_lo: HtmlElement,
    cbar_hi: HtmlElement,
    loss_plot: Plot,
    widgets: Option<Widgets>,
}

impl EnergyLab {
    /// Builds the lab (hidden until its tab is chosen).
    pub fn new(seed: u64) -> Result<Rc<RefCell<Self>>, JsValue> {
        let doc = dom::document()?;
        let panel = doc.create_element("section")?.dyn_into::<HtmlElement>()?;
        panel.set_class_name("lab energy hidden");
        panel.set_id("lab-energy");
        let cols = dom::el(&panel, "div", "cols")?;
        let left = dom::el(&cols, "div", "col energy-left")?;
        let right = dom::el(&cols, "div", "col side-col")?;

        let field = PixelLayer::new(&left, "energy-field", VIEW as u32, VIEW as u32)?;
        dom::img_label(
            &field.canvas,
            "energy landscape E(x) on the plane (dark = low energy = likely), with the data \
             points (white), Langevin negatives (vermillion) and model samples (blue)",
        )?;
        let cbar_row = dom::el(&left, "div", "energy-cbar-row")?;
        let cbar_lo = dom::text(&cbar_row, "span", "energy-cbar-lab", "low E")?;
        let mut cbar = PixelLayer::new(&cbar_row, "energy-cbar", 256, 1)?;
        cbar.canvas
            .set_attribute("aria-label", "colour scale of the energy, low to high")?;
        let cbar_hi = dom::text(&cbar_row, "span", "energy-cbar-lab", "high E")?;
        let lut: Vec<[u8; 3]> = (0..256).map(|i| viridis(i as f64 / 255.0)).collect();
        for (px, c) in cbar.buf.chunks_exact_mut(4).zip(&lut) {
            px[..3].copy_from_slice(c);
            px[3] = 255;
        }
        cbar.blit()?;

        let readout = dom::el(&left, "div", "readout energy-readout")?;
        readout.set_id("energy-readout");
        let cell = |name: &str, id: &str, title: &str| -> Result<HtmlElement, JsValue> {
            let c = dom::el(&readout, "div", "energy-ro")?;
            c.set_title(title);
            dom::text(&c, "span", "energy-ro-name", name)?;
            let v = dom::text(&c, "span", "energy-ro-value", "–")?;
            v.set_id(id);
            Ok(v)
        };
        let ro_iter = cell("iteration", "energy-iter", "Training iterations done")?;
        let ro_loss = cell(
            "loss",
            "energy-loss",
            "mean E(data) − mean E(negatives) + α·(mean E(data)² + mean E(negatives)²)",
        )?;
        let ro_ed = cell(
            "E(data)",
            "energy-edata",
            "Mean energy of the data batch: training pushes it down",
        )?;
        let ro_en = cell(
            "E(neg)",
            "energy-eneg",
            "Mean energy of the Langevin negatives: training pushes it up",
        )?;
        let ro_points = cell("points", "energy-points", "Number of training points")?;

        let data_box = dom::el(&right, "div", "controls")?;
        dom::text(&data_box, "h3", "", "Data")?;
        let model_box = dom::el(&right, "div", "controls")?;
        dom::text(&model_box, "h3", "", "Model and training")?;
        // The progress row is moved below the model's controls in `wire`.
        let row = dom::el(&model_box, "div", "row energy-progress-row")?;
        dom::text(&row, "span", "ctl-name", "Progress")?;
        let progress = dom::el(&row, "progress", "")?.dyn_into::<HtmlProgressElement>()?;
        progress.set_id("energy-progress");
        progress.set_max(1.0);
        progress.set_value(0.0);
        progress.set_attribute("aria-label", "training progress")?;
        let sample_box = dom::el(&right, "div", "controls")?;
        dom::text(&sample_box, "h3", "", "Sampling")?;
        let chart_box = dom::el(&left, "div", "energy-chart")?;
        let loss_plot = Plot::new(&chart_box, "plot", 480.0, 185.0)?;
        loss_plot.canvas.set_attribute(
            "aria-label",
            "loss, mean energy of the data and mean energy of the negatives against iterations",
        )?;
        let sample_progress = dom::el(&sample_box, "progress", "energy-sample-progress")?
            .dyn_into::<HtmlProgressElement>()?;
        sample_progress.set_id("energy-sample-progress");
        sample_progress.set_max(1.0);
        sample_progress.set_value(0.0);
        sample_progress.set_attribute("aria-label", "sampling progress")?;

        // Bilinear lookup from display pixel centres to grid cell centres (same for x and y).
        let lookup = (0..VIEW)
            .map(|i| {
                let u = (i as f64 + 0.5) / VIEW as f64 * GRID as f64 - 0.5;
                let c0 = (u.floor().max(0.0) as usize).min(GRID - 2);
                let f = (u - c0 as f64).clamp(0.0, 1.0) as f32;
                (c0, f)
            })
            .collect();

        let lab = Rc::new(RefCell::new(Self {
            panel,
            field,
            seed,
            rng: Rng::new(seed),
            preset: DEFAULT_PRESET,
            n_points: DEFAULT_N,
            hidden: DEFAULT_HIDDEN,
            lr: f64::from(TrainConfig::default().learning_rate),
            step: f64::from(TrainConfig::default().step_size),
            data: Vec::new(),
            custom: false,
            data_pending: false,
            trainer: None,
            stop_at: PLAN,
            grid: vec![0.0; GRID * GRID],
            grid_show: vec![0.0; GRID * GRID],
            grid_row: 0,
            grid_range: [f32::INFINITY, f32::NEG_INFINITY],
            show_range: [0.0, 1.0],
            show_clipped: false,
            sorted: Vec::with_capacity(GRID * GRID),
            grid_iter: None,
            lookup,
            lut,
            base: vec![0; 4 * VIEW * VIEW],
            samples: vec![0.0; 2 * SAMPLE_POINTS],
            has_samples: false,
            sampling: false,
            sample_steps: 0,
            sample_rng: Rng::new(seed),
            show_data: true,
            show_neg: true,
            show_samples: true,
            add_mode: false,
            stroke: None,
            loss: Trace::new(TRACE_CAP),
            e_data: Trace::new(TRACE_CAP),
            e_neg: Trace::new(TRACE_CAP),
            base_dirty: true,
            overlay_dirty: true,
            charts_dirty: true,
            readout_dirty: true,
            readout,
            ro_iter,
            ro_loss,
            ro_ed,
            ro_en,
            ro_points,
            progress,
            sample_progress,
            cbar_lo,
            cbar_hi,
            loss_plot,
            widgets: None,
        }));
        Self::wire(&lab, &data_box, &model_box, &sample_box)?;
        lab.borrow_mut().rebuild();
        Ok(lab)
    }

    fn wire(
        lab: &Rc<RefCell<Self>>,
        data_box: &HtmlElement,
        model_box: &HtmlElement,
        sample_box: &HtmlElement,
    ) -> Result<(), JsValue> {
        // --- Data ---
        let preset = {
            let l = lab.clone();
            let names: Vec<&str> = Preset::ALL.iter().map(|p| p.name()).collect();
            let sel = dom::select(data_box, "Preset", &names, DEFAULT_PRESET, move |i| {
                let mut s = l.borrow_mut();
                s.preset = i.min(Preset::ALL.len() - 1);
                s.custom = false;
                s.rebuild();
                status::info(&format!(
                    "{} points from “{}”; the model starts afresh",
                    s.n_points,
                    Preset::ALL[s.preset].name()
                ));
                mark_dirty();
            })?;
            tip(
                &sel,
                "The training data x_train: points drawn from a toy density on the plane",
            )?;
            sel
        };
        let n = number_field(
            data_box,
            "Points",
            &DEFAULT_N.to_string(),
            "How many points to draw from the preset (10 to 10 000)",
        )?;
        {
            let l = lab.clone();
            let input = n.clone();
            dom::on(&n, "change", move |_: web_sys::Event| {
                let mut s = l.borrow_mut();
                match parse_clamped(
                    &input.value(),
                    N_RANGE.0 as f64,
                    N_RANGE.1 as f64,
                    "number of points",
                ) {
                    Ok((v, msg)) => {
                        s.n_points = v.round() as usize;
                        input.set_value(&s.n_points.to_string());
                        s.custom = false;
                        s.rebuild();
                        match msg {
                            Some(m) => status::warn(&m),
                            None => status::info(&format!(
                                "{} points from “{}”; the model starts afresh",
                                s.n_points,
                                Preset::ALL[s.preset].name()
                            )),
                        }
                        mark_dirty();
                    }
                    Err(m) => {
                        input.set_value(&s.n_points.to_string());
                        status::warn(&format!("{m}; kept {}", s.n_points));
                    }
                }
            })?;
        }
        {
            let l = lab.clone();
            let c = dom::checkbox(data_box, "Click to add points", false, move |on| {
                let mut s = l.borrow_mut();
                s.add_mode = on;
                let _ = s.field.canvas.class_list().toggle_with_force("adding", on);
                if on {
                    status::info("click or drag on the plane to add training points");
                }
            })?;
            tip(
                &c,
                "Draw your own data: each click (or drag) on the plane adds a training point",
            )?;
        }
        let row = dom::el(data_box, "div", "row")?;
        {
            let l = lab.clone();
            dom::button(
                &row,
                "Clear points",
                "Remove every training point (then click on the plane to add your own)",
                move || {
                    let mut s = l.borrow_mut();
                    s.data.clear();
                    s.custom = true;
                    s.data_pending = true;
                    s.overlay_dirty = true;
                    s.readout_dirty = true;
                    status::info("no points left: tick “Click to add points” and draw your data");
                },
            )?;
        }
        let shows = dom::el(data_box, "div", "row energy-shows")?;
        for (i, (label, title, class)) in [
            ("data", "Show the training points", "data"),
            (
                "negatives",
                "Show the current negatives x_sample (Langevin chains of the last iteration)",
                "neg",
            ),
            (
                "samples",
                "Show the samples drawn by “Sample from the model”",
                "sample",
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let l = lab.clone();
            let c = dom::checkbox(&shows, label, true, move |on| {
                let mut s = l.borrow_mut();
                match i {
                    0 => s.show_data = on,
                    1 => s.show_neg = on,
                    _ => s.show_samples = on,
                }
                s.overlay_dirty = true;
            })?;
            tip(&c, title)?;
            if let Some(label_el) = c.parent_element() {
                let sw = dom::document()?.create_element("span")?;
                // Colours in the style sheet (the page's CSP forbids inline styles).
                sw.set_class_name(&format!("energy-swatch {class}"));
                sw.set_attribute("aria-hidden", "true")?;
                label_el.insert_before(&sw, c.next_sibling().as_ref())?;
            }
        }

        // --- Model and training ---
        let hidden = {
            let l = lab.clone();
            let names: Vec<String> = HIDDEN.iter().map(|h| format!("{h} units")).collect();
            let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
            let chosen = HIDDEN
                .iter()
                .position(|&h| h == DEFAULT_HIDDEN)
                .unwrap_or(1);
            let sel = dom::select(model_box, "Hidden width", &refs, chosen, move |i| {
                let mut s = l.borrow_mut();
                s.hidden = HIDDEN[i.min(HIDDEN.len() - 1)];
                s.rebuild();
                status::info(&format!(
                    "energy network 2 → {0} → {0} → 1 (SiLU); the model starts afresh",
                    s.hidden
                ));
                mark_dirty();
            })?;
            tip(
                &sel,
                "Width H of the energy network E_θ: 2 → H → H → 1 with SiLU units; wider is more \
                 flexible and slower",
            )?;
            sel
        };
        let lr = number_field(
            model_box,
            "Learning rate",
            &format_num(lab.borrow().lr),
            "Adam step size for θ in ∇θL ≈ ∇θ(−E(x_train) + E(x_sample)); 1e-5 to 0.1",
        )?;
        {
            let l = lab.clone();
            let input = lr.clone();
            dom::on(&lr, "change", move |_: web_sys::Event| {
                let mut s = l.borrow_mut();
                match parse_clamped(&input.value(), LR_RANGE.0, LR_RANGE.1, "learning rate") {
                    Ok((v, msg)) => {
                        s.set_learning_rate(v);
                        input.set_value(&format_num(s.lr));
                        match msg {
                            Some(m) => status::warn(&m),
                            None => status::info(&format!("learning rate {}", format_num(s.lr))),
                        }
                        mark_dirty();
                    }
                    Err(m) => {
                        input.set_value(&format_num(s.lr));
                        status::warn(&format!("{m}; kept {}", format_num(s.lr)));
                    }
                }
            })?;
        }
        let step = number_field(
            model_box,
            "Langevin ε",
            &format_num(lab.borrow().step),
            "Langevin step size ε in x ← x − (ε/2)∇ₓE(x) + √ε·ξ (the negatives); 1e-4 to 0.5",
        )?;
        {
            let l = lab.clone();
            let input = step.clone();
            dom::on(&step, "change", move |_: web_sys::Event| {
                let mut s = l.borrow_mut();
                match parse_clamped(
                    &input.value(),
                    STEP_RANGE.0,
                    STEP_RANGE.1,
                    "Langevin step size",
                ) {
                    Ok((v, msg)) => {
                        s.set_step_size(v);
                        input.set_value(&format_num(s.step));
                        match msg {
                            Some(m) => status::warn(&m),
                            None => status::info(&format!(
                                "Langevin step size ε = {}",
                                format_num(s.step)
                            )),
                        }
                        mark_dirty();
                    }
                    Err(m) => {
                        input.set_value(&format_num(s.step));
                        status::warn(&format!("{m}; kept {}", format_num(s.step)));
                    }
                }
            })?;
        }
        dom::text(
            model_box,
            "p",
            "muted energy-note",
            "Play trains (iterations per frame = Speed); each iteration runs 20 Langevin steps \
             on 128 negatives, then lowers E on the data and raises it on the negatives.",
        )?;
        if let Some(row) = model_box.query_selector(".energy-progress-row")? {
            model_box.append_child(&row)?;
        }

        // --- Sampling ---
        let sample_btn = {
            let l = lab.clone();
            let b = dom::button(
                sample_box,
                "Sample from the model",
                "Run Langevin dynamics on the current energy from 500 uniform starts \
                 (200 steps, animated)",
                move || l.borrow_mut().start_sampling(),
            )?;
            b.set_class_name("btn energy-sample-btn");
            b
        };
        // The button goes before the progress bar created in `new`.
        if let Some(first) = sample_box.query_selector("progress")? {
            sample_box.insert_before(&sample_btn, Some(&first))?;
        }

        // --- Adding points with the pointer ---
        let canvas = lab.borrow().field.canvas.clone();
        {
            let l = lab.clone();
            let c = canvas.clone();
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
                // A drag sprays a point every 6 CSS pixels.
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

        lab.borrow_mut().widgets = Some(Widgets {
            preset,
            hidden,
            n,
            lr,
            step,
        });
        Ok(())
    }

    fn config(&self) -> TrainConfig {
        TrainConfig {
            hidden: self.hidden,
            learning_rate: self.lr as f32,
            step_size: self.step as f32,
            total_iterations: PLAN,
            ..TrainConfig::default()
        }
    }

    /// Starts over from the seed: redraws the preset (unless the points were edited by hand),
    /// builds a fresh network and replay buffer, clears traces and samples.
    fn rebuild(&mut self) {
        self.rng = Rng::new(self.seed);
        if !self.custom {
            match Dataset::preset(Preset::ALL[self.preset], self.n_points, &mut self.rng) {
                Ok(d) => {
                    self.data.clear();
                    self.data.extend_from_slice(d.points());
                }
                Err(e) => status::warn(&e.to_string()),
            }
        }
        self.data_pending = false;
        self.trainer = None;
        if !self.data.is_empty() {
            let built = Dataset::from_flat(&self.data)
                .and_then(|d| Trainer::new(self.config(), &d, &mut self.rng));
            match built {
                Ok(t) => self.trainer = Some(t),
                Err(e) => status::warn(&format!("cannot train: {e}")),
            }
        }
        self.stop_at = PLAN;
        self.loss.clear();
        self.e_data.clear();
        self.e_neg.clear();
        self.has_samples = false;
        self.sampling = false;
        self.sample_progress.set_value(0.0);
        // The first landscape is computed at once; later ones are spread over frames.
        self.grid_row = 0;
        self.grid_iter = None;
        self.advance_grid(f64::INFINITY);
        self.charts_dirty = true;
        self.readout_dirty = true;
        self.overlay_dirty = true;
    }

    /// Hands edited points to the trainer (keeping the model), or builds one if there was none.
    fn apply_data(&mut self) {
        if !self.data_pending {
            return;
        }
        self.data_pending = false;
        if self.data.is_empty() {
            return;
        }
        let d = match Dataset::from_flat(&self.data) {
            Ok(d) => d,
            Err(e) => {
                status::warn(&format!("points refused: {e}"));
                return;
            }
        };
        let result = match self.trainer.as_mut() {
            Some(t) => t.set_data(&d),
            None => Trainer::new(self.config(), &d, &mut self.rng).map(|t| {
                self.trainer = Some(t);
                self.grid_iter = None;
            }),
        };
        if let Err(e) = result {
            status::warn(&format!("points refused: {e}"));
        }
    }

    fn add_point_at(&mut self, client: (f64, f64)) {
        if self.data.len() / 2 >= MAX_USER_POINTS {
            status::warn(&format!(
                "at most {MAX_USER_POINTS} points can be placed by hand; clear some first"
            ));
            return;
        }
        let r = self.field.canvas.get_bounding_client_rect();
        if r.width() <= 0.0 || r.height() <= 0.0 {
            return;
        }
        let fx = (client.0 - r.left()) / r.width();
        let fy = (client.1 - r.top()) / r.height();
        if !(0.0..1.0).contains(&fx) || !(0.0..1.0).contains(&fy) {
            return;
        }
        let w = f64::from(self.half_width());
        let inner = w * 0.999;
        let x = (-w + 2.0 * w * fx).clamp(-inner, inner);
        let y = (w - 2.0 * w * fy).clamp(-inner, inner);
        self.data.push(x as f32);
        self.data.push(y as f32);
        self.custom = true;
        self.data_pending = true;
        self.overlay_dirty = true;
        self.readout_dirty = true;
    }

    fn half_width(&self) -> f32 {
        self.trainer
            .as_ref()
            .map(|t| t.config().half_width)
            .unwrap_or(TrainConfig::default().half_width)
    }

    /// After a divergence the trainer refuses to step; a new one continues from the last good
    /// network (fresh optimiser and replay buffer).
    fn revive(&mut self) {
        let failed = self.trainer.as_ref().is_some_and(|t| t.failure().is_some());
        if !failed || self.data.is_empty() {
            return;
        }
        let Some(old) = self.trainer.take() else {
            return;
        };
        let built = Dataset::from_flat(&self.data).and_then(|d| {
            Trainer::with_model(self.config(), old.model().clone(), &d, &mut self.rng)
        });
        match built {
            Ok(t) => {
                self.stop_at = t.iteration() + PLAN;
                self.trainer = Some(t);
            }
            Err(e) => {
                status::warn(&format!("cannot continue: {e}"));
                self.trainer = Some(old);
            }
        }
    }

    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
        self.revive();
        if let Some(t) = self.trainer.as_mut() {
            if let Err(e) = t.set_learning_rate(lr as f32) {
                status::warn(&e.to_string());
            }
        }
    }

    fn set_step_size(&mut self, eps: f64) {
        self.step = eps;
        self.revive();
        if let Some(t) = self.trainer.as_mut() {
            if let Err(e) = t.set_step_size(eps as f32) {
                status::warn(&e.to_string());
            }
        }
    }

    /// One training iteration; `false` if none could run (no data, or training stopped).
    fn train_one(&mut self) -> bool {
        self.apply_data();
        if self.data.is_empty() {
            status::warn("no training points: choose a preset or click on the plane to add some");
            return false;
        }
        let Some(t) = self.trainer.as_mut() else {
            return false;
        };
        match t.step(&mut self.rng) {
            Ok(s) => {
                let i = s.iteration as f64;
                self.loss.push(i, s.loss);
                self.e_data.push(i, s.energy_data);
                self.e_neg.push(i, s.energy_negative);
                self.charts_dirty = true;
                self.readout_dirty = true;
                self.overlay_dirty = true;
                true
            }
            Err(e) => {
                self.report_failure(&e);
                false
            }
        }
    }

    fn report_failure(&mut self, e: &EbmError) {
        status::warn(&format!(
            "{e}. Training stopped: lower the learning rate or the Langevin step size to \
             continue, or press Reset."
        ));
        self.readout_dirty = true;
    }

    /// Advances the energy-grid pass for up to `budget_ms`; swaps in a finished landscape.
    fn advance_grid(&mut self, budget_ms: f64) {
        let Some(t) = self.trainer.as_mut() else {
            return;
        };
        if self.grid_row == 0 {
            if self.grid_iter == Some(t.iteration()) {
                return; // the shown landscape is current
            }
            self.grid_iter = Some(t.iteration());
            self.grid_range = [f32::INFINITY, f32::NEG_INFINITY];
        }
        let full = t.default_view(GRID, GRID);
        let dy = (full.y_max - full.y_min) / GRID as f32;
        let t0 = now();
        while self.grid_row < GRID {
            let r0 = self.grid_row;
            let r1 = (r0 + BAND).min(GRID);
            // The band of rows r0..r1 as its own view: same pixel centres as the full grid.
            let view = GridView {
                y_max: full.y_max - r0 as f32 * dy,
                y_min: full.y_max - r1 as f32 * dy,
                height: r1 - r0,
                ..full
            };
            match t.energy_grid(&view, &mut self.grid[r0 * GRID..r1 * GRID]) {
                Ok([lo, hi]) => {
                    self.grid_range = [self.grid_range[0].min(lo), self.grid_range[1].max(hi)];
                }
                Err(e) => {
                    status::warn(&format!("energy landscape not drawn: {e}"));
                    self.grid_row = 0;
                    return;
                }
            }
            self.grid_row = r1;
            if now() - t0 > budget_ms {
                break;
            }
        }
        if self.grid_row >= GRID {
            self.grid_row = 0;
            std::mem::swap(&mut self.grid, &mut self.grid_show);
            self.set_colour_range();
            self.base_dirty = true;
        }
    }

    /// Colour scale for the shown grid: from its minimum to its [`COLOUR_QUANTILE`] (at least
    /// [`MIN_SPAN`] wide, at most its maximum).
    fn set_colour_range(&mut self) {
        let [lo, hi] = self.grid_range;
        self.sorted.clear();
        self.sorted
            .extend(self.grid_show.iter().copied().filter(|v| v.is_finite()));
        if self.sorted.is_empty() || !lo.is_finite() || !hi.is_finite() {
            self.show_range = [0.0, 1.0];
            self.show_clipped = false;
            return;
        }
        let k = ((self.sorted.len() - 1) as f64 * COLOUR_QUANTILE) as usize;
        let (_, q, _) = self.sorted.select_nth_unstable_by(k, |a, b| a.total_cmp(b));
        let top = q.max(lo + MIN_SPAN).min(hi.max(lo + MIN_SPAN));
        self.show_clipped = top < hi;
        self.show_range = [lo, top];
    }

    /// Colours the field from the shown grid (bilinear upsampling, viridis).
    fn colour_base(&mut self) {
        let [lo, hi] = self.show_range;
        let span = if hi > lo && (hi - lo).is_finite() {
            hi - lo
        } else {
            1.0
        };
        let g = &self.grid_show;
        for (j, row) in self.base.chunks_exact_mut(4 * VIEW).enumerate() {
            let (r0, fy) = self.lookup[j];
            for (i, px) in row.chunks_exact_mut(4).enumerate() {
                let (c0, fx) = self.lookup[i];
                let a = g[r0 * GRID + c0];
                let b = g[r0 * GRID + c0 + 1];
                let c = g[(r0 + 1) * GRID + c0];
                let d = g[(r0 + 1) * GRID + c0 + 1];
                let top = a + (b - a) * fx;
                let bottom = c + (d - c) * fx;
                let v = top + (bottom - top) * fy;
                let k = (((v - lo) / span).clamp(0.0, 1.0) * 255.0).round() as usize;
                px[..3].copy_from_slice(&self.lut[k.min(255)]);
                px[3] = 255;
            }
        }
        let fmt = |v: f32| {
            if v.is_finite() {
                format!("{v:.2}")
            } else {
                "–".into()
            }
        };
        self.cbar_lo
            .set_text_content(Some(&format!("low E {} (likely)", fmt(lo))));
        let at_least = if self.show_clipped { "≥ " } else { "" };
        self.cbar_hi
            .set_text_content(Some(&format!("{at_least}{} high E (unlikely)", fmt(hi))));
    }

    /// Base colours plus the dots, then one blit.
    fn paint_field(&mut self) -> Result<(), JsValue> {
        self.field.buf.copy_from_slice(&self.base);
        let w = self.half_width();
        let to_px = |x: f32, y: f32| -> (i32, i32) {
            let px = ((x + w) / (2.0 * w) * VIEW as f32).floor() as i32;
            let py = ((w - y) / (2.0 * w) * VIEW as f32).floor() as i32;
            (px, py)
        };
        let buf = &mut self.field.buf;
        if self.show_data {
            for p in self.data.chunks_exact(2) {
                let (x, y) = to_px(p[0], p[1]);
                dot(buf, x, y, 2, DATA_RGB);
            }
        }
        if self.show_samples && self.has_samples {
            for p in self.samples.chunks_exact(2) {
                let (x, y) = to_px(p[0], p[1]);
                dot(buf, x, y, 3, SAMPLE_RGB);
            }
        }
        if self.show_neg {
            if let Some(t) = &self.trainer {
                if t.iteration() > 0 {
                    for p in t.negatives().chunks_exact(2) {
                        let (x, y) = to_px(p[0], p[1]);
                        dot(buf, x, y, 3, NEG_RGB);
                    }
                }
            }
        }
        self.field.blit()
    }

    fn start_sampling(&mut self) {
        let Some(t) = self.trainer.as_mut() else {
            status::warn("no model to sample from: add training points first");
            return;
        };
        // Its own stream (from the seed and the iteration), so sampling never changes training.
        self.sample_rng =
            Rng::new(self.seed ^ (t.iteration() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        match t.sample(&mut self.samples, 0, &mut self.sample_rng) {
            Ok(()) => {
                self.sampling = true;
                self.has_samples = true;
                self.sample_steps = 0;
                self.sample_progress.set_value(0.0);
                self.overlay_dirty = true;
                self.readout_dirty = true;
                status::info(&format!(
                    "sampling: {SAMPLE_POINTS} Langevin chains from uniform starts, \
                     {SAMPLE_STEPS} steps of x ← x − (ε/2)∇E + √ε ξ"
                ));
            }
            Err(e) => status::warn(&format!("sampling failed: {e}")),
        }
    }

    fn advance_sampling(&mut self, budget_ms: f64) {
        if !self.sampling {
            return;
        }
        let Some(t) = self.trainer.as_mut() else {
            self.sampling = false;
            return;
        };
        let t0 = now();
        while self.sample_steps < SAMPLE_STEPS {
            if let Err(e) = t.continue_langevin(&mut self.samples, 1, &mut self.sample_rng) {
                status::warn(&format!("sampling stopped: {e}"));
                self.sampling = false;
                break;
            }
            self.sample_steps += 1;
            if now() - t0 > budget_ms {
                break;
            }
        }
        self.overlay_dirty = true;
        self.readout_dirty = true;
        self.sample_progress
            .set_value(self.sample_steps as f64 / SAMPLE_STEPS as f64);
        if self.sampling && self.sample_steps >= SAMPLE_STEPS {
            self.sampling = false;
            status::info(&format!(
                "{SAMPLE_POINTS} samples after {SAMPLE_STEPS} Langevin steps (blue): where they \
                 gather, the model puts low energy"
            ));
        }
    }

    fn update_readouts(&mut self) -> Result<(), JsValue> {
        let r = &self.readout;
        let (iteration, stats, failed) = match &self.trainer {
            Some(t) => (t.iteration(), t.last_stats(), t.failure().is_some()),
            None => (0, None, false),
        };
        let points = self.data.len() / 2;
        self.ro_iter.set_text_content(Some(&iteration.to_string()));
        self.ro_points.set_text_content(Some(&points.to_string()));
        r.set_attribute("data-iteration", &iteration.to_string())?;
        r.set_attribute("data-points", &points.to_string())?;
        r.set_attribute("data-failed", if failed { "1" } else { "0" })?;
        r.set_attribute(
            "data-samples",
            &if self.has_samples {
                self.sample_steps.to_string()
            } else {
                "0".into()
            },
        )?;
        let show = |el: &HtmlElement, v: Option<f64>| {
            el.set_text_content(Some(&match v {
                Some(v) => format!("{v:.3}"),
                None => "–".into(),
            }));
        };
        show(&self.ro_loss, stats.map(|s| s.loss));
        show(&self.ro_ed, stats.map(|s| s.energy_data));
        show(&self.ro_en, stats.map(|s| s.energy_negative));
        if let Some(s) = stats {
            r.set_attribute("data-loss", &s.loss.to_string())?;
            r.set_attribute("data-edata", &s.energy_data.to_string())?;
            r.set_attribute("data-eneg", &s.energy_negative.to_string())?;
        } else {
            for k in ["data-loss", "data-edata", "data-eneg"] {
                r.remove_attribute(k)?;
            }
        }
        self.progress
            .set_value((iteration as f64 / self.stop_at.max(1) as f64).min(1.0));
        Ok(())
    }

    fn draw_chart(&self) {
        self.loss_plot.line_chart(
            &Axes {
                title: "Contrastive divergence",
                x_label: "iteration",
                y_label: "value",
                ..Default::default()
            },
            &[
                Series {
                    name: "loss",
                    color: PALETTE[0],
                    data: SeriesData::Points(self.loss.points()),
                    dashed: false,
                },
                Series {
                    name: "mean E(data)",
                    color: PALETTE[7],
                    data: SeriesData::Points(self.e_data.points()),
                    dashed: false,
                },
                Series {
                    name: "mean E(negatives)",
                    color: PALETTE[5],
                    data: SeriesData::Points(self.e_neg.points()),
                    dashed: false,
                },
            ],
            &[],
            &[],
        );
    }

    /// Moves the controls to the current settings (without firing their handlers).
    fn sync_controls(&self) {
        if let Some(w) = &self.widgets {
            w.preset.set_selected_index(self.preset as i32);
            if let Some(i) = HIDDEN.iter().position(|&h| h == self.hidden) {
                w.hidden.set_selected_index(i as i32);
            }
            w.n.set_value(&self.n_points.to_string());
            w.lr.set_value(&format_num(self.lr));
            w.step.set_value(&format_num(self.step));
        }
    }
}

/// A short decimal for a rate or step size (`0.003`, `1e-5`).
fn format_num(v: f64) -> String {
    if v != 0.0 && v.abs() < 1e-3 {
        format!("{v:e}")
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

impl Lab for EnergyLab {
    fn id(&self) -> &'static str {
        "energy"
    }
    fn title(&self) -> &'static str {
        "Train an energy"
    }
    fn panel(&self) -> &HtmlElement {
        &self.panel
    }
    fn tick(&mut self, speed: u32) -> bool {
        let t0 = now();
        // Play after a finished run continues for another PLAN iterations.
        let it = self.trainer.as_ref().map_or(0, |t| t.iteration());
        if it >= self.stop_at {
            self.stop_at = it + PLAN;
        }
        for _ in 0..speed.max(1) {
            if !self.train_one() {
                return false;
            }
            let it = self.trainer.as_ref().map_or(0, |t| t.iteration());
            if it >= self.stop_at {
                status::info(&format!(
                    "{it} iterations done; press Play to train {PLAN} more, or “Sample from the \
                     model” to see what it learned"
                ));
                return false;
            }
            if now() - t0 > TRAIN_MS {
                break;
            }
        }
        true
    }
    fn step(&mut self) {
        self.train_one();
    }
    fn reset(&mut self, seed: u64) {
        self.seed = seed;
        self.rebuild();
    }
    fn draw(&mut self) -> Result<(), JsValue> {
        // Background work runs every frame while this tab is shown, playing or not.
        self.apply_data();
        self.advance_grid(GRID_MS);
        self.advance_sampling(SAMPLE_MS);
        if self.base_dirty {
            self.base_dirty = false;
            self.colour_base();
            self.overlay_dirty = true;
        }
        if self.overlay_dirty {
            self.overlay_dirty = false;
            self.paint_field()?;
        }
        if self.readout_dirty {
            self.readout_dirty = false;
            self.update_readouts()?;
        }
        if self.charts_dirty {
            self.charts_dirty = false;
            self.draw_chart();
        }
        Ok(())
    }
    fn save(&self, p: &mut Params) {
        p.set("preset", PRESET_KEYS[self.preset]);
        p.set("n", &self.n_points.to_string());
        p.set("hidden", &self.hidden.to_string());
        p.set("lr", &format_num(self.lr));
        p.set("step", &format_num(self.step));
    }
    fn load(&mut self, p: &Params) -> Vec<String> {
        let mut msgs = Vec::new();
        match p.choice("preset", &PRESET_KEYS) {
            Ok(Some(k)) => {
                self.preset = PRESET_KEYS.iter().position(|&x| x == k).unwrap_or(0);
            }
            Ok(None) => {}
            Err(e) => msgs.push(format!("{e} ({})", PRESET_KEYS.join(", "))),
        }
        match p.u64_in("n", N_RANGE.0 as u64, N_RANGE.1 as u64) {
            Ok(Some(n)) => self.n_points = n as usize,
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        match p.u64_in("hidden", 1, 1024) {
            Ok(Some(h)) if HIDDEN.contains(&(h as usize)) => self.hidden = h as usize,
            Ok(Some(h)) => msgs.push(format!(
                "hidden width {h} is not one of {HIDDEN:?}; kept {}",
                self.hidden
            )),
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        match p.f64_in("lr", LR_RANGE.0, LR_RANGE.1) {
            Ok(Some(v)) => self.lr = v,
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        match p.f64_in("step", STEP_RANGE.0, STEP_RANGE.1) {
            Ok(Some(v)) => self.step = v,
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        // Settings first, then a fresh start from the seed: the link alone fixes the run.
        self.custom = false;
        self.rebuild();
        self.sync_controls();
        msgs
    }
}
