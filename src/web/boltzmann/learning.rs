//! The learning view's layout and drawing: the clamped- and free-phase correlation heatmaps, the
//! exact log-likelihood trace, the training patterns and the free chain's visible units. The
//! session is [`LearnRun`].

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, HtmlProgressElement};

use super::{controls_box, figure, formula, note, progress, readout, BoltzmannLab};
use crate::core::boltzmann::run::learning::{DataKind, LearnRun};
use crate::web::canvas::{PixelLayer, INK, PAPER};
use crate::web::dom;
use crate::web::plot::{Axes, Plot, RefLine, Series, SeriesData, PALETTE};
use crate::web::settings::{self, Action};
use crate::web::status;

/// Colour of the gaps between pattern tiles.
const GAP: [u8; 3] = [140, 140, 140];

/// The view's charts, pictures and read-outs.
pub(super) struct LearnView {
    data_heat: Plot,
    model_heat: Plot,
    ll_plot: Plot,
    tiles: PixelLayer,
    dream: PixelLayer,
    bar: HtmlProgressElement,
    readout: HtmlElement,
}

static DATA: &[Action<BoltzmannLab>] = &[Action {
    key: "new-data",
    label: "New random data",
    tip: "Draw new random patterns from the lab's random stream",
    run: |l| {
        if l.run.learn.settings().data == DataKind::Random {
            l.run.learn.new_data();
            l.run.learn.restart_training();
            status::info("new random patterns: training starts again from W = 0");
        } else {
            status::info("choose \"random patterns\" first; bars and stripes are fixed");
        }
        l.touched();
    },
}];

static TRAINING: &[Action<BoltzmannLab>] = &[Action {
    key: "restart",
    label: "Restart training",
    tip: "W = 0 and a fresh run",
    run: |l| {
        l.run.learn.restart_training();
        status::info("training restarted from W = 0");
        l.touched();
    },
}];

/// Paints ±1 cells: ink or paper.
fn cell(px: &mut [u8], v: i8) {
    px[..3].copy_from_slice(if v > 0 { &INK } else { &PAPER });
    px[3] = 255;
}

impl LearnView {
    /// Lays out the view inside `section`; returns it and the column for the controls.
    pub(super) fn new(section: &HtmlElement) -> Result<(Self, HtmlElement), JsValue> {
        let stage = dom::el(section, "div", "stage")?;
        let left = dom::el(&stage, "div", "stage-pic")?;
        let right = dom::el(&stage, "div", "stage-side")?;
        let more = dom::el(&stage, "div", "stage-more")?;
        let heats = dom::el(&left, "div", "bz-row")?;
        let heat = |label| -> Result<Plot, JsValue> {
            let p = Plot::new(&heats, "bz-plot", 300.0, 250.0)?;
            dom::img_label(&p.canvas, label)?;
            Ok(p)
        };
        let data_heat = heat("heatmap of the clamped-phase correlations ⟨yᵢyⱼ⟩ over the data")?;
        let model_heat = heat("heatmap of the free-phase correlations ⟨yᵢyⱼ⟩ of the model")?;
        let readout = dom::text(&left, "div", "readout", "")?;
        readout.set_id("bz-ll");
        let bar = progress(&left, "training progress")?;
        let ll_plot = Plot::new(&more, "bz-plot", 610.0, 220.0)?;
        dom::img_label(&ll_plot.canvas, "exact log-likelihood of the data per step")?;
        let pics = dom::el(&left, "div", "bz-row")?;
        let tiles = figure(
            &pics,
            "bz-tiles",
            "the training patterns",
            "data set P (visible units)",
        )?;
        let dream = figure(
            &pics,
            "bz-tiles",
            "the free-phase chain's visible units: a sample of the model",
            "free chain now",
        )?;
        let view = Self {
            data_heat,
            model_heat,
            ll_plot,
            tiles,
            dream,
            bar,
            readout,
        };
        Ok((view, right))
    }

    fn paint_tiles(&mut self, run: &LearnRun) -> Result<(), JsValue> {
        let (tw, th, cols, rows) = run.tile_shape();
        let (w, h) = ((cols * (tw + 1) - 1) as u32, (rows * (th + 1) - 1) as u32);
        if (self.tiles.width(), self.tiles.height()) != (w, h) {
            self.tiles.resize(w, h);
            self.dream.resize(tw as u32, th as u32);
        }
        for px in self.tiles.buf.chunks_exact_mut(4) {
            px[..3].copy_from_slice(&GAP);
            px[3] = 255;
        }
        let w = w as usize;
        for (p, pat) in run.data().chunks_exact(run.n_visible()).enumerate() {
            let (x0, y0) = ((p % cols) * (tw + 1), (p / cols) * (th + 1));
            for (i, &v) in pat.iter().enumerate() {
                let o = 4 * ((y0 + i / tw) * w + x0 + i % tw);
                if let Some(px) = self.tiles.buf.get_mut(o..o + 4) {
                    cell(px, v);
                }
            }
        }
        let y = run.free_state().y();
        for (i, px) in self.dream.buf.chunks_exact_mut(4).enumerate() {
            cell(px, y.get(i).copied().unwrap_or(-1));
        }
        self.tiles.blit()?;
        self.dream.blit()
    }

    /// Repaints the heatmaps, the likelihood trace, the tiles and the read-outs.
    pub(super) fn draw(&mut self, run: &LearnRun) -> Result<(), JsValue> {
        let n = run.n();
        let heat = |p: &mut Plot, title, c| p.heatmap(title, c, n, n, Some((-1.0, 1.0)), true);
        heat(
            &mut self.data_heat,
            "<yᵢyⱼ> data (clamped phase)",
            run.data_corr(),
        )?;
        heat(
            &mut self.model_heat,
            "<yᵢyⱼ> model (free phase)",
            run.model_corr(),
        )?;
        let (best, steps) = (run.best(), run.steps());
        let planned = run.settings().planned;
        // Room above the best possible value for its label; the run's lowest value below.
        let lo = run
            .ll_trace()
            .points()
            .iter()
            .map(|p| p.1)
            .filter(|v| v.is_finite())
            .fold(best, f64::min);
        let best_label = format!("best possible: log(1/{})", run.patterns());
        self.ll_plot.line_chart(
            &Axes {
                title: "Exact log-likelihood L = (1/N_P) Σ log P(v)",
                x_label: "training steps",
                y_label: "L",
                x_range: Some((0.0, (steps as f64).max(10.0))),
                y_range: Some((lo - 0.2, best + 0.15 * (best - lo).max(1.0))),
            },
            &[Series {
                name: "",
                color: PALETTE[0],
                data: SeriesData::Points(run.ll_trace().points()),
                dashed: false,
            }],
            &[RefLine {
                at: best,
                label: &best_label,
                color: PALETTE[2],
            }],
            &[],
        );
        self.paint_tiles(run)?;
        self.bar
            .set_value((steps as f64 / planned.max(1) as f64).min(1.0));
        let (ll, ll0) = (run.log_likelihood(), run.ll0());
        readout(
            &self.readout,
            &format!(
                "step {steps} of {planned} · L = {ll:.3} (start {ll0:.3}, best possible \
                 {best:.3}) · |∇L| = {:.3} · N = {} + {} hidden",
                run.gradient_norm(),
                run.n_visible(),
                run.settings().hidden
            ),
            &[
                ("ll", ll.to_string()),
                ("ll0", ll0.to_string()),
                ("best", best.to_string()),
                ("steps", steps.to_string()),
            ],
        );
        Ok(())
    }
}

/// Builds the view's controls from the table's rows and its buttons.
pub(super) fn wire(lab: &Rc<RefCell<BoltzmannLab>>, right: &HtmlElement) -> Result<(), JsValue> {
    let b = controls_box(right, "Data set P")?;
    settings::build(lab, &b, &["data", "nv", "np"])?;
    settings::buttons(lab, &b, DATA)?;
    let b = controls_box(right, "Boltzmann machine (T = 1)")?;
    formula(
        &b,
        r"w_{ij} \leftarrow w_{ij} + \eta(\langle y_i y_j \rangle_{\text{data}} - \langle y_i y_j \rangle_{\text{model}})",
    )?;
    settings::build(lab, &b, &["hidden", "eta", "m", "kc", "pcd", "steps"])?;
    settings::buttons(lab, &b, TRAINING)?;
    note(
        &b,
        "Maximise $L(W) = \\frac{1}{N_P}\\sum_{v \\in P} \\log P(v)$, \
         $P(v) = \\sum_h P(v, h)$. Gradient: $\\partial L / \\partial w_{ij} = \\langle y_i y_j \\rangle_{\\text{data}} - \\langle y_i y_j \\rangle_{\\text{model}}$. Clamped phase: fix the visible units \
         to each pattern, Gibbs-sample the hidden ones (K samples each). Free phase: run the \
         whole network from a random start, keep the last M samples. Then wᵢⱼ ← wᵢⱼ + η ∇L \
         (biases likewise). L is computed exactly over all 2ᴺ states (N ≤ 16). The best L for \
         N_P distinct patterns is log(1/N_P); without hidden units the machine only matches \
         pairwise statistics. When the weights grow the free chain mixes slowly and the \
         estimates get noisy: \"training is hard\".",
    )?;
    note(
        &b,
        "Heatmaps: visible units first, then hidden; colour −1 (blue) … +1 (red). Changing the \
         data or the hidden units restarts training from W = 0; η, M, K and the persistent chain \
         take effect on the current W.",
    )?;
    Ok(())
}
