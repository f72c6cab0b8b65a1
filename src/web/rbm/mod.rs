//! The RBM lab (lecture part 2, "Restricted Boltzmann Machine"): 0/1 visible and hidden units,
//! block Gibbs sampling and CD-k, trained in the page on the shipped 8 × 8 digits.
//!
//! Five sub-views share one panel: **Train** (weight filters, free-running samples,
//! reconstructions), **Complete** (clamp the known pixels of a drawing and Gibbs-sample the
//! rest), **Labels** (an RBM over pixels ‖ one-hot label: class posterior, held-out accuracy,
//! label-clamped generation), **Deep belief net** (greedy layer-wise pretraining, top-down
//! samples) and **Gaussian 2-D** (continuous visibles: the exponential-family remark).
//! Play trains the model of the current view in time-boxed slices and advances its chains;
//! Step does one epoch (or one Gibbs step once training is done). All math is in
//! `crate::core::rbm`; the runs in [`runs`] only schedule it.

mod pad;
mod runs;
mod scatter;
mod tiles;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    HtmlButtonElement, HtmlElement, HtmlInputElement, HtmlProgressElement, HtmlSelectElement,
};

use self::pad::Pad;
use self::runs::{
    dbn_top, Budget, Completion, DbnRun, DigitData, DigitRun, GaussRun, GaussSettings, History,
    Known, LabelRun, Seeds, Settings, BATCH_RANGE, COMPLETION_CHAINS, COND_CHAINS, DBN_CHAINS,
    EPOCH_RANGE, GAUSS_POINTS, G_HIDDEN_RANGE, G_LR_RANGE, HIDDEN_RANGE, K_RANGE, LR_RANGE,
    LR_STEPS, PIXELS, PRESETS, SAMPLE_CHAINS,
};
use self::scatter::Scatter;
use self::tiles::{grey, paint_filters, paint_probabilities, Grid, KNOWN_INK, KNOWN_PAPER};
use super::app::{mark_dirty, Lab};
use super::canvas::PixelLayer;
use super::dom::{self, Slider};
use super::plot::{Axes, Plot, RefLine, Series, SeriesData, PALETTE};
use super::status;
use crate::core::digits::CLASSES;
use crate::core::params::Params;
use crate::core::rbm::RbmError;

/// The shipped digits (UCI optical digits, CC BY 4.0; see `www/data/README.md`), embedded so
/// the page works offline and under a strict Content-Security-Policy.
static DIGITS: &[u8] = crate::core::digits::SHIPPED;

/// Milliseconds of training per animation frame (keeps a frame well under 25 ms).
const FRAME_BUDGET_MS: f64 = 10.0;
/// Digit mini-batches per frame at speed 1.
const BATCHES_PER_SPEED: usize = 8;
/// Most Gibbs steps per frame of the sample chains.
const MAX_GIBBS_PER_FRAME: usize = 20;
/// CSS pixels per image pixel of the tile grids.
const TILE_SCALE: u32 = 4;

/// The sub-views.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Training, filters, samples, reconstructions.
    Train,
    /// Pattern completion.
    Complete,
    /// Label units.
    Labels,
    /// Deep belief net.
    Dbn,
    /// Gaussian–Bernoulli RBM on 2-D points.
    Gauss,
}

impl View {
    /// Button order.
    pub const ALL: [View; 5] = [
        View::Train,
        View::Complete,
        View::Labels,
        View::Dbn,
        View::Gauss,
    ];

    /// URL id (`view=…`).
    pub fn id(self) -> &'static str {
        match self {
            View::Train => "train",
            View::Complete => "complete",
            View::Labels => "labels",
            View::Dbn => "dbn",
            View::Gauss => "gauss",
        }
    }

    fn title(self) -> &'static str {
        match self {
            View::Train => "Train",
            View::Complete => "Complete a drawing",
            View::Labels => "Label units",
            View::Dbn => "Deep belief net",
            View::Gauss => "Gaussian 2-D",
        }
    }

    fn tip(self) -> &'static str {
        match self {
            View::Train => "Train the RBM by CD-k on the digits; watch its filters, dreams and reconstructions",
            View::Complete => "Clamp the known pixels of a drawing and sample the rest: P(unknown | known) by conditioned Gibbs sampling",
            View::Labels => "An RBM over pixels and a one-hot label y = (v, h, c): classify by free energy, generate by clamping c",
            View::Dbn => "Two stacked RBMs trained greedily layer by layer, then sampled top-down",
            View::Gauss => "Continuous (Gaussian) visible units: the RBM's marginal becomes a mixture of Gaussians",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            View::Train => "Play trains the RBM on the training digits (CD-k): filters, free-running samples and reconstructions update live.",
            View::Complete => "Draw part of a digit (or load a held-out one); the known pixels are clamped and Play keeps Gibbs-sampling the rest (it also trains the RBM until its epochs are done).",
            View::Labels => "Play trains the label RBM, then samples digits with the chosen label clamped; draw a digit to see P(c | v).",
            View::Dbn => "Play pretrains the two layers one after the other, then generates top-down: Gibbs in the top RBM, one pass down.",
            View::Gauss => "Play trains the Gaussian–Bernoulli RBM on the blobs; orange points are samples of the model, crosses its mixture means.",
        }
    }
}

/// Controls updated from code (URL load).
#[derive(Default)]
struct Controls {
    hidden: Option<Slider>,
    k: Option<Slider>,
    pcd: Option<HtmlInputElement>,
    lr: Option<Slider>,
    batch: Option<Slider>,
    epochs: Option<Slider>,
    known: Option<HtmlSelectElement>,
    label: Option<HtmlSelectElement>,
    gdata: Option<HtmlSelectElement>,
    ghidden: Option<Slider>,
    glr: Option<Slider>,
}

/// Containers the controls are built into by [`RbmLab::wire`].
struct Slots {
    seg: HtmlElement,
    digit_box: HtmlElement,
    gauss_box: HtmlElement,
    pad_buttons: HtmlElement,
    complete_ctl: HtmlElement,
    label_ctl: HtmlElement,
    dbn_ctl: HtmlElement,
}

/// The RBM lab's state.
pub struct RbmLab {
    panel: HtmlElement,
    view: View,
    seg: Vec<HtmlButtonElement>,
    view_boxes: Vec<HtmlElement>,
    digit_box: HtmlElement,
    gauss_box: HtmlElement,
    data: DigitData,
    settings: Settings,
    gsettings: GaussSettings,
    seeds: Seeds,
    main: DigitRun,
    label: LabelRun,
    dbn: DbnRun,
    gauss: GaussRun,
    completion: Completion,
    pad: Rc<RefCell<Pad>>,
    pad_host: HtmlElement,
    pad_slots: [HtmlElement; 2],
    pad_seen: u64,
    pad_img: Vec<f32>,
    example: usize,
    filters: PixelLayer,
    filter_scale: Vec<f32>,
    samples: PixelLayer,
    recon: PixelLayer,
    comp: PixelLayer,
    comp_chains: PixelLayer,
    comp_readout: HtmlElement,
    posterior: Plot,
    class_readout: HtmlElement,
    acc_readout: HtmlElement,
    cond: PixelLayer,
    dbn_samples: PixelLayer,
    dbn_filters: PixelLayer,
    dbn_readout: HtmlElement,
    scatter: Scatter,
    gauss_readout: HtmlElement,
    progress: HtmlProgressElement,
    train_readout: HtmlElement,
    err_chart: Plot,
    metric_chart: Plot,
    ctl: Controls,
    slots: Option<Slots>,
    dirty: bool,
    charts_dirty: bool,
    stale_completion: bool,
    failed: Option<String>,
    announced: bool,
}

/// A figure with a caption, appended to `parent`; returns the figure.
fn figure(parent: &HtmlElement, caption: &str) -> Result<HtmlElement, JsValue> {
    let f = dom::el(parent, "figure", "")?;
    dom::text(&f, "figcaption", "", caption)?;
    Ok(f)
}

/// A tile canvas with an accessible name.
fn tiles_layer(parent: &HtmlElement, label: &str, id: &str) -> Result<PixelLayer, JsValue> {
    let l = PixelLayer::new(parent, "rbm-tiles", 1, 1)?;
    dom::img_label(&l.canvas, label)?;
    l.canvas.set_id(id);
    Ok(l)
}

/// "—" for a missing or non-finite number, else the number with `d` decimals.
fn num(v: Option<f64>, d: usize) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.d$}"),
        _ => "—".to_string(),
    }
}

/// The raw number for a `data-*` attribute ("" when missing or non-finite).
fn raw(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => x.to_string(),
        _ => String::new(),
    }
}

/// A slider with a tooltip; a move hands its value to `apply` with the lab borrowed.
#[allow(clippy::too_many_arguments)]
fn lab_slider(
    lab: &Rc<RefCell<RbmLab>>,
    parent: &HtmlElement,
    label: &str,
    (min, max, step): (f64, f64, f64),
    value: f64,
    fmt: fn(f64) -> String,
    tip: &str,
    apply: fn(&mut RbmLab, f64),
) -> Result<Slider, JsValue> {
    let l = lab.clone();
    let sl = dom::slider(parent, label, min, max, step, value, fmt, move |v| {
        apply(&mut l.borrow_mut(), v);
    })?;
    set_title(&sl.input, tip);
    Ok(sl)
}

/// A slider position rounded to a whole number in `range`.
fn round_in(v: f64, range: (usize, usize)) -> usize {
    (v.round() as usize).clamp(range.0, range.1)
}

fn set_title(el: &HtmlElement, tip: &str) {
    el.set_title(tip);
    if let Some(p) = el.parent_element() {
        let _ = p.set_attribute("title", tip);
    }
}

/// Index of the learning-rate step nearest (in log scale) to `lr`.
fn lr_index(lr: f64, steps: &[f64]) -> usize {
    let mut best = 0;
    for (i, s) in steps.iter().enumerate() {
        if (s.ln() - lr.ln()).abs() < (steps[best].ln() - lr.ln()).abs() {
            best = i;
        }
    }
    best
}

fn fmt_lr(i: f64) -> String {
    let k = (i.round().max(0.0) as usize).min(LR_STEPS.len() - 1);
    LR_STEPS[k].to_string()
}

fn fmt_glr(i: f64) -> String {
    let k = (i.round().max(0.0) as usize).min(G_LR_STEPS.len() - 1);
    G_LR_STEPS[k].to_string()
}

/// Learning rates of the Gaussian view's slider.
const G_LR_STEPS: [f64; 7] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1];

/// What the side panel shows for the active model.
struct Summary {
    model: String,
    progress: f64,
    epoch: usize,
    epochs: usize,
    batches: u64,
    finished: bool,
    metric_name: &'static str,
    metric_digits: usize,
}

impl RbmLab {
    /// Builds the lab (hidden until its tab is chosen).
    pub fn new(seed: u64) -> Result<Rc<RefCell<Self>>, JsValue> {
        let data = DigitData::load(DIGITS).map_err(|e| JsValue::from_str(&e))?;
        let settings = Settings::default();
        let gsettings = GaussSettings::default();
        let seeds = Seeds::new(seed);
        let js = |e: RbmError| JsValue::from_str(&e.to_string());
        let main = DigitRun::new(&data, &settings, seeds.main).map_err(js)?;
        let label = LabelRun::new(&data, &settings, 3, seeds.label).map_err(js)?;
        let dbn = DbnRun::new(&data, &settings, seeds.dbn).map_err(js)?;
        let gauss = GaussRun::new(&gsettings, seeds.gauss).map_err(js)?;
        let completion = Completion::new(&main.rbm, Known::Top, seeds.completion).map_err(js)?;

        let doc = dom::document()?;
        let panel = doc.create_element("section")?.dyn_into::<HtmlElement>()?;
        panel.set_class_name("lab rbm hidden");
        panel.set_id("lab-rbm");
        let seg = dom::el(&panel, "div", "rbm-seg")?;
        seg.set_attribute("role", "group")?;
        seg.set_attribute("aria-label", "RBM sub-view")?;
        let cols = dom::el(&panel, "div", "cols")?;
        let main_col = dom::el(&cols, "div", "col rbm-main")?;
        let side = dom::el(&cols, "div", "col side-col")?;

        let mut view_boxes = Vec::new();
        for v in View::ALL {
            let b = dom::el(&main_col, "div", "rbm-view hidden")?;
            b.set_attribute("data-view", v.id())?;
            view_boxes.push(b);
        }

        // Train view.
        let tv = dom::el(&view_boxes[0], "div", "rbm-figs")?;
        let f = figure(
            &tv,
            "Weight filters: the receptive field wᵢⱼ of each hidden unit j (blue −, red +, scaled per unit)",
        )?;
        let filters = tiles_layer(&f, "weight filters of the hidden units", "rbm-filters")?;
        let right = dom::el(&tv, "div", "")?;
        let f = figure(
            &right,
            "Free-running samples: 10 persistent block-Gibbs chains v → h → v, shown as P(v = 1 | h)",
        )?;
        let samples = tiles_layer(&f, "free-running Gibbs samples", "rbm-samples")?;
        let f = figure(
            &right,
            "Reconstructions: held-out digits v (top) → P(h | v) → P(v | h) (bottom)",
        )?;
        let recon = tiles_layer(&f, "held-out digits and their reconstructions", "rbm-recon")?;

        // Complete view.
        let cv = dom::el(&view_boxes[1], "div", "rbm-figs")?;
        let complete_pad = figure(
            &cv,
            "Draw: left button inks, right button or Shift erases; tinted = known",
        )?;
        complete_pad.set_class_name("rbm-narrow");
        let f = figure(
            &cv,
            "Completion: blue = known (clamped); grey = P(v = 1 | h), mean of 16 chains",
        )?;
        f.set_class_name("rbm-narrow");
        let comp = PixelLayer::new(&f, "rbm-comp", 8, 8)?;
        dom::img_label(&comp.canvas, "completion of the drawing")?;
        comp.canvas.set_id("rbm-completion");
        let complete_ctl = dom::el(&f, "div", "rbm-ctl-col")?;
        let f = figure(
            &view_boxes[1],
            "The 16 conditioned chains (known pixels clamped with set_clamp)",
        )?;
        let comp_chains = tiles_layer(&f, "conditioned Gibbs chains", "rbm-comp-chains")?;
        let comp_readout = dom::text(&view_boxes[1], "div", "readout", "")?;
        comp_readout.set_id("rbm-complete-readout");

        // Labels view.
        let lv = dom::el(&view_boxes[2], "div", "rbm-figs")?;
        let label_pad = figure(&lv, "Draw a digit (shared with the completion view)")?;
        label_pad.set_class_name("rbm-narrow");
        let f = dom::el(&lv, "div", "rbm-post")?;
        let posterior = Plot::new(&f, "rbm-posterior", 380.0, 220.0)?;
        dom::img_label(
            &posterior.canvas,
            "bar chart of the class posterior P(c | v) of the drawn digit",
        )?;
        posterior.canvas.set_id("rbm-posterior");
        let class_readout = dom::text(&f, "div", "readout", "")?;
        class_readout.set_id("rbm-class");
        let acc_readout = dom::text(&view_boxes[2], "div", "rbm-big", "")?;
        acc_readout.set_id("rbm-accuracy");
        let f = figure(
            &view_boxes[2],
            "Conditional generation: 10 chains with the label units clamped to the chosen class",
        )?;
        let label_ctl = dom::el(&f, "div", "row")?;
        let cond = tiles_layer(&f, "digits generated for the chosen label", "rbm-cond")?;

        // DBN view.
        dom::text(
            &view_boxes[3],
            "p",
            "muted rbm-note",
            "A deep belief net 64 → h¹ → h²: the bottom RBM learns the pixels, then the top RBM \
             learns the bottom one's hidden probabilities P(h¹ | v). Generation runs Gibbs in the \
             top RBM (the associative memory), then one directed pass down, P(v | h¹).",
        )?;
        let dbn_ctl = dom::el(&view_boxes[3], "div", "row")?;
        let dv = dom::el(&view_boxes[3], "div", "rbm-figs")?;
        let f = figure(&dv, "Top-down samples P(v = 1 | h¹) of 20 chains")?;
        let dbn_samples = tiles_layer(&f, "deep belief net samples", "rbm-dbn-samples")?;
        let f = figure(&dv, "First-layer filters")?;
        let dbn_filters =
            tiles_layer(&f, "deep belief net first-layer filters", "rbm-dbn-filters")?;
        let dbn_readout = dom::text(&view_boxes[3], "div", "readout", "")?;
        dbn_readout.set_id("rbm-dbn-readout");

        // Gaussian view.
        dom::text(
            &view_boxes[4],
            "p",
            "muted rbm-note",
            "Gaussian visible units v ∈ ℝ² with fixed noise σ and 0/1 hidden units: \
             v | h ~ N(b + Wh, σ²I), P(hⱼ = 1 | v) = σ(cⱼ + Σᵢ wᵢⱼvᵢ/σ²). Summing out h leaves a \
             mixture of 2^(hidden) Gaussians — the lecture's exponential-family remark.",
        )?;
        let scatter = Scatter::new(&view_boxes[4], "rbm-scatter", 400.0)?;
        dom::img_label(
            &scatter.canvas,
            "scatter plot of the training points, model samples and mixture means",
        )?;
        let gauss_readout = dom::text(&view_boxes[4], "div", "readout", "")?;
        gauss_readout.set_id("rbm-gauss-readout");

        // The shared drawing pad.
        let pad_host = dom::el(&complete_pad, "div", "rbm-pad-host")?;
        let pad = Pad::new(&pad_host)?;
        let pad_buttons = dom::el(&pad_host, "div", "row")?;

        // Side column.
        let digit_box = dom::el(&side, "div", "controls")?;
        dom::text(&digit_box, "h3", "", "CD-k training (digits)")?;
        let gauss_box = dom::el(&side, "div", "controls hidden")?;
        dom::text(&gauss_box, "h3", "", "Gaussian–Bernoulli RBM")?;
        let pbox = dom::el(&side, "div", "controls")?;
        dom::text(&pbox, "h3", "", "Progress")?;
        let progress = dom::el(&pbox, "progress", "")?.dyn_into::<HtmlProgressElement>()?;
        progress.set_id("rbm-progress");
        progress.set_max(1.0);
        progress.set_value(0.0);
        progress.set_attribute("aria-label", "training progress")?;
        let train_readout = dom::text(&pbox, "div", "readout", "")?;
        train_readout.set_id("rbm-train-readout");
        let charts = dom::el(&main_col, "div", "rbm-charts")?;
        let err_chart = Plot::new(&charts, "rbm-chart", 385.0, 170.0)?;
        dom::img_label(
            &err_chart.canvas,
            "line chart of the reconstruction error per epoch",
        )?;
        err_chart.canvas.set_id("rbm-err-chart");
        let metric_chart = Plot::new(&charts, "rbm-chart", 385.0, 170.0)?;
        dom::img_label(
            &metric_chart.canvas,
            "line chart of the model's quality per epoch",
        )?;
        metric_chart.canvas.set_id("rbm-metric-chart");

        let lab = Rc::new(RefCell::new(Self {
            panel,
            view: View::Train,
            seg: Vec::new(),
            view_boxes,
            digit_box: digit_box.clone(),
            gauss_box: gauss_box.clone(),
            data,
            settings,
            gsettings,
            seeds,
            main,
            label,
            dbn,
            gauss,
            completion,
            pad,
            pad_host,
            pad_slots: [complete_pad, label_pad],
            pad_seen: u64::MAX,
            pad_img: vec![0.0; PIXELS],
            example: 0,
            filters,
            filter_scale: Vec::new(),
            samples,
            recon,
            comp,
            comp_chains,
            comp_readout,
            posterior,
            class_readout,
            acc_readout,
            cond,
            dbn_samples,
            dbn_filters,
            dbn_readout,
            scatter,
            gauss_readout,
            progress,
            train_readout,
            err_chart,
            metric_chart,
            ctl: Controls::default(),
            slots: Some(Slots {
                seg,
                digit_box,
                gauss_box,
                pad_buttons,
                complete_ctl,
                label_ctl,
                dbn_ctl,
            }),
            dirty: true,
            charts_dirty: true,
            stale_completion: true,
            failed: None,
            announced: false,
        }));
        Self::wire(&lab)?;
        lab.borrow_mut().set_view(View::Train, false);
        Ok(lab)
    }

    /// Creates every control; handlers hold an `Rc` of the lab and borrow it only while the
    /// event runs.
    fn wire(lab: &Rc<RefCell<Self>>) -> Result<(), JsValue> {
        let Some(slots) = lab.borrow_mut().slots.take() else {
            return Ok(());
        };
        // Sub-view buttons.
        for v in View::ALL {
            let l = lab.clone();
            let b = dom::button(&slots.seg, v.title(), v.tip(), move || {
                l.borrow_mut().set_view(v, true);
                mark_dirty();
            })?;
            b.set_id(&format!("rbm-view-{}", v.id()));
            lab.borrow_mut().seg.push(b);
        }

        // Digit training settings.
        let s = lab.borrow().settings.clone();
        let b = &slots.digit_box;
        let hidden = lab_slider(
            lab,
            b,
            "Hidden units",
            (HIDDEN_RANGE.0 as f64, HIDDEN_RANGE.1 as f64, 8.0),
            s.hidden as f64,
            dom::fmt0,
            "Number of hidden units h (each learns one filter); changing it restarts the digit models",
            |lab, v| lab.change_settings(|s| s.hidden = round_in(v, HIDDEN_RANGE)),
        )?;
        let mut ctl = Controls {
            hidden: Some(hidden),
            ..Controls::default()
        };
        ctl.k = Some(lab_slider(
            lab,
            b,
            "k (CD-k)",
            (K_RANGE.0 as f64, K_RANGE.1 as f64, 1.0),
            s.k as f64,
            dom::fmt0,
            "Gibbs steps v₀ → h₀ → v₁ → … → v_k before the negative statistics (the lecture's CD uses k = 1)",
            |lab, v| lab.change_settings(|s| s.k = round_in(v, K_RANGE)),
        )?);
        {
            let l = lab.clone();
            let cb = dom::checkbox(b, "Persistent CD (PCD)", s.pcd, move |on| {
                l.borrow_mut().change_settings(|s| s.pcd = on);
            })?;
            let tip = "Persistent CD (Tieleman 2008): the negative chains continue between updates instead of restarting at the data";
            cb.set_title(tip);
            if let Some(p) = cb.parent_element() {
                p.set_attribute("title", tip)?;
            }
            ctl.pcd = Some(cb);
        }
        ctl.lr = Some(lab_slider(
            lab,
            b,
            "Learning rate η",
            (0.0, (LR_STEPS.len() - 1) as f64, 1.0),
            lr_index(s.lr, &LR_STEPS) as f64,
            fmt_lr,
            "Step size η of wᵢⱼ ← wᵢⱼ + η(⟨vᵢhⱼ⟩_data − ⟨vᵢhⱼ⟩_k) (momentum 0.5)",
            |lab, v| lab.change_settings(|s| s.lr = LR_STEPS[round_in(v, (0, LR_STEPS.len() - 1))]),
        )?);
        ctl.batch = Some(lab_slider(
            lab,
            b,
            "Batch size",
            (BATCH_RANGE.0 as f64, BATCH_RANGE.1 as f64, 1.0),
            s.batch as f64,
            dom::fmt0,
            "Training digits N_P averaged per update of the weights",
            |lab, v| lab.change_settings(|s| s.batch = round_in(v, BATCH_RANGE)),
        )?);
        ctl.epochs = Some(lab_slider(
            lab,
            b,
            "Epochs",
            (EPOCH_RANGE.0 as f64, EPOCH_RANGE.1 as f64, 1.0),
            s.epochs as f64,
            dom::fmt0,
            "Passes over the 1437 training digits (per layer for the deep belief net); raising it continues a finished run",
            |lab, v| lab.change_settings(|s| s.epochs = round_in(v, EPOCH_RANGE)),
        )?);
        dom::text(
            b,
            "p",
            "muted rbm-note",
            "Settings apply to the digit RBM, the label RBM and the deep belief net; all but the \
             epochs restart them from fresh weights.",
        )?;
        {
            let l = lab.clone();
            dom::button(
                b,
                "Restart models",
                "Fresh weights for the digit models (same seed: the same run again)",
                move || {
                    let mut lab = l.borrow_mut();
                    let s = lab.settings.clone();
                    lab.rebuild_digits(&s);
                    status::info("digit models restarted from fresh weights");
                },
            )?;
        }
        {
            let row = dom::el(b, "div", "row")?;
            let l = lab.clone();
            dom::button(
                &row,
                "Export model (JSON)",
                "Download the digit RBM's weights and biases",
                move || {
                    let text = crate::core::rbm::file::to_json(&l.borrow().main.rbm);
                    match crate::web::storage::download_text(
                        "rbm-digits.json",
                        "application/json",
                        &text,
                    ) {
                        Ok(()) => status::info("exported the digit RBM"),
                        Err(e) => status::warn(&format!("export failed: {e:?}")),
                    }
                },
            )?;
            let l = lab.clone();
            crate::web::storage::file_button(
                &row,
                "Import model (JSON)",
                "Load digit-RBM parameters exported from this page (64 visible units)",
                ".json,application/json",
                crate::core::rbm::file::MAX_BYTES as f64,
                move |text| {
                    let result = text.and_then(|t| l.borrow_mut().import_model(&t));
                    match result {
                        Ok(nh) => status::info(&format!("imported an RBM with {nh} hidden units")),
                        Err(e) => status::warn(&format!("import refused, nothing changed: {e}")),
                    }
                },
            )?;
        }

        // Pad buttons (the pad moves between the completion and label views).
        {
            let p = lab.borrow().pad.clone();
            dom::button(
                &slots.pad_buttons,
                "Clear",
                "Erase the whole drawing",
                move || p.borrow_mut().clear(),
            )?;
        }
        {
            let l = lab.clone();
            dom::button(
                &slots.pad_buttons,
                "Held-out digit",
                "Load the next held-out test digit (never seen in training) into the pad",
                move || l.borrow_mut().load_example(),
            )?;
        }
        {
            let p = lab.borrow().pad.clone();
            let cb = dom::checkbox(&slots.pad_buttons, "Erase", false, move |on| {
                p.borrow_mut().erase = on
            })?;
            if let Some(w) = cb.parent_element() {
                w.set_attribute(
                    "title",
                    "Erase instead of ink (or use the right button / Shift)",
                )?;
            }
        }

        // Completion controls.
        {
            let l = lab.clone();
            let names: Vec<&str> = Known::ALL.iter().map(|k| k.label()).collect();
            let sel = dom::select(&slots.complete_ctl, "Known pixels", &names, 0, move |i| {
                let mut lab = l.borrow_mut();
                lab.completion.known = Known::ALL[i.min(Known::ALL.len() - 1)];
                lab.stale_completion = true;
                mark_dirty();
            })?;
            set_title(
                sel.unchecked_ref(),
                "Which visible units are clamped to the drawing; the others are sampled from P(v | h)",
            );
            ctl.known = Some(sel);
        }
        {
            let l = lab.clone();
            dom::button(
                &slots.complete_ctl,
                "Restart chains",
                "Start the conditioned chains again from the drawing",
                move || l.borrow_mut().stale_completion = true,
            )?;
        }

        // Label controls.
        {
            let l = lab.clone();
            let names: Vec<String> = (0..CLASSES).map(|c| c.to_string()).collect();
            let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
            let chosen = lab.borrow().label.label;
            let sel = dom::select(
                &slots.label_ctl,
                "Generate label c",
                &refs,
                chosen,
                move |i| {
                    let mut lab = l.borrow_mut();
                    let c = i.min(CLASSES - 1);
                    if let Err(e) = lab.label.set_label(c) {
                        status::warn(&e.to_string());
                    }
                    lab.dirty = true;
                },
            )?;
            set_title(
                sel.unchecked_ref(),
                "Clamp the one-hot label units to this class and Gibbs-sample the pixels",
            );
            ctl.label = Some(sel);
        }

        // DBN controls.
        {
            let l = lab.clone();
            dom::button(
                &slots.dbn_ctl,
                "Generate",
                "Restart the top-level chains from random states and sample top-down",
                move || {
                    let mut lab = l.borrow_mut();
                    if let Err(e) = lab.dbn.regenerate() {
                        status::warn(&e.to_string());
                    }
                    if !lab.dbn.finished() {
                        status::info("the deep belief net is not fully trained yet: press Play to pretrain it");
                    }
                    lab.dirty = true;
                },
            )?;
        }

        // Gaussian controls.
        let g = lab.borrow().gsettings.clone();
        {
            let l = lab.clone();
            let names: Vec<&str> = PRESETS.iter().map(|p| p.label).collect();
            let sel = dom::select(&slots.gauss_box, "Data", &names, g.preset, move |i| {
                let mut lab = l.borrow_mut();
                let mut g = lab.gsettings.clone();
                g.preset = i.min(PRESETS.len() - 1);
                lab.apply_gauss(g);
            })?;
            set_title(
                sel.unchecked_ref(),
                "Training points: 400 draws from equal blobs of spread 0.4 (= the model's fixed σ)",
            );
            ctl.gdata = Some(sel);
        }
        ctl.ghidden = Some(lab_slider(
            lab,
            &slots.gauss_box,
            "Hidden units",
            (G_HIDDEN_RANGE.0 as f64, G_HIDDEN_RANGE.1 as f64, 1.0),
            g.hidden as f64,
            dom::fmt0,
            "n hidden units give a mixture of 2ⁿ Gaussians with means b + Wh",
            |lab, v| lab.change_gauss(|g| g.hidden = round_in(v, G_HIDDEN_RANGE)),
        )?);
        ctl.glr = Some(lab_slider(
            lab,
            &slots.gauss_box,
            "Learning rate η",
            (0.0, (G_LR_STEPS.len() - 1) as f64, 1.0),
            lr_index(g.lr, &G_LR_STEPS) as f64,
            fmt_glr,
            "Step size of CD-1 (momentum 0.5, batches of 20)",
            |lab, v| {
                lab.change_gauss(|g| g.lr = G_LR_STEPS[round_in(v, (0, G_LR_STEPS.len() - 1))])
            },
        )?);
        dom::text(
            &slots.gauss_box,
            "p",
            "muted rbm-note",
            "CD-1 chains rarely cross between separated blobs, so the mixture weights can stay \
             unequal although the means sit on the blobs.",
        )?;
        lab.borrow_mut().ctl = ctl;
        Ok(())
    }

    /// Switches the sub-view (and says what Play does there when `announce`).
    fn set_view(&mut self, v: View, announce: bool) {
        self.view = v;
        for (i, (b, box_)) in self.seg.iter().zip(&self.view_boxes).enumerate() {
            let on = View::ALL[i] == v;
            let _ = b.class_list().toggle_with_force("active", on);
            let _ = b.set_attribute("aria-pressed", if on { "true" } else { "false" });
            let _ = box_.class_list().toggle_with_force("hidden", !on);
        }
        let gauss = v == View::Gauss;
        let _ = self
            .digit_box
            .class_list()
            .toggle_with_force("hidden", gauss);
        let _ = self
            .gauss_box
            .class_list()
            .toggle_with_force("hidden", !gauss);
        self.metric_chart.set_visible(v != View::Dbn);
        let slot = match v {
            View::Labels => Some(&self.pad_slots[1]),
            View::Complete => Some(&self.pad_slots[0]),
            _ => None,
        };
        if let Some(s) = slot {
            let _ = s.append_child(&self.pad_host);
        }
        self.stale_completion = true;
        self.dirty = true;
        self.charts_dirty = true;
        let _ = self.panel.set_attribute("data-view", v.id());
        // Announce a finished run only when it finishes, not on arrival.
        self.announced = self.summary().finished;
        if announce {
            status::info(v.hint());
        }
    }

    /// Applies new digit settings: the epoch target extends or shortens the running models;
    /// any other change restarts them from fresh weights (so a run stays a function of seed
    /// and settings).
    /// Applies the digit settings as changed by `change`.
    fn change_settings(&mut self, change: impl FnOnce(&mut Settings)) {
        let mut s = self.settings.clone();
        change(&mut s);
        self.apply_settings(s);
    }

    /// Applies the Gaussian RBM's settings as changed by `change`.
    fn change_gauss(&mut self, change: impl FnOnce(&mut GaussSettings)) {
        let mut g = self.gsettings.clone();
        change(&mut g);
        self.apply_gauss(g);
    }

    fn apply_settings(&mut self, s: Settings) {
        if s == self.settings {
            return;
        }
        let only_epochs = Settings {
            epochs: s.epochs,
            ..self.settings.clone()
        } == s;
        if only_epochs {
            let r = self
                .main
                .set_epochs(s.epochs)
                .and_then(|_| self.label.set_epochs(s.epochs));
            if let Err(e) = r {
                status::warn(&e.to_string());
                return;
            }
            self.settings.epochs = s.epochs;
            // The DBN trains its layers in sequence: a new target restarts it.
            match DbnRun::new(&self.data, &s, self.seeds.dbn) {
                Ok(d) => self.dbn = d,
                Err(e) => status::warn(&e.to_string()),
            }
            self.announced = false;
            self.dirty = true;
            self.charts_dirty = true;
        } else {
            self.rebuild_digits(&s);
            status::info(&format!(
                "{} hidden units, CD-{}{}, η = {}, batches of {}: digit models restarted",
                s.hidden,
                s.k,
                if s.pcd { " (persistent)" } else { "" },
                s.lr,
                s.batch
            ));
        }
        mark_dirty();
    }

    /// Replaces the digit RBM by one read from a file (64 visible units, a hidden-unit count the
    /// page offers); on any error nothing changes. Training continues from the imported weights.
    fn import_model(&mut self, text: &str) -> Result<usize, String> {
        let model = crate::core::rbm::file::parse(text).map_err(|e| e.to_string())?;
        if model.nv() != 64 {
            return Err(format!(
                "the model has {} visible units; the digits need 64",
                model.nv()
            ));
        }
        if !(16..=200).contains(&model.nh()) {
            return Err(format!(
                "{} hidden units is outside the page's 16…200",
                model.nh()
            ));
        }
        let nh = model.nh();
        let s = Settings {
            hidden: nh,
            ..self.settings.clone()
        };
        self.rebuild_digits(&s);
        if self.main.rbm.nh() != nh {
            return Err("the digit model could not be rebuilt at that size".into());
        }
        self.main.rbm = model;
        if let Some(x) = &self.ctl.hidden {
            x.set(nh as f64);
        }
        self.dirty = true;
        self.charts_dirty = true;
        mark_dirty();
        Ok(nh)
    }

    /// New digit models (main, label, DBN) for `s` from the current seed.
    fn rebuild_digits(&mut self, s: &Settings) {
        let built = DigitRun::new(&self.data, s, self.seeds.main).and_then(|m| {
            let l = LabelRun::new(&self.data, s, self.label.label, self.seeds.label)?;
            let d = DbnRun::new(&self.data, s, self.seeds.dbn)?;
            Ok((m, l, d))
        });
        match built {
            Ok((m, l, d)) => {
                self.main = m;
                self.label = l;
                self.dbn = d;
                self.settings = s.clone();
                self.failed = None;
                self.announced = false;
                self.stale_completion = true;
                self.dirty = true;
                self.charts_dirty = true;
            }
            Err(e) => status::warn(&format!("settings refused: {e}")),
        }
    }

    /// Applies new Gaussian-view settings (a fresh model and data set).
    fn apply_gauss(&mut self, g: GaussSettings) {
        if g == self.gsettings {
            return;
        }
        match GaussRun::new(&g, self.seeds.gauss) {
            Ok(r) => {
                self.gauss = r;
                self.gsettings = g;
                self.failed = None;
                self.announced = false;
                self.dirty = true;
                self.charts_dirty = true;
                mark_dirty();
            }
            Err(e) => status::warn(&format!("settings refused: {e}")),
        }
    }

    fn load_example(&mut self) {
        let n = self.data.test_len();
        if n == 0 {
            return;
        }
        let i = self.example % n;
        self.example = (self.example + 1) % n;
        let img = &self.data.test[i * PIXELS..(i + 1) * PIXELS];
        self.pad.borrow_mut().set_image(img);
        status::info(&format!(
            "held-out digit #{} (a {}): never seen in training",
            i + 1,
            self.data.test_labels[i]
        ));
    }

    /// Reacts to drawing: restarts the completion and reclassifies.
    fn sync_pad(&mut self) {
        let gen = {
            let p = self.pad.borrow();
            self.pad_img.copy_from_slice(&p.pixels);
            p.generation()
        };
        if gen != self.pad_seen || self.stale_completion {
            self.pad_seen = gen;
            self.stale_completion = false;
            if let Err(e) = self.completion.restart(&self.main.rbm, &self.pad_img) {
                status::warn(&e.to_string());
            }
            if let Err(e) = self.label.classify(&self.pad_img) {
                status::warn(&e.to_string());
            }
            let tint: &[bool] = if self.view == View::Complete {
                &self.completion.mask
            } else {
                &[]
            };
            self.pad.borrow_mut().set_tint(tint);
            self.dirty = true;
        }
    }

    /// Stops on an error (e.g. a diverged run) and says why.
    fn fail(&mut self, e: RbmError) {
        let msg = match e {
            RbmError::Diverged => {
                "training diverged (a weight became infinite or NaN) and was stopped; lower the learning rate and press Reset".to_string()
            }
            e => format!("stopped: {e}"),
        };
        status::warn(&msg);
        self.failed = Some(msg);
    }

    /// One slice of work for the current view.
    fn work(&mut self, budget: &mut Budget, gibbs: usize, stepping: bool) -> Result<(), RbmError> {
        match self.view {
            View::Train => {
                let trained = self.main.train(budget, &self.data)?;
                if !(stepping && trained) {
                    self.main.sample(gibbs)?;
                }
            }
            View::Complete => {
                if !stepping && !self.main.stats().finished {
                    self.main.train(budget, &self.data)?;
                }
                self.completion.step(&self.main.rbm, gibbs)?;
            }
            View::Labels => {
                let trained = self.label.train(budget, &self.data)?;
                if trained {
                    self.label.classify(&self.pad_img)?;
                }
                if !(stepping && trained) {
                    self.label.sample(gibbs)?;
                }
            }
            View::Dbn => {
                if self.dbn.finished() {
                    self.dbn.sample(gibbs)?;
                } else if self.dbn.train(budget)? && self.dbn.finished() {
                    self.dbn.regenerate()?;
                }
            }
            View::Gauss => {
                let trained = self.gauss.train(budget)?;
                if !(stepping && trained) {
                    self.gauss.sample(gibbs)?;
                }
            }
        }
        self.dirty = true;
        Ok(())
    }

    fn summary(&self) -> Summary {
        let s = &self.settings;
        let cd = format!("CD-{}{}", s.k, if s.pcd { " (PCD)" } else { "" });
        match self.view {
            View::Train | View::Complete => {
                let st = self.main.stats();
                Summary {
                    model: format!("digit RBM: 64 visible, {} hidden, {cd}", s.hidden),
                    progress: st.progress,
                    epoch: st.epoch,
                    epochs: st.epochs,
                    batches: st.batches_done,
                    finished: st.finished,
                    metric_name: "held-out pseudo-log-likelihood",
                    metric_digits: 2,
                }
            }
            View::Labels => {
                let st = self.label.stats();
                Summary {
                    model: format!(
                        "label RBM: 64 pixels + 10 label units, {} hidden, {cd}",
                        s.hidden
                    ),
                    progress: st.progress,
                    epoch: st.epoch,
                    epochs: st.epochs,
                    batches: st.batches_done,
                    finished: st.finished,
                    metric_name: "held-out accuracy",
                    metric_digits: 3,
                }
            }
            View::Dbn => {
                let e = self.dbn.epochs();
                let (progress, epoch, batches) = match &self.dbn.progress {
                    Some(p) => (
                        p.progress,
                        p.layer * e + p.layer_stats.epoch,
                        p.layer_stats.batches_done,
                    ),
                    None => (0.0, 0, 0),
                };
                let finished = self.dbn.finished();
                Summary {
                    model: format!(
                        "deep belief net 64 → {} → {}, {cd}, layer {} of 2",
                        s.hidden,
                        dbn_top(s.hidden),
                        if finished {
                            2
                        } else {
                            self.dbn.progress.map_or(1, |p| p.layer + 1)
                        }
                    ),
                    progress: if finished { 1.0 } else { progress },
                    epoch: if finished { 2 * e } else { epoch },
                    epochs: 2 * e,
                    batches,
                    finished,
                    metric_name: "",
                    metric_digits: 2,
                }
            }
            View::Gauss => {
                let st = self.gauss.stats();
                Summary {
                    model: format!(
                        "Gaussian–Bernoulli RBM: 2 visible (σ = {}), {} hidden, CD-1",
                        runs::BLOB_SD,
                        self.gsettings.hidden
                    ),
                    progress: st.progress,
                    epoch: st.epoch,
                    epochs: st.epochs,
                    batches: st.batches_done,
                    finished: st.finished,
                    metric_name: "exact log-likelihood per point",
                    metric_digits: 3,
                }
            }
        }
    }

    fn history(&self) -> &History {
        match self.view {
            View::Train | View::Complete => &self.main.hist,
            View::Labels => &self.label.hist,
            View::Dbn => &self.dbn.hist,
            View::Gauss => &self.gauss.hist,
        }
    }

    fn take_history_dirty(&mut self) -> bool {
        let h = match self.view {
            View::Train | View::Complete => &mut self.main.hist,
            View::Labels => &mut self.label.hist,
            View::Dbn => &mut self.dbn.hist,
            View::Gauss => &mut self.gauss.hist,
        };
        std::mem::replace(&mut h.dirty, false)
    }

    /// Says once when the active model has finished training.
    fn announce(&mut self, finished: bool) {
        if finished && !self.announced {
            self.announced = true;
            let h = self.history();
            let msg = match self.view {
                View::Dbn => "deep belief net pretrained (both layers); generating top-down — press Generate for fresh chains".to_string(),
                View::Labels => format!(
                    "label RBM trained: held-out accuracy {} — raise Epochs to continue",
                    num(h.last_metric().map(|a| 100.0 * a), 1) + " %"
                ),
                _ => format!(
                    "training finished: reconstruction error {} — the chains keep sampling; raise Epochs to continue",
                    num(h.last_error(), 4)
                ),
            };
            status::info(&msg);
        } else if !finished {
            self.announced = false;
        }
    }

    fn draw_side(&mut self) -> Result<(), JsValue> {
        let sm = self.summary();
        let p = sm.progress.clamp(0.0, 1.0);
        self.progress.set_value(p);
        self.progress
            .set_attribute("data-progress", &p.to_string())?;
        let (err, err0, metric) = {
            let h = self.history();
            (h.last_error(), h.first_error(), h.last_metric())
        };
        let mut text = format!(
            "{} · epoch {} of {} · {} mini-batches · reconstruction error {}",
            sm.model,
            sm.epoch,
            sm.epochs,
            sm.batches,
            num(err, 4)
        );
        if !sm.metric_name.is_empty() {
            text.push_str(&format!(
                " · {} {}",
                sm.metric_name,
                num(metric, sm.metric_digits)
            ));
        }
        if sm.finished {
            text.push_str(" · finished");
        }
        let r = &self.train_readout;
        r.set_text_content(Some(&text));
        r.set_attribute("data-model", self.view.id())?;
        r.set_attribute("data-epoch", &sm.epoch.to_string())?;
        r.set_attribute("data-epochs", &sm.epochs.to_string())?;
        r.set_attribute("data-batches", &sm.batches.to_string())?;
        r.set_attribute("data-err", &raw(err))?;
        r.set_attribute("data-err0", &raw(err0))?;
        r.set_attribute("data-metric", &raw(metric))?;
        r.set_attribute("data-finished", if sm.finished { "1" } else { "0" })?;
        self.announce(sm.finished);

        if self.take_history_dirty() || self.charts_dirty {
            self.charts_dirty = false;
            let view = self.view;
            let h = self.history();
            let xr = Some((0.0, sm.epochs.max(1) as f64));
            let err_title = match view {
                View::Gauss => "Reconstruction error (v − E[v | h])²",
                View::Dbn => "Reconstruction error: layer 1 | layer 2",
                _ => "Reconstruction error per pixel (v − P(v | h))²",
            };
            let layer2 = [RefLine {
                at: (sm.epochs / 2) as f64,
                label: "",
                color: "#888",
            }];
            self.err_chart.line_chart(
                &Axes {
                    title: err_title,
                    x_label: "epoch",
                    y_label: "error",
                    x_range: xr,
                    y_range: None,
                },
                &[
                    Series {
                        name: "mini-batches (moving average)",
                        color: PALETTE[4],
                        data: SeriesData::Points(h.smooth.points()),
                        dashed: false,
                    },
                    Series {
                        name: "epoch mean",
                        color: PALETTE[0],
                        data: SeriesData::Points(&h.epochs),
                        dashed: false,
                    },
                ],
                &[],
                if view == View::Dbn { &layer2 } else { &[] },
            );
            let (title, y_range, ylab) = match view {
                View::Labels => ("Held-out accuracy", Some((0.0, 1.0)), "accuracy"),
                View::Gauss => ("Exact log-likelihood (nats per point)", None, "log p"),
                _ => ("Held-out pseudo-log-likelihood (estimate)", None, "PL"),
            };
            if view != View::Dbn {
                let chance = [RefLine {
                    at: 0.1,
                    label: "chance",
                    color: "#888",
                }];
                self.metric_chart.line_chart(
                    &Axes {
                        title,
                        x_label: "epoch",
                        y_label: ylab,
                        x_range: xr,
                        y_range,
                    },
                    &[Series {
                        name: "",
                        color: PALETTE[2],
                        data: SeriesData::Points(&h.metric),
                        dashed: false,
                    }],
                    if view == View::Labels { &chance } else { &[] },
                    &[],
                );
            }
        }
        Ok(())
    }

    fn draw_train(&mut self) -> Result<(), JsValue> {
        paint_filters(
            &mut self.filters,
            &self.main.rbm,
            &mut self.filter_scale,
            380,
        )?;
        paint_probabilities(
            &mut self.samples,
            self.main.chains.visible_probs(),
            SAMPLE_CHAINS,
            SAMPLE_CHAINS,
            PIXELS,
            TILE_SCALE,
        )?;

        let n = self.data.examples.len() / PIXELS;
        let g = Grid::digits(2 * n, n);
        g.fit(&mut self.recon, TILE_SCALE);
        let (src, rec) = (&self.data.examples, &self.main.recon);
        g.paint(&mut self.recon, |t, i| {
            if t < n {
                grey(src[t * PIXELS + i])
            } else {
                grey(rec[(t - n) * PIXELS + i])
            }
        });
        self.recon.blit()
    }

    fn draw_complete(&mut self) -> Result<(), JsValue> {
        let c = &self.completion;
        let known_colour = |v: f32| if v > 0.5 { KNOWN_INK } else { KNOWN_PAPER };
        for (i, px) in self.comp.buf.chunks_exact_mut(4).enumerate() {
            let col = if c.mask[i] {
                known_colour(self.pad_img[i])
            } else {
                grey(c.mean[i])
            };
            px[..3].copy_from_slice(&col);
            px[3] = 255;
        }
        self.comp.blit()?;
        let g = Grid::digits(COMPLETION_CHAINS, 8);
        g.fit(&mut self.comp_chains, TILE_SCALE);
        let pv = c.chain.visible_probs();
        let mask = &c.mask;
        g.paint(&mut self.comp_chains, |t, i| {
            let p = pv[t * PIXELS + i];
            if mask[i] {
                known_colour(p)
            } else {
                grey(p)
            }
        });
        self.comp_chains.blit()?;
        let st = self.main.stats();
        let known = c.known_count();
        let free = c.free_mean();
        let r = &self.comp_readout;
        r.set_text_content(Some(&format!(
            "Gibbs step {} · {} of 64 pixels known ({}) · mean P(ink) of the free pixels {} · \
             model: the Train view's RBM after {} of {} epochs",
            c.chain.steps(),
            known,
            c.known.label(),
            num(free, 3),
            st.epoch,
            st.epochs
        )));
        r.set_attribute("data-steps", &c.chain.steps().to_string())?;
        r.set_attribute("data-known", &known.to_string())?;
        r.set_attribute("data-free-mean", &raw(free))?;
        r.set_attribute("data-region", c.known.id())?;
        r.set_attribute("data-agree", &raw(c.clamp_agreement(&self.pad_img)))?;
        Ok(())
    }

    fn draw_labels(&mut self) -> Result<(), JsValue> {
        let lr = &self.label;
        let labels: [String; CLASSES] = std::array::from_fn(|c| c.to_string());
        let mut colors = [PALETTE[0]; CLASSES];
        colors[lr.predicted.min(CLASSES - 1)] = PALETTE[1];
        self.posterior.bars(
            &Axes {
                title: "P(c | v) of the drawn digit",
                x_label: "class c",
                y_label: "probability",
                y_range: Some((0.0, 1.0)),
                ..Default::default()
            },
            &labels,
            &lr.probs,
            &colors,
            &[],
        );
        let p = lr.probs.get(lr.predicted).copied();
        self.class_readout.set_text_content(Some(&format!(
            "most probable class: {} (P = {}; exact, from the free energies F(v, c))",
            lr.predicted,
            num(p, 3)
        )));
        self.class_readout
            .set_attribute("data-class", &lr.predicted.to_string())?;
        self.class_readout.set_attribute("data-p", &raw(p))?;

        let st = lr.stats();
        let acc = lr.hist.last_metric();
        let text = match acc {
            Some(a) => format!(
                "Held-out accuracy {:.1} % ({} test digits, after {} of {} epochs)",
                100.0 * a,
                self.data.test_len(),
                st.epoch,
                st.epochs
            ),
            None => "Held-out accuracy — (press Play or Step to train the label RBM)".to_string(),
        };
        self.acc_readout.set_text_content(Some(&text));
        self.acc_readout.set_attribute("data-acc", &raw(acc))?;
        self.acc_readout
            .set_attribute("data-epoch", &st.epoch.to_string())?;

        // The label chains' rows are pixels then the one-hot label: stride nv.
        paint_probabilities(
            &mut self.cond,
            lr.chains.visible_probs(),
            COND_CHAINS,
            COND_CHAINS,
            lr.model.rbm.nv(),
            TILE_SCALE,
        )
    }

    fn draw_dbn(&mut self) -> Result<(), JsValue> {
        let d = &self.dbn;
        paint_probabilities(
            &mut self.dbn_samples,
            d.sampler.visible_probs(),
            DBN_CHAINS,
            10,
            PIXELS,
            TILE_SCALE,
        )?;
        paint_filters(
            &mut self.dbn_filters,
            &d.dbn.bottom,
            &mut self.filter_scale,
            220,
        )?;

        let layer = if d.finished() {
            2
        } else {
            d.progress.map_or(0, |p| p.layer)
        };
        let steps = d.sampler.top_chain().steps();
        let text = match layer {
            2 => format!(
                "Pretrained. Generating: Gibbs step {steps} in the top RBM ({} ↔ {}), then one pass down to the pixels.",
                self.settings.hidden,
                dbn_top(self.settings.hidden)
            ),
            l => format!(
                "Greedy pretraining: layer {} of 2 ({}). Press Generate any time to sample the net as it is.",
                l + 1,
                if l == 0 {
                    "the bottom RBM learns the pixels"
                } else {
                    "the top RBM learns the bottom RBM's hidden probabilities"
                }
            ),
        };
        self.dbn_readout.set_text_content(Some(&text));
        self.dbn_readout
            .set_attribute("data-layer", &layer.to_string())?;
        self.dbn_readout
            .set_attribute("data-steps", &steps.to_string())?;
        Ok(())
    }

    fn draw_gauss(&mut self) -> Result<(), JsValue> {
        let g = &self.gauss;
        self.scatter
            .draw(3.5, &g.data, g.chain.visible(), &g.means, &g.weights);
        let st = g.stats();
        let ll = g.hist.last_metric();
        let heavy = g.weights.iter().filter(|&&w| w >= 0.01).count();
        let shown: Vec<String> = g
            .weights
            .iter()
            .filter(|&&w| w >= 0.01)
            .take(8)
            .map(|w| format!("{:.0}", 100.0 * w))
            .collect();
        self.gauss_readout.set_text_content(Some(&format!(
            "{} points · {} hidden units → {} mixture components, {} with weight ≥ 1 % ({} %) · \
             epoch {} of {} · exact log-likelihood {} nats per point",
            GAUSS_POINTS,
            self.gsettings.hidden,
            g.weights.len(),
            heavy,
            shown.join(", "),
            st.epoch,
            st.epochs,
            num(ll, 3)
        )));
        self.gauss_readout
            .set_attribute("data-epoch", &st.epoch.to_string())?;
        self.gauss_readout.set_attribute("data-ll", &raw(ll))?;
        Ok(())
    }
}

impl Lab for RbmLab {
    fn id(&self) -> &'static str {
        "rbm"
    }
    fn title(&self) -> &'static str {
        "RBM"
    }
    fn panel(&self) -> &HtmlElement {
        &self.panel
    }
    fn tick(&mut self, speed: u32) -> bool {
        if self.failed.is_some() {
            return false;
        }
        let speed = speed.max(1) as usize;
        let batches = match self.view {
            // 2-D training is cheap but converges in a few epochs: slow enough to watch.
            View::Gauss => speed * 2,
            // Two layers to pretrain before anything is generated.
            View::Dbn => speed * 3 * BATCHES_PER_SPEED,
            _ => speed * BATCHES_PER_SPEED,
        };
        let mut budget = Budget::timed(batches, FRAME_BUDGET_MS);
        let gibbs = match self.view {
            View::Complete => speed.min(MAX_GIBBS_PER_FRAME),
            _ => 1,
        };
        match self.work(&mut budget, gibbs, false) {
            Ok(()) => true,
            Err(e) => {
                self.fail(e);
                false
            }
        }
    }
    fn step(&mut self) {
        if self.failed.is_some() {
            status::warn("this run stopped after an error; press Reset (r) to start again");
            return;
        }
        if let Err(e) = self.work(&mut Budget::epoch(), 1, true) {
            self.fail(e);
        }
    }
    fn reset(&mut self, seed: u64) {
        self.seeds = Seeds::new(seed);
        let s = self.settings.clone();
        // Force a rebuild even though the settings are unchanged.
        self.rebuild_digits(&s);
        match GaussRun::new(&self.gsettings, self.seeds.gauss) {
            Ok(r) => self.gauss = r,
            Err(e) => status::warn(&e.to_string()),
        }
        match Completion::new(&self.main.rbm, self.completion.known, self.seeds.completion) {
            Ok(c) => self.completion = c,
            Err(e) => status::warn(&e.to_string()),
        }
        self.example = 0;
        self.failed = None;
        self.announced = false;
        self.stale_completion = true;
        self.dirty = true;
        self.charts_dirty = true;
    }
    fn draw(&mut self) -> Result<(), JsValue> {
        self.sync_pad();
        self.pad.borrow_mut().draw()?;
        if !self.dirty {
            return Ok(());
        }
        self.dirty = false;
        match self.view {
            View::Train => self.draw_train()?,
            View::Complete => self.draw_complete()?,
            View::Labels => self.draw_labels()?,
            View::Dbn => self.draw_dbn()?,
            View::Gauss => self.draw_gauss()?,
        }
        self.draw_side()
    }
    fn save(&self, p: &mut Params) {
        let s = &self.settings;
        p.set("view", self.view.id());
        p.set("hidden", &s.hidden.to_string());
        p.set("k", &s.k.to_string());
        p.set("pcd", if s.pcd { "1" } else { "0" });
        p.set("lr", &s.lr.to_string());
        p.set("batch", &s.batch.to_string());
        p.set("epochs", &s.epochs.to_string());
        if self.completion.known != Known::Top {
            p.set("known", self.completion.known.id());
        }
        let g = &self.gsettings;
        if *g != GaussSettings::default() {
            p.set("gdata", PRESETS[g.preset.min(PRESETS.len() - 1)].id);
            p.set("ghidden", &g.hidden.to_string());
            p.set("glr", &g.lr.to_string());
        }
    }
    fn load(&mut self, p: &Params) -> Vec<String> {
        let mut msgs = Vec::new();
        let mut s = self.settings.clone();
        let mut int = |key: &str, lo: usize, hi: usize, slot: &mut usize| match p
            .u64_in(key, lo as u64, hi as u64)
        {
            Ok(Some(v)) => *slot = v as usize,
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        };
        int("hidden", HIDDEN_RANGE.0, HIDDEN_RANGE.1, &mut s.hidden);
        int("k", K_RANGE.0, K_RANGE.1, &mut s.k);
        int("batch", BATCH_RANGE.0, BATCH_RANGE.1, &mut s.batch);
        int("epochs", EPOCH_RANGE.0, EPOCH_RANGE.1, &mut s.epochs);
        let mut g = self.gsettings.clone();
        int("ghidden", G_HIDDEN_RANGE.0, G_HIDDEN_RANGE.1, &mut g.hidden);
        match p.flag("pcd") {
            Ok(Some(v)) => s.pcd = v,
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        match p.f64_in("lr", LR_RANGE.0, LR_RANGE.1) {
            Ok(Some(v)) => s.lr = v,
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        match p.f64_in("glr", G_LR_RANGE.0, G_LR_RANGE.1) {
            Ok(Some(v)) => g.lr = v,
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        let ids: Vec<&str> = PRESETS.iter().map(|p| p.id).collect();
        match p.choice("gdata", &ids) {
            Ok(Some(id)) => g.preset = ids.iter().position(|&x| x == id).unwrap_or(g.preset),
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        let known_ids: Vec<&str> = Known::ALL.iter().map(|k| k.id()).collect();
        match p.choice("known", &known_ids) {
            Ok(Some(id)) => {
                if let Some(k) = Known::ALL.iter().find(|k| k.id() == id) {
                    self.completion.known = *k;
                    self.stale_completion = true;
                }
            }
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        let view_ids: Vec<&str> = View::ALL.iter().map(|v| v.id()).collect();
        let mut view = self.view;
        match p.choice("view", &view_ids) {
            Ok(Some(id)) => {
                view = View::ALL
                    .iter()
                    .copied()
                    .find(|v| v.id() == id)
                    .unwrap_or(view)
            }
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        if s != self.settings {
            self.rebuild_digits(&s);
        }
        self.apply_gauss(g);
        self.set_view(view, false);
        // Show the applied values on the controls (without firing their handlers).
        let s = self.settings.clone();
        let c = &self.ctl;
        if let Some(x) = &c.hidden {
            x.set(s.hidden as f64);
        }
        if let Some(x) = &c.k {
            x.set(s.k as f64);
        }
        if let Some(x) = &c.pcd {
            x.set_checked(s.pcd);
        }
        if let Some(x) = &c.lr {
            x.set(lr_index(s.lr, &LR_STEPS) as f64);
        }
        if let Some(x) = &c.batch {
            x.set(s.batch as f64);
        }
        if let Some(x) = &c.epochs {
            x.set(s.epochs as f64);
        }
        if let Some(x) = &c.known {
            let i = Known::ALL
                .iter()
                .position(|k| *k == self.completion.known)
                .unwrap_or(0);
            x.set_selected_index(i as i32);
        }
        if let Some(x) = &c.label {
            x.set_selected_index(self.label.label as i32);
        }
        let g = &self.gsettings;
        if let Some(x) = &c.gdata {
            x.set_selected_index(g.preset as i32);
        }
        if let Some(x) = &c.ghidden {
            x.set(g.hidden as f64);
        }
        if let Some(x) = &c.glr {
            x.set(lr_index(g.lr, &G_LR_STEPS) as f64);
        }
        if msgs.is_empty() {
            status::info(view.hint());
        }
        msgs
    }
}
