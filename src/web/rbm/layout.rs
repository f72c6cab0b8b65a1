//! The RBM lab's page: the sub-view boxes with their figures and read-outs, the shared drawing
//! pad, the side panel and the charts, and the places the controls go. [`build`] makes them;
//! the lab fills the control slots from its settings table.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlProgressElement};

use super::pad::Pad;
use super::scatter::Scatter;
use crate::core::rbm::session::View;
use crate::web::canvas::PixelLayer;
use crate::web::dom;
use crate::web::plot::Plot;

/// The figures and read-outs the views paint.
pub(super) struct Figures {
    pub(super) filters: PixelLayer,
    pub(super) filter_scale: Vec<f32>,
    pub(super) samples: PixelLayer,
    pub(super) recon: PixelLayer,
    pub(super) comp: PixelLayer,
    pub(super) comp_chains: PixelLayer,
    pub(super) comp_readout: HtmlElement,
    pub(super) posterior: Plot,
    pub(super) class_readout: HtmlElement,
    pub(super) acc_readout: HtmlElement,
    pub(super) cond: PixelLayer,
    pub(super) cond_readout: HtmlElement,
    pub(super) dbn_samples: PixelLayer,
    pub(super) dbn_filters: PixelLayer,
    pub(super) dbn_readout: HtmlElement,
    pub(super) scatter: Scatter,
    pub(super) gauss_readout: HtmlElement,
    pub(super) progress: HtmlProgressElement,
    pub(super) train_readout: HtmlElement,
    pub(super) err_chart: Plot,
    pub(super) metric_chart: Plot,
}

/// Where the controls go, filled once the lab exists (the controls hold an `Rc` of it).
pub(super) struct Slots {
    pub(super) seg: HtmlElement,
    pub(super) pad_buttons: HtmlElement,
    pub(super) complete_ctl: HtmlElement,
    pub(super) label_ctl: HtmlElement,
    pub(super) dbn_ctl: HtmlElement,
}

/// The page of the lab, before its controls.
pub(super) struct Layout {
    pub(super) panel: HtmlElement,
    pub(super) view_boxes: Vec<HtmlElement>,
    pub(super) digit_box: HtmlElement,
    pub(super) gauss_box: HtmlElement,
    pub(super) pad: Rc<RefCell<Pad>>,
    pub(super) pad_host: HtmlElement,
    pub(super) pad_slots: [HtmlElement; 2],
    pub(super) figs: Figures,
    pub(super) slots: Slots,
}

/// A figure with a caption, appended to `parent`.
fn figure(parent: &HtmlElement, caption: &str) -> Result<HtmlElement, JsValue> {
    let f = dom::el(parent, "figure", "")?;
    dom::text(&f, "figcaption", "", caption)?;
    Ok(f)
}

/// A tile canvas with an accessible name and an id.
fn tiles(parent: &HtmlElement, label: &str, id: &str) -> Result<PixelLayer, JsValue> {
    let l = PixelLayer::new(parent, "rbm-tiles", 1, 1)?;
    dom::img_label(&l.canvas, label)?;
    l.canvas.set_id(id);
    Ok(l)
}

/// A read-out line with an id.
fn readout(parent: &HtmlElement, class: &str, id: &str) -> Result<HtmlElement, JsValue> {
    let r = dom::text(parent, "div", class, "")?;
    r.set_id(id);
    Ok(r)
}

/// A chart with an accessible name and an id.
fn chart(parent: &HtmlElement, w: f64, h: f64, label: &str, id: &str) -> Result<Plot, JsValue> {
    let class = if id == "rbm-posterior" {
        "rbm-posterior"
    } else {
        "rbm-chart"
    };
    let p = Plot::new(parent, class, w, h)?;
    dom::img_label(&p.canvas, label)?;
    p.canvas.set_id(id);
    Ok(p)
}

/// Builds the lab's panel (hidden until its tab is chosen).
pub(super) fn build() -> Result<Layout, JsValue> {
    let panel = dom::lab_panel("rbm", "rbm")?;
    let seg = dom::el(&panel, "div", "")?;
    let (main_col, side, more) = dom::stage(&panel, "rbm-main")?;
    let mut view_boxes = Vec::new();
    for v in View::ALL {
        let b = dom::el(&main_col, "div", "rbm-view hidden")?;
        b.set_attribute("data-view", v.id())?;
        view_boxes.push(b);
    }

    // Train view.
    let tv = dom::el(&view_boxes[0], "div", "rbm-figs")?;
    let f = figure(&tv, "Weight filters: the receptive field wᵢⱼ of each hidden unit j (blue −, red +, scaled per unit)")?;
    let filters = tiles(&f, "weight filters of the hidden units", "rbm-filters")?;
    filters.canvas.class_list().add_1("main-pic")?;
    let right = dom::el(&tv, "div", "")?;
    let f = figure(
        &right,
        "Free-running samples: 10 persistent block-Gibbs chains v → h → v, shown as P(v = 1 | h)",
    )?;
    let samples = tiles(&f, "free-running Gibbs samples", "rbm-samples")?;
    let f = figure(
        &right,
        "Reconstructions: held-out digits v (top) → P(h | v) → P(v | h) (bottom)",
    )?;
    let recon = tiles(&f, "held-out digits and their reconstructions", "rbm-recon")?;

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
        "The 16 conditioned chains (the known pixels clamped)",
    )?;
    let comp_chains = tiles(&f, "conditioned Gibbs chains", "rbm-comp-chains")?;
    let comp_readout = readout(&view_boxes[1], "readout", "rbm-complete-readout")?;

    // Labels view.
    let lv = dom::el(&view_boxes[2], "div", "rbm-figs")?;
    let label_pad = figure(&lv, "Draw a digit (shared with the completion view)")?;
    label_pad.set_class_name("rbm-narrow");
    let f = dom::el(&lv, "div", "rbm-post")?;
    let posterior = chart(
        &f,
        380.0,
        220.0,
        "bar chart of the class posterior P(c | v) of the drawn digit",
        "rbm-posterior",
    )?;
    let class_readout = readout(&f, "readout", "rbm-class")?;
    let acc_readout = readout(&view_boxes[2], "rbm-big", "rbm-accuracy")?;
    let f = figure(
        &view_boxes[2],
        "Conditional generation: 10 chains with the label units clamped to the chosen class",
    )?;
    let label_ctl = dom::el(&f, "div", "row")?;
    let cond = tiles(&f, "digits generated for the chosen label", "rbm-cond")?;
    let cond_readout = readout(&f, "readout", "rbm-cond-readout")?;

    // DBN view.
    dom::text(&view_boxes[3], "p", "muted rbm-note", "A deep belief net 64 → h¹ → h²: the bottom RBM learns the pixels, then the top RBM learns the bottom one's hidden probabilities P(h¹ | v). Generation runs Gibbs in the top RBM (the associative memory), then one directed pass down, P(v | h¹).")?;
    let dbn_ctl = dom::el(&view_boxes[3], "div", "row")?;
    let dv = dom::el(&view_boxes[3], "div", "rbm-figs")?;
    let f = figure(&dv, "Top-down samples P(v = 1 | h¹) of 20 chains")?;
    let dbn_samples = tiles(&f, "deep belief net samples", "rbm-dbn-samples")?;
    let f = figure(&dv, "First-layer filters")?;
    let dbn_filters = tiles(&f, "deep belief net first-layer filters", "rbm-dbn-filters")?;
    let dbn_readout = readout(&view_boxes[3], "readout", "rbm-dbn-readout")?;

    // Gaussian view.
    dom::rich(&view_boxes[4], "p", "muted rbm-note", "Gaussian visible units $v \\in R^2$ with fixed noise σ and 0/1 hidden units: $v \\mid h \\sim N(b + W h, \\sigma^2 I)$, $P(h_j = 1 \\mid v) = \\sigma(c_j + \\sum_i w_{ij} v_i / \\sigma^2)$. Summing out h leaves a mixture of $2^H$ Gaussians for H hidden units — the lecture's exponential-family remark.")?;
    let scatter = Scatter::new(&view_boxes[4], "rbm-scatter", super::views::SCATTER_PX)?;
    dom::img_label(
        &scatter.canvas,
        "scatter plot of the training points, model samples and mixture means",
    )?;
    let gauss_readout = readout(&view_boxes[4], "readout", "rbm-gauss-readout")?;

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
    let train_readout = readout(&pbox, "readout", "rbm-train-readout")?;
    let charts = dom::el(&more, "div", "rbm-charts")?;
    let err_chart = chart(
        &charts,
        385.0,
        220.0,
        "line chart of the reconstruction error per epoch",
        "rbm-err-chart",
    )?;
    let metric_chart = chart(
        &charts,
        385.0,
        220.0,
        "line chart of the model's quality per epoch",
        "rbm-metric-chart",
    )?;

    Ok(Layout {
        panel,
        view_boxes,
        digit_box,
        gauss_box,
        pad,
        pad_host,
        pad_slots: [complete_pad, label_pad],
        figs: Figures {
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
            cond_readout,
            dbn_samples,
            dbn_filters,
            dbn_readout,
            scatter,
            gauss_readout,
            progress,
            train_readout,
            err_chart,
            metric_chart,
        },
        slots: Slots {
            seg,
            pad_buttons,
            complete_ctl,
            label_ctl,
            dbn_ctl,
        },
    })
}
