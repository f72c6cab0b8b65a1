//! Sub-view "Learning": maximum-likelihood learning of a Boltzmann machine with visible and
//! hidden units. Each step runs the clamped phase (visible units fixed to each pattern), the free
//! phase (the whole network running) and `W ← W + η (⟨yᵢyⱼ⟩_data − ⟨yᵢyⱼ⟩_model)`; the two
//! correlation matrices are shown side by side and the exact log-likelihood is traced. The
//! controls are built in [`controls`].

mod controls;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, HtmlInputElement, HtmlProgressElement, HtmlSelectElement};

use super::{load_f64, load_usize, progress, readout, url_num};
use crate::core::boltzmann::{bars_and_stripes, random_patterns, BmConfig, BmTrainer, Network};
use crate::core::params::Params;
use crate::core::rng::Rng;
use crate::core::trace::Trace;
use crate::web::canvas::{PixelLayer, INK, PAPER};
use crate::web::dom;
use crate::web::plot::{Axes, Plot, RefLine, Series, SeriesData, PALETTE};
use crate::web::status;

/// Data sets, as (URL id, label).
const DATA: [(&str, &str); 2] = [
    ("bs", "bars and stripes 3×3 (14 patterns)"),
    ("rand", "random patterns"),
];
/// Work budget per frame (≈ multiply-adds): bounds the training steps per frame.
const WORK_PER_FRAME: f64 = 3.0e6;
/// Colour of the gaps between pattern tiles.
const GAP: [u8; 3] = [140, 140, 140];

struct Controls {
    data: HtmlSelectElement,
    nv: dom::Slider,
    np: dom::Slider,
    hidden: dom::Slider,
    eta: dom::Slider,
    m: dom::Slider,
    kc: dom::Slider,
    pcd: HtmlInputElement,
    steps: dom::Slider,
}

/// The sub-view's state.
pub(super) struct LearnView {
    data_heat: Plot,
    model_heat: Plot,
    ll_plot: Plot,
    tiles: PixelLayer,
    dream: PixelLayer,
    bar: HtmlProgressElement,
    readout: HtmlElement,
    ctl: Option<Controls>,
    kind: usize,
    nv_rand: usize,
    np_rand: usize,
    hidden: usize,
    eta: f64,
    m: usize,
    kc: usize,
    persistent: bool,
    planned: usize,
    data: Vec<i8>,
    n_v: usize,
    net: Network,
    trainer: BmTrainer,
    data_corr: Vec<f64>,
    model_corr: Vec<f64>,
    ll: Trace,
    ll0: f64,
    last_ll: f64,
    grad: f64,
    best_label: String,
    rng: Rng,
    dirty: bool,
}

/// See [`LearnView::setup`].
type Setup = (usize, usize, usize, usize, f64, usize, usize, bool);

fn js(e: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&e.to_string())
}

impl LearnView {
    /// Builds the view inside `section`.
    pub(super) fn new(section: &HtmlElement, mut rng: Rng) -> Result<Rc<RefCell<Self>>, JsValue> {
        let cols = dom::el(section, "div", "cols")?;
        let left = dom::el(&cols, "div", "col bz-wide-col")?;
        let right = dom::el(&cols, "div", "col side-col")?;
        let heats = dom::el(&left, "div", "bz-row")?;
        let data_heat = Plot::new(&heats, "bz-plot", 300.0, 250.0)?;
        dom::img_label(
            &data_heat.canvas,
            "heatmap of the clamped-phase correlations ⟨yᵢyⱼ⟩_data",
        )?;
        let model_heat = Plot::new(&heats, "bz-plot", 300.0, 250.0)?;
        dom::img_label(
            &model_heat.canvas,
            "heatmap of the free-phase correlations ⟨yᵢyⱼ⟩_model",
        )?;
        let readout_el = dom::text(&left, "div", "readout", "")?;
        readout_el.set_id("bz-ll");
        let bar = progress(&left, "training progress")?;
        let ll_plot = Plot::new(&left, "bz-plot", 610.0, 220.0)?;
        dom::img_label(&ll_plot.canvas, "exact log-likelihood of the data per step")?;
        let pics = dom::el(&left, "div", "bz-row")?;
        let f1 = dom::el(&pics, "figure", "bz-fig")?;
        let tiles = PixelLayer::new(&f1, "bz-tiles", 1, 1)?;
        dom::img_label(&tiles.canvas, "the training patterns")?;
        dom::text(
            &f1,
            "figcaption",
            "bz-caption",
            "data set P (visible units)",
        )?;
        let f2 = dom::el(&pics, "figure", "bz-fig")?;
        let dream = PixelLayer::new(&f2, "bz-tiles", 1, 1)?;
        dom::img_label(
            &dream.canvas,
            "the free-phase chain's visible units: a sample of the model",
        )?;
        dom::text(&f2, "figcaption", "bz-caption", "free chain now")?;

        let data = bars_and_stripes(3).map_err(js)?;
        let n_v = 9;
        let hidden = 2;
        let net = Network::new(n_v + hidden).map_err(js)?;
        let trainer = BmTrainer::new(&net, BmConfig::new(n_v), &mut rng).map_err(js)?;
        let view = Rc::new(RefCell::new(Self {
            data_heat,
            model_heat,
            ll_plot,
            tiles,
            dream,
            bar,
            readout: readout_el,
            ctl: None,
            kind: 0,
            nv_rand: 8,
            np_rand: 4,
            hidden,
            eta: 0.05,
            m: 200,
            kc: 10,
            persistent: false,
            planned: 300,
            data,
            n_v,
            net,
            trainer,
            data_corr: Vec::new(),
            model_corr: Vec::new(),
            ll: Trace::new(1500),
            ll0: 0.0,
            last_ll: 0.0,
            grad: 0.0,
            best_label: String::new(),
            rng,
            dirty: true,
        }));
        let ctl = Self::controls(&view, &right)?;
        {
            let mut v = view.borrow_mut();
            v.ctl = Some(ctl);
            v.new_data();
            v.restart();
        }
        Ok(view)
    }

    /// Forces a repaint.
    pub(super) fn touch(&mut self) {
        self.dirty = true;
    }

    /// Builds the data set (random patterns come from the lab's stream).
    fn new_data(&mut self) {
        let res = if self.kind == 0 {
            bars_and_stripes(3).map(|d| (d, 9))
        } else {
            random_patterns(self.nv_rand, self.np_rand, &mut self.rng).map(|d| (d, self.nv_rand))
        };
        match res {
            Ok((d, n_v)) => {
                self.data = d;
                self.n_v = n_v;
            }
            Err(e) => status::warn(&format!("data set unchanged: {e}")),
        }
        if let Some(c) = &self.ctl {
            c.nv.input.set_disabled(self.kind == 0);
            c.np.input.set_disabled(self.kind == 0);
        }
        self.resize_tiles();
    }

    fn tile_shape(&self) -> (usize, usize, usize, usize) {
        let np = self.data.len() / self.n_v.max(1);
        // Bars and stripes as 3×3 images in rows of 7; random patterns as columns of N_v cells.
        let (tw, th, cols) = if self.kind == 0 {
            (3, 3, 7)
        } else {
            (1, self.n_v, np.max(1))
        };
        (tw, th, cols, np.div_ceil(cols).max(1))
    }

    fn resize_tiles(&mut self) {
        let (tw, th, cols, rows) = self.tile_shape();
        self.tiles
            .resize((cols * (tw + 1) - 1) as u32, (rows * (th + 1) - 1) as u32);
        self.dream.resize(tw as u32, th as u32);
        self.dirty = true;
    }

    /// A fresh run: W = 0 and a new trainer with the current settings.
    fn restart(&mut self) {
        let n = self.n_v + self.hidden;
        let mut cfg = BmConfig::new(self.n_v);
        cfg.learning_rate = self.eta;
        cfg.samples = self.m;
        cfg.clamped_samples = self.kc;
        cfg.persistent = self.persistent;
        cfg.total_steps = self.planned;
        let built = Network::new(n).map_err(|e| e.to_string()).and_then(|net| {
            BmTrainer::new(&net, cfg, &mut self.rng)
                .map(|t| (net, t))
                .map_err(|e| e.to_string())
        });
        let (net, mut trainer) = match built {
            Ok(x) => x,
            Err(e) => {
                status::warn(&format!("cannot train: {e}"));
                return;
            }
        };
        self.ll0 = match trainer.exact_log_likelihood(&net, &self.data) {
            Ok(Some(l)) => l,
            _ => f64::NAN,
        };
        self.net = net;
        self.trainer = trainer;
        self.data_corr = vec![0.0; n * n];
        self.model_corr = vec![0.0; n * n];
        self.ll.clear();
        self.ll.push(0.0, self.ll0);
        self.last_ll = self.ll0;
        self.grad = 0.0;
        let np = self.data.len() / self.n_v.max(1);
        self.best_label = format!("best possible: log(1/{np})");
        self.bar.set_value(0.0);
        self.dirty = true;
    }

    /// Up to `k` training steps (within the frame budget and the plan); `false` pauses.
    pub(super) fn tick(&mut self, k: usize) -> bool {
        let done = self.trainer.steps();
        if done >= self.planned {
            status::info(&format!(
                "the {} planned steps are done; raise \"Plan\" to go on",
                self.planned
            ));
            return false;
        }
        let n = (self.n_v + self.hidden) as f64;
        let np = (self.data.len() / self.n_v.max(1)) as f64;
        // Exact L (2ᴺ N²) + free phase ((burn-in + M) N²) + clamped phase (N_P (10 + K) N_h N).
        let cost = n.exp2() * n * n
            + (20.0 + self.m as f64) * n * n
            + np * (10.0 + self.kc as f64) * self.hidden as f64 * n;
        let cap = (WORK_PER_FRAME / cost).max(1.0) as usize;
        let k = k.min(cap).min(self.planned - done);
        for _ in 0..k {
            let stats = match self.trainer.step(&mut self.net, &self.data, &mut self.rng) {
                Ok(s) => s,
                Err(e) => {
                    status::warn(&format!("training stopped: {e}"));
                    return false;
                }
            };
            self.data_corr.copy_from_slice(stats.data_corr);
            self.model_corr.copy_from_slice(stats.model_corr);
            self.grad = stats.gradient_norm;
            let ll = stats.log_likelihood.unwrap_or(f64::NAN);
            let step = stats.step;
            if !ll.is_finite() || !self.grad.is_finite() {
                status::show(
                    status::Level::Error,
                    "training diverged (the likelihood is not a finite number): lower η and press Restart",
                );
                self.dirty = true;
                return false;
            }
            self.last_ll = ll;
            self.ll.push(step as f64, ll);
        }
        self.dirty = true;
        if self.trainer.steps() >= self.planned {
            status::info(&format!(
                "{} steps done: L = {:.3} (from {:.3})",
                self.planned, self.last_ll, self.ll0
            ));
            return false;
        }
        true
    }

    /// Starts over with `rng`: new random data (if chosen) and W = 0.
    pub(super) fn reset(&mut self, rng: Rng) {
        self.rng = rng;
        self.new_data();
        self.restart();
    }

    fn paint_tiles(&mut self) {
        let (tw, th, cols, _) = self.tile_shape();
        let w = self.tiles.width() as usize;
        for px in self.tiles.buf.chunks_exact_mut(4) {
            px[..3].copy_from_slice(&GAP);
            px[3] = 255;
        }
        for (p, pat) in self.data.chunks_exact(self.n_v).enumerate() {
            let (x0, y0) = ((p % cols) * (tw + 1), (p / cols) * (th + 1));
            for (i, &v) in pat.iter().enumerate() {
                let (x, y) = (x0 + i % tw, y0 + i / tw);
                let o = 4 * (y * w + x);
                if let Some(px) = self.tiles.buf.get_mut(o..o + 3) {
                    px.copy_from_slice(if v > 0 { &INK } else { &PAPER });
                }
            }
        }
        let y = self.trainer.free_state().y();
        for (i, px) in self.dream.buf.chunks_exact_mut(4).enumerate() {
            let v = y.get(i).copied().unwrap_or(-1);
            px[..3].copy_from_slice(if v > 0 { &INK } else { &PAPER });
            px[3] = 255;
        }
    }

    /// Repaints the heatmaps, the likelihood trace, the tiles and the read-outs.
    pub(super) fn draw(&mut self) -> Result<(), JsValue> {
        if !self.dirty {
            return Ok(());
        }
        self.dirty = false;
        let n = self.n_v + self.hidden;
        self.data_heat.heatmap(
            "<yᵢyⱼ> data (clamped phase)",
            &self.data_corr,
            n,
            n,
            Some((-1.0, 1.0)),
            true,
        )?;
        self.model_heat.heatmap(
            "<yᵢyⱼ> model (free phase)",
            &self.model_corr,
            n,
            n,
            Some((-1.0, 1.0)),
            true,
        )?;
        let np = (self.data.len() / self.n_v.max(1)).max(1) as f64;
        let best = -np.ln();
        let steps = self.trainer.steps();
        // Room above the best possible value for its label; the run's lowest value below.
        let lo = self
            .ll
            .points()
            .iter()
            .map(|p| p.1)
            .filter(|v| v.is_finite())
            .fold(best, f64::min);
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
                data: SeriesData::Points(self.ll.points()),
                dashed: false,
            }],
            &[RefLine {
                at: best,
                label: &self.best_label,
                color: PALETTE[2],
            }],
            &[],
        );
        self.paint_tiles();
        self.tiles.blit()?;
        self.dream.blit()?;
        self.bar
            .set_value((steps as f64 / self.planned.max(1) as f64).min(1.0));
        readout(
            &self.readout,
            &format!(
                "step {steps} of {} · L = {:.3} (start {:.3}, best possible {best:.3}) · |∇L| = {:.3} · N = {} + {} hidden",
                self.planned, self.last_ll, self.ll0, self.grad, self.n_v, self.hidden
            ),
            &[
                ("ll", format!("{}", self.last_ll)),
                ("ll0", format!("{}", self.ll0)),
                ("steps", steps.to_string()),
            ],
        );
        Ok(())
    }

    /// Writes this view's settings.
    pub(super) fn save(&self, p: &mut Params) {
        p.set("data", DATA[self.kind.min(1)].0);
        if self.kind == 1 {
            p.set("nv", &self.nv_rand.to_string());
            p.set("np", &self.np_rand.to_string());
        }
        p.set("hidden", &self.hidden.to_string());
        p.set("eta", &url_num(self.eta));
        p.set("m", &self.m.to_string());
        p.set("kc", &self.kc.to_string());
        if self.persistent {
            p.set("pcd", "1");
        }
        p.set("steps", &self.planned.to_string());
    }

    /// The settings that define a training run: data set kind, random-set sizes, hidden units,
    /// η, samples m, CD steps and persistence.
    fn setup(&self) -> Setup {
        (
            self.kind,
            self.nv_rand,
            self.np_rand,
            self.hidden,
            self.eta,
            self.m,
            self.kc,
            self.persistent,
        )
    }

    /// Applies settings from a URL; returns messages for refused values.
    pub(super) fn load(&mut self, p: &Params) -> Vec<String> {
        let mut msgs = Vec::new();
        let before = self.setup();
        let ids: Vec<&str> = DATA.iter().map(|d| d.0).collect();
        match p.choice("data", &ids) {
            Ok(Some(id)) => self.kind = ids.iter().position(|s| *s == id).unwrap_or(0),
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        if let Some(v) = load_usize(p, "nv", 6, 9, &mut msgs) {
            self.nv_rand = v;
        }
        if let Some(v) = load_usize(p, "np", 2, 8, &mut msgs) {
            self.np_rand = v;
        }
        if let Some(v) = load_usize(p, "hidden", 0, 4, &mut msgs) {
            self.hidden = v;
        }
        if let Some(v) = load_f64(p, "eta", 0.005, 0.5, &mut msgs) {
            self.eta = v;
        }
        if let Some(v) = load_usize(p, "m", 10, 1000, &mut msgs) {
            self.m = v;
        }
        if let Some(v) = load_usize(p, "kc", 1, 50, &mut msgs) {
            self.kc = v;
        }
        match p.flag("pcd") {
            Ok(Some(v)) => self.persistent = v,
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        if let Some(v) = load_usize(p, "steps", 50, 3000, &mut msgs) {
            self.planned = v;
        }
        let after = self.setup();
        if after != before {
            if (after.0, after.1, after.2) != (before.0, before.1, before.2) {
                self.new_data();
            }
            self.restart();
        }
        if let Some(c) = &self.ctl {
            c.data.set_selected_index(self.kind as i32);
            c.nv.set(self.nv_rand as f64);
            c.np.set(self.np_rand as f64);
            c.hidden.set(self.hidden as f64);
            c.eta.set(self.eta.log10());
            c.m.set(self.m as f64);
            c.kc.set(self.kc as f64);
            c.pcd.set_checked(self.persistent);
            c.steps.set(self.planned as f64);
        }
        self.dirty = true;
        msgs
    }
}
