//! "Direct sampling": the lecture's idea (1) draw from an easy distribution, (2) apply a
//! mathematical transform — in four cards that run together:
//! categorical by inverse CDF, the central-limit construction, Box–Muller, and `x = Lz + μ`.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

use crate::core::params::Params;
use crate::core::rng::Rng;
use crate::core::sampler::direct::{
    box_muller, clt_normal, normal_pdf, BoxMuller, Categorical, CategoricalDraw, CltDraw, MvNormal,
};
use crate::core::sampler::RunningMoments;
use crate::web::app::mark_dirty;
use crate::web::dom::{self, Slider};
use crate::web::plot::{Axes, Plot};
use crate::web::status;

use super::draw::Canvas2d;
use super::run::Ring;
use super::{fmt_count, fmt_num, now_ms, num_param, titled};

/// Categorical weight presets (label, weights).
const CAT_PRESETS: [(&str, &[f64]); 3] = [
    ("10 / 20 / 20 / 30 / 20 %", &[0.1, 0.2, 0.2, 0.3, 0.2]),
    ("skewed: 60 / 25 / 10 / 5 %", &[0.6, 0.25, 0.1, 0.05]),
    ("uniform over 6", &[1.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
];
/// Histogram bins on [−4, 4].
const BINS: usize = 64;
/// Points of the exact normal curve on [−4, 4].
const CURVE: usize = 161;
/// Draws per frame per card while playing, per unit of shell speed.
const DRAWS_PER_SPEED: u32 = 10;
/// Frames of the Box–Muller animation after a single step.
const BM_FRAMES: f64 = 45.0;
/// Card width (CSS pixels).
const CARD_W: f64 = 580.0;

const BLUE: &str = "#0072B2";
const ORANGE: &str = "#E69F00";
const VERMILLION: &str = "#D55E00";
const INK: &str = "#182030";

fn int_pow10(v: f64) -> String {
    format!("{:.0}", 10f64.powf(v).round())
}
fn two(v: f64) -> String {
    format!("{v:.2}")
}

/// The four direct-sampling cards.
pub struct DirectView {
    rng: Rng,
    // Categorical by inverse CDF.
    cat_preset: usize,
    cat: Categorical,
    cat_counts: Vec<u64>,
    cat_last: Option<CategoricalDraw>,
    cat_canvas: Canvas2d,
    cat_readout: HtmlElement,
    cat_select: Option<HtmlSelectElement>,
    // Central limit.
    clt_n: u64,
    clt_lo: f64,
    clt_w: f64,
    clt_counts: Vec<f64>,
    clt_curve: Vec<f64>,
    clt_moments: RunningMoments,
    clt_last: Option<CltDraw>,
    clt_plot: Plot,
    clt_readout: HtmlElement,
    clt_slider: Option<Slider>,
    curve: Vec<f64>,
    // Box–Muller.
    bm: Ring<BoxMuller>,
    bm_last: Option<BoxMuller>,
    bm_anim: f64,
    bm_count: u64,
    bm_hist: Vec<f64>,
    bm_canvas: Canvas2d,
    bm_plot: Plot,
    bm_readout: HtmlElement,
    // x = Lz + μ.
    mv_sig: [f64; 3],
    mv: Option<MvNormal>,
    mv_wrong: bool,
    mv_pts: Ring<[f64; 2]>,
    mv_wrong_pts: Ring<[f64; 2]>,
    mv_m: RunningMoments,
    mv_wrong_m: RunningMoments,
    mv_canvas: Canvas2d,
    mv_readout: HtmlElement,
    mv_ctl: Option<(Slider, Slider, Slider, HtmlInputElement)>,
    dirty: bool,
}

impl DirectView {
    /// Builds the view inside `parent`.
    pub fn new(parent: &Element, seed: u64) -> Result<Rc<RefCell<Self>>, JsValue> {
        let grid = dom::el(parent, "div", "samp-cards")?;
        let card = |title: &str, formula: &str| -> Result<HtmlElement, JsValue> {
            let c = dom::el(&grid, "div", "controls samp-card")?;
            dom::text(&c, "h3", "", title)?;
            dom::text(&c, "p", "samp-formula", formula)?;
            Ok(c)
        };
        let c1 = card(
            "Categorical: inverse CDF",
            "Draw u ~ U[0, 1), return the first category k with u < F(k) = p₁ + … + p_k \
             (the quantile function).",
        )?;
        let c1_ctl = dom::el(&c1, "div", "row")?;
        let cat_canvas = Canvas2d::new(
            &c1,
            "cat",
            CARD_W,
            230.0,
            "cumulative distribution staircase with the uniform draw landing on a category, and \
             bars of the exact and sampled probabilities",
        )?;
        let cat_readout = dom::text(&c1, "p", "readout", "")?;
        cat_readout.set_id("direct-cat");

        let c2 = card(
            "Normal from coin flips: central limit",
            "X_i ~ Bernoulli(½), S_N = (1/N) Σ X_i; then √N (S_N − ½)/½ → N(0, 1).",
        )?;
        let c2_ctl = dom::el(&c2, "div", "row")?;
        let clt_plot = Plot::new(&c2, "clt", CARD_W, 230.0)?;
        clt_plot.canvas.set_attribute("role", "img")?;
        clt_plot.canvas.set_attribute(
            "aria-label",
            "histogram of the central-limit values against N(0, 1)",
        )?;
        let clt_readout = dom::text(&c2, "p", "readout", "")?;
        clt_readout.set_id("direct-clt");

        let c3 = card(
            "Box–Muller: two uniforms → two normals",
            "n₁ = √(−2 ln u₁)·cos(2π u₂), n₂ = √(−2 ln u₁)·sin(2π u₂): u₁ sets the radius, u₂ \
             the angle.",
        )?;
        let bm_canvas = Canvas2d::new(
            &c3,
            "bm",
            CARD_W,
            230.0,
            "uniform pairs in the unit square mapped to normal pairs in the plane",
        )?;
        let bm_plot = Plot::new(&c3, "bm-hist", CARD_W, 150.0)?;
        bm_plot.canvas.set_attribute("role", "img")?;
        bm_plot
            .canvas
            .set_attribute("aria-label", "histogram of n₁ and n₂ against N(0, 1)")?;
        let bm_readout = dom::text(&c3, "p", "readout", "")?;
        bm_readout.set_id("direct-bm");

        let c4 = card(
            "Multivariate normal: x = L z + μ",
            "z ~ N(0, I) by Box–Muller, L the Cholesky factor (L Lᵀ = Σ). Cov(Lz) = L Lᵀ = Σ. \
             The slide's x = Σz + μ has Cov = Σ Σᵀ = Σ², right only when Σ = I — just as \
             x = σz + μ uses σ, not σ².",
        )?;
        let c4_ctl = dom::el(&c4, "div", "row samp-mvctl")?;
        let mv_canvas = Canvas2d::new(
            &c4,
            "mv",
            CARD_W,
            285.0,
            "samples of x = Lz + μ with the 1σ and 2σ ellipses of Σ",
        )?;
        let mv_readout = dom::text(&c4, "p", "readout", "")?;
        mv_readout.set_id("direct-mv");

        let curve = (0..CURVE)
            .map(|i| normal_pdf(-4.0 + 8.0 * i as f64 / (CURVE - 1) as f64))
            .collect();
        let cat =
            Categorical::new(CAT_PRESETS[0].1).map_err(|e| JsValue::from_str(&e.to_string()))?;
        let k = CAT_PRESETS[0].1.len();
        let mut v = Self {
            rng: Rng::new(seed),
            cat_preset: 0,
            cat,
            cat_counts: vec![0; k],
            cat_last: None,
            cat_canvas,
            cat_readout,
            cat_select: None,
            clt_n: 10,
            clt_lo: -4.0,
            clt_w: 8.0 / BINS as f64,
            clt_counts: vec![0.0; BINS],
            clt_curve: Vec::new(),
            clt_moments: RunningMoments::new(),
            clt_last: None,
            clt_plot,
            clt_readout,
            clt_slider: None,
            curve,
            bm: Ring::new(1500),
            bm_last: None,
            bm_anim: 1.0,
            bm_count: 0,
            bm_hist: vec![0.0; BINS],
            bm_canvas,
            bm_plot,
            bm_readout,
            mv_sig: [1.5, 0.7, 0.6],
            mv: None,
            mv_wrong: true,
            mv_pts: Ring::new(3000),
            mv_wrong_pts: Ring::new(3000),
            mv_m: RunningMoments::new(),
            mv_wrong_m: RunningMoments::new(),
            mv_canvas,
            mv_readout,
            mv_ctl: None,
            dirty: true,
        };
        v.rebuild_mv();
        v.set_clt_n(10);
        let lab = Rc::new(RefCell::new(v));

        // Controls.
        {
            let l = lab.clone();
            let labels: Vec<&str> = CAT_PRESETS.iter().map(|p| p.0).collect();
            let sel = dom::select(&c1_ctl, "p", &labels, 0, move |i| {
                l.borrow_mut().set_cat(i);
                mark_dirty();
            })?;
            titled(&sel, "The category probabilities p_k");
            lab.borrow_mut().cat_select = Some(sel);
        }
        {
            let l = lab.clone();
            let s = dom::slider(&c2_ctl, "N", 0.0, 3.0, 0.01, 1.0, int_pow10, move |v| {
                l.borrow_mut().set_clt_n(10f64.powf(v).round() as u64);
                mark_dirty();
            })?;
            titled(
                &s.input,
                "Coin flips per value: N = 1 gives ±1 only; the values lie on a lattice of spacing 2/√N",
            );
            lab.borrow_mut().clt_slider = Some(s);
        }
        {
            let mk = |label: &str,
                      min: f64,
                      max: f64,
                      v: f64,
                      k: usize,
                      tip: &str|
             -> Result<Slider, JsValue> {
                let l = lab.clone();
                let s = dom::slider(&c4_ctl, label, min, max, 0.01, v, two, move |x| {
                    let mut d = l.borrow_mut();
                    d.mv_sig[k] = x;
                    d.rebuild_mv();
                    mark_dirty();
                })?;
                titled(&s.input, tip);
                Ok(s)
            };
            let sig = lab.borrow().mv_sig;
            let s1 = mk("σ₁", 0.3, 2.0, sig[0], 0, "Standard deviation of x₁")?;
            let s2 = mk("σ₂", 0.3, 2.0, sig[1], 1, "Standard deviation of x₂")?;
            let rho = mk(
                "ρ",
                -0.95,
                0.95,
                sig[2],
                2,
                "Correlation: Σ = [[σ₁², ρσ₁σ₂], [ρσ₁σ₂, σ₂²]]",
            )?;
            let l = lab.clone();
            let wrong = dom::checkbox(&c4_ctl, "also x = Σz + μ", true, move |on| {
                let mut d = l.borrow_mut();
                d.mv_wrong = on;
                d.dirty = true;
                mark_dirty();
            })?;
            titled(
                &wrong,
                "Also draw the slide's x = Σz + μ (red) from the same z, to see its covariance Σ²",
            );
            lab.borrow_mut().mv_ctl = Some((s1, s2, rho, wrong));
        }
        Ok(lab)
    }

    /// Marks everything for redrawing.
    pub fn touch(&mut self) {
        self.dirty = true;
    }

    fn set_cat(&mut self, i: usize) {
        let i = i.min(CAT_PRESETS.len() - 1);
        match Categorical::new(CAT_PRESETS[i].1) {
            Ok(c) => {
                self.cat = c;
                self.cat_preset = i;
                self.cat_counts = vec![0; CAT_PRESETS[i].1.len()];
                self.cat_last = None;
                self.dirty = true;
            }
            Err(e) => status::warn(&e.to_string()),
        }
    }

    /// Sets N and lays the histogram bins on the lattice of possible values
    /// `(2·ones − N)/√N` (spacing h = 2/√N): each bin holds m ≥ 1 whole lattice points, its
    /// edges half-way between points, so the density histogram never shows empty "comb" bins.
    fn set_clt_n(&mut self, n: u64) {
        self.clt_n = n.clamp(1, crate::core::sampler::direct::MAX_CLT_N);
        let rn = (self.clt_n as f64).sqrt();
        let h = 2.0 / rn;
        let m = ((8.0 / 60.0) / h).ceil().max(1.0);
        let w = m * h;
        // Lattice points are −√N + j·h; the first edge at or below −4 is half a step before one.
        let j0 = ((rn - 4.0) / h + 0.5).floor();
        let lo = -rn + (j0 - 0.5) * h;
        let bins = ((4.0 - lo) / w).ceil().clamp(1.0, 4096.0) as usize;
        self.clt_lo = lo;
        self.clt_w = w;
        self.clt_counts = vec![0.0; bins];
        let hi = lo + w * bins as f64;
        self.clt_curve = (0..CURVE)
            .map(|i| normal_pdf(lo + (hi - lo) * i as f64 / (CURVE - 1) as f64))
            .collect();
        self.clt_moments.reset();
        self.clt_last = None;
        self.dirty = true;
    }

    fn rebuild_mv(&mut self) {
        let [s1, s2, rho] = self.mv_sig;
        let c = rho * s1 * s2;
        match MvNormal::new(&[0.0, 0.0], &[s1 * s1, c, c, s2 * s2]) {
            Ok(m) => self.mv = Some(m),
            Err(e) => status::warn(&format!("covariance refused: {e}")),
        }
        self.mv_pts.clear();
        self.mv_wrong_pts.clear();
        self.mv_m.reset();
        self.mv_wrong_m.reset();
        self.dirty = true;
    }

    /// `k` draws in every card.
    fn draw_many(&mut self, k: u32) {
        for _ in 0..k {
            let d = self.cat.sample(&mut self.rng);
            self.cat_counts[d.index] += 1;
            self.cat_last = Some(d);
            if let Ok(c) = clt_normal(self.clt_n, &mut self.rng) {
                let k = ((c.value - self.clt_lo) / self.clt_w).floor();
                if k >= 0.0 && (k as usize) < self.clt_counts.len() {
                    self.clt_counts[k as usize] += 1.0;
                }
                self.clt_moments.push([c.value, 0.0]);
                self.clt_last = Some(c);
            }
            let b = box_muller(&mut self.rng);
            self.bm.push(b);
            self.bm_count += 1;
            for v in [b.n1, b.n2] {
                let f = (v + 4.0) / 8.0;
                if (0.0..1.0).contains(&f) {
                    self.bm_hist[(f * BINS as f64) as usize] += 1.0;
                }
            }
            self.bm_last = Some(b);
            if let Some(m) = &self.mv {
                // z ~ N(0, I) by Box–Muller; the same z goes through both formulas.
                let zb = box_muller(&mut self.rng);
                let z = [zb.n1, zb.n2];
                let mut x = [0.0; 2];
                if m.transform(&z, &mut x) {
                    self.mv_pts.push(x);
                    self.mv_m.push(x);
                }
                if m.transform_by_covariance(&z, &mut x) {
                    self.mv_wrong_pts.push(x);
                    self.mv_wrong_m.push(x);
                }
            }
        }
        self.dirty = true;
    }

    /// Draws while playing.
    pub fn tick(&mut self, speed: u32) -> bool {
        // Draws in chunks within the frame budget (a huge N makes each CLT value costly).
        let total = speed.saturating_mul(DRAWS_PER_SPEED);
        let start = now_ms();
        let mut done = 0;
        while done < total {
            let k = (total - done).min(200);
            self.draw_many(k);
            done += k;
            if now_ms() - start > 12.0 {
                break;
            }
        }
        self.bm_anim = 1.0;
        true
    }

    /// One draw in every card, with its transform animated.
    pub fn step(&mut self) {
        self.draw_many(1);
        self.bm_anim = 0.0;
    }

    /// Starts over with `seed`.
    pub fn reset(&mut self, seed: u64) {
        self.rng = Rng::new(seed);
        self.cat_counts.fill(0);
        self.cat_last = None;
        self.clt_counts.fill(0.0);
        self.clt_moments.reset();
        self.clt_last = None;
        self.bm.clear();
        self.bm_last = None;
        self.bm_count = 0;
        self.bm_hist.fill(0.0);
        self.rebuild_mv();
        self.dirty = true;
    }

    /// Repaints what changed.
    pub fn draw(&mut self) -> Result<(), JsValue> {
        let animating = self.bm_anim < 1.0;
        if animating {
            self.bm_anim = (self.bm_anim + 1.0 / BM_FRAMES).min(1.0);
            self.draw_bm();
        }
        if !self.dirty {
            return Ok(());
        }
        self.dirty = false;
        self.draw_cat();
        self.draw_clt();
        self.draw_bm();
        self.draw_bm_hist();
        self.draw_mv();
        Ok(())
    }

    fn draw_cat(&self) {
        let c = &self.cat_canvas;
        c.clear("#ffffff");
        let cdf = self.cat.cdf();
        let k = cdf.len();
        // Left: the CDF staircase on [0, K] × [0, 1].
        let (x0, y0, w, h) = (46.0, 18.0, 250.0, 180.0);
        let px = |x: f64| x0 + x / k as f64 * w;
        let py = |y: f64| y0 + h - y * h;
        c.line((x0, y0), (x0, y0 + h), "#555", 1.0);
        c.line((x0, y0 + h), (x0 + w, y0 + h), "#555", 1.0);
        for t in [0.0, 0.5, 1.0] {
            c.text(
                &format!("{t}"),
                (x0 - 6.0, py(t) + 4.0),
                "11px system-ui, sans-serif",
                "#333",
                "right",
            );
            c.line((x0 - 3.0, py(t)), (x0, py(t)), "#555", 1.0);
        }
        c.text(
            "F(k)",
            (x0 + 6.0, y0 + 4.0),
            "12px system-ui, sans-serif",
            "#333",
            "left",
        );
        let mut prev = 0.0;
        for (i, &f) in cdf.iter().enumerate() {
            c.line((px(i as f64), py(prev)), (px(i as f64), py(f)), BLUE, 1.5);
            c.line(
                (px(i as f64), py(f)),
                (px(i as f64 + 1.0), py(f)),
                BLUE,
                2.5,
            );
            c.text(
                &format!("{}", i + 1),
                (px(i as f64 + 0.5), y0 + h + 14.0),
                "11px system-ui, sans-serif",
                "#333",
                "center",
            );
            prev = f;
        }
        c.text(
            "category k",
            (x0 + w / 2.0, y0 + h + 28.0),
            "12px system-ui, sans-serif",
            "#333",
            "center",
        );
        if let Some(d) = self.cat_last {
            // u on the vertical axis → across to the step that first exceeds it → down to k.
            let xk = px(d.index as f64 + 0.5);
            c.dashed(true);
            c.line((x0, py(d.u)), (xk, py(d.u)), ORANGE, 2.0);
            c.dashed(false);
            c.arrow((xk, py(d.u)), (xk, y0 + h), ORANGE, 2.0, 8.0);
            c.circle((x0, py(d.u)), 4.0, Some(ORANGE), None);
            c.text(
                &format!("u = {:.3}", d.u),
                (x0 + 6.0, py(d.u) - 6.0),
                "600 12px system-ui, sans-serif",
                INK,
                "left",
            );
        }
        // Right: exact p_k (outlines) and sampled frequencies (filled).
        let n: u64 = self.cat_counts.iter().sum();
        let (bx, bw) = (350.0, 230.0);
        let pmax = (0..k)
            .map(|i| self.cat.prob(i))
            .chain(self.cat_counts.iter().map(|&c| c as f64 / n.max(1) as f64))
            .fold(0.0f64, f64::max)
            .max(1e-9)
            * 1.1;
        let by = |p: f64| y0 + h - p / pmax * h;
        c.line((bx, y0 + h), (bx + bw, y0 + h), "#555", 1.0);
        let slot = bw / k as f64;
        for i in 0..k {
            let xl = bx + slot * i as f64 + slot * 0.15;
            let wd = slot * 0.7;
            if n > 0 {
                let f = self.cat_counts[i] as f64 / n as f64;
                let col = if self.cat_last.map(|d| d.index) == Some(i) {
                    ORANGE
                } else {
                    BLUE
                };
                c.ctx.set_fill_style_str(col);
                c.ctx.fill_rect(xl, by(f), wd, y0 + h - by(f));
            }
            let p = self.cat.prob(i);
            c.ctx.set_stroke_style_str(INK);
            c.ctx.set_line_width(1.5);
            c.ctx.stroke_rect(xl, by(p), wd, y0 + h - by(p));
            c.text(
                &format!("{}", i + 1),
                (xl + wd / 2.0, y0 + h + 14.0),
                "11px system-ui, sans-serif",
                "#333",
                "center",
            );
        }
        c.text(
            "outline: exact p_k · filled: sampled",
            (bx, y0 - 4.0),
            "11px system-ui, sans-serif",
            "#333",
            "left",
        );
        let last = self
            .cat_last
            .map(|d| format!("; last u = {:.3} → category {}", d.u, d.index + 1))
            .unwrap_or_default();
        self.cat_readout
            .set_text_content(Some(&format!("{} draws{last}", fmt_count(n))));
        let _ = self.cat_readout.set_attribute("data-value", &n.to_string());
    }

    fn draw_clt(&self) {
        let title = format!("√N (S_N − ½)/½ with N = {} against N(0, 1)", self.clt_n);
        let hi = self.clt_lo + self.clt_w * self.clt_counts.len() as f64;
        self.clt_plot.histogram(
            &Axes {
                title: &title,
                x_label: "value (bins hold whole lattice points)",
                y_label: "density",
                ..Default::default()
            },
            self.clt_lo,
            hi,
            &self.clt_counts,
            Some(&self.clt_curve),
        );
        let n = self.clt_moments.count();
        let var = self.clt_moments.cov().map(|c| c[0][0]).unwrap_or(f64::NAN);
        let last = self
            .clt_last
            .map(|c| format!("; last: {} ones of {} → {:.3}", c.ones, self.clt_n, c.value))
            .unwrap_or_default();
        self.clt_readout.set_text_content(Some(&format!(
            "{} values, mean {} (exact 0), variance {} (exact 1); lattice spacing 2/√N = {}{last}",
            fmt_count(n),
            fmt_num(self.clt_moments.mean()[0]),
            fmt_num(var),
            fmt_num(2.0 / (self.clt_n as f64).sqrt())
        )));
        let _ = self.clt_readout.set_attribute("data-value", &n.to_string());
    }

    fn draw_bm(&self) {
        let c = &self.bm_canvas;
        c.clear("#ffffff");
        let s = 190.0;
        let (ux, uy) = (62.0, 20.0);
        let (nx, ny) = (360.0, 20.0);
        c.ctx.set_stroke_style_str("#555");
        c.ctx.set_line_width(1.0);
        c.ctx.stroke_rect(ux, uy, s, s);
        c.ctx.stroke_rect(nx, ny, s, s);
        c.text(
            "u₁ (radius)",
            (ux + s / 2.0, uy + s + 15.0),
            "12px system-ui, sans-serif",
            "#333",
            "center",
        );
        c.text(
            "u₂",
            (ux - 6.0, uy + s / 2.0),
            "12px system-ui, sans-serif",
            "#333",
            "right",
        );
        c.text(
            "(angle)",
            (ux - 4.0, uy + s / 2.0 + 14.0),
            "11px system-ui, sans-serif",
            "#333",
            "right",
        );
        c.text(
            "n₁",
            (nx + s / 2.0, ny + s + 15.0),
            "12px system-ui, sans-serif",
            "#333",
            "center",
        );
        c.text(
            "n₂",
            (nx - 6.0, ny + s / 2.0),
            "12px system-ui, sans-serif",
            "#333",
            "right",
        );
        c.arrow(
            (ux + s + 25.0, uy + s / 2.0),
            (nx - 25.0, ny + s / 2.0),
            "#555",
            2.0,
            10.0,
        );
        c.text(
            "Box–Muller",
            ((ux + s + nx) / 2.0, uy + s / 2.0 - 10.0),
            "600 12px system-ui, sans-serif",
            "#333",
            "center",
        );
        // Plane [−4, 4]².
        let pn = |v: [f64; 2]| (nx + (v[0] + 4.0) / 8.0 * s, ny + (4.0 - v[1]) / 8.0 * s);
        let pu = |u1: f64, u2: f64| (ux + u1 * s, uy + (1.0 - u2) * s);
        c.line(pn([-4.0, 0.0]), pn([4.0, 0.0]), "#ddd", 1.0);
        c.line(pn([0.0, -4.0]), pn([0.0, 4.0]), "#ddd", 1.0);
        c.ctx.set_fill_style_str("rgba(0,114,178,0.45)");
        for b in self.bm.iter() {
            let (x, y) = pu(b.u1, b.u2);
            c.ctx.fill_rect(x - 1.0, y - 1.0, 2.0, 2.0);
            if b.n1.abs() < 4.0 && b.n2.abs() < 4.0 {
                let (x, y) = pn([b.n1, b.n2]);
                c.ctx.fill_rect(x - 1.0, y - 1.0, 2.0, 2.0);
            }
        }
        if let Some(b) = self.bm_last {
            let a = self.bm_anim;
            let r = (-2.0 * b.u1.ln()).sqrt();
            let th = std::f64::consts::TAU * b.u2;
            let (ox, oy) = pn([0.0, 0.0]);
            // The radius √(−2 ln u₁) grows first, then the angle 2πu₂ turns.
            let rr = r * (2.0 * a).min(1.0);
            let ang = th * (2.0 * a - 1.0).clamp(0.0, 1.0);
            c.dashed(true);
            c.circle((ox, oy), rr / 8.0 * s, None, Some(ORANGE));
            c.dashed(false);
            let p = pn([rr * ang.cos(), rr * ang.sin()]);
            c.line((ox, oy), p, ORANGE, 2.0);
            c.circle(p, 5.0, Some(ORANGE), Some(INK));
            let q = pu(b.u1, b.u2);
            c.line((q.0, uy + s), q, ORANGE, 1.0);
            c.line((ux, q.1), q, ORANGE, 1.0);
            c.circle(q, 5.0, Some(ORANGE), Some(INK));
            c.text(
                &format!("u = ({:.2}, {:.2})", b.u1, b.u2),
                (ux + 4.0, uy + 14.0),
                "600 12px system-ui, sans-serif",
                INK,
                "left",
            );
            c.text(
                &format!("r = {r:.2}, θ = {:.0}°", th.to_degrees()),
                (nx + 4.0, ny + 14.0),
                "600 12px system-ui, sans-serif",
                INK,
                "left",
            );
        }
    }

    fn draw_bm_hist(&self) {
        self.bm_plot.histogram(
            &Axes {
                title: "n₁ and n₂ pooled against N(0, 1)",
                x_label: "value",
                y_label: "density",
                ..Default::default()
            },
            -4.0,
            4.0,
            &self.bm_hist,
            Some(&self.curve),
        );
        self.bm_readout.set_text_content(Some(&format!(
            "{} pairs (u₁, u₂) → (n₁, n₂); u₁ is drawn from (0, 1] so ln u₁ is finite",
            fmt_count(self.bm_count)
        )));
        let _ = self
            .bm_readout
            .set_attribute("data-value", &self.bm_count.to_string());
    }

    fn draw_mv(&self) {
        let c = &self.mv_canvas;
        c.clear("#ffffff");
        let Some(m) = &self.mv else { return };
        let s = 250.0;
        let (x0, y0) = (40.0, 10.0);
        let half = 5.0;
        let p = |v: [f64; 2]| {
            (
                x0 + (v[0] + half) / (2.0 * half) * s,
                y0 + (half - v[1]) / (2.0 * half) * s,
            )
        };
        c.ctx.set_stroke_style_str("#555");
        c.ctx.set_line_width(1.0);
        c.ctx.stroke_rect(x0, y0, s, s);
        c.line(p([-half, 0.0]), p([half, 0.0]), "#e3e3e3", 1.0);
        c.line(p([0.0, -half]), p([0.0, half]), "#e3e3e3", 1.0);
        c.text(
            "x₁",
            (x0 + s / 2.0, y0 + s + 15.0),
            "12px system-ui, sans-serif",
            "#333",
            "center",
        );
        c.text(
            "x₂",
            (x0 - 8.0, y0 + s / 2.0),
            "12px system-ui, sans-serif",
            "#333",
            "right",
        );
        let inside = |v: &[f64; 2]| v[0].abs() < half && v[1].abs() < half;
        if self.mv_wrong {
            c.ctx.set_fill_style_str("rgba(213,94,0,0.28)");
            for v in self.mv_wrong_pts.iter().filter(|v| inside(v)) {
                let (x, y) = p(*v);
                c.ctx.fill_rect(x - 1.0, y - 1.0, 2.0, 2.0);
            }
        }
        c.ctx.set_fill_style_str("rgba(0,114,178,0.4)");
        for v in self.mv_pts.iter().filter(|v| inside(v)) {
            let (x, y) = p(*v);
            c.ctx.fill_rect(x - 1.0, y - 1.0, 2.0, 2.0);
        }
        // The 1σ and 2σ ellipses of Σ: images of the circles |z| = 1, 2 under z ↦ Lz + μ
        // (and, dashed red, under the slide's z ↦ Σz + μ), clipped to the box.
        c.ctx.save();
        c.ctx.begin_path();
        c.ctx.rect(x0, y0, s, s);
        c.ctx.clip();
        for (k, wrong) in [(1.0, true), (2.0, true), (1.0, false), (2.0, false)] {
            if wrong && !self.mv_wrong {
                continue;
            }
            c.ctx.begin_path();
            let mut x = [0.0; 2];
            for i in 0..=64 {
                let a = std::f64::consts::TAU * i as f64 / 64.0;
                let z = [k * a.cos(), k * a.sin()];
                if wrong {
                    m.transform_by_covariance(&z, &mut x);
                } else {
                    m.transform(&z, &mut x);
                }
                let (px_, py_) = p(x);
                if i == 0 {
                    c.ctx.move_to(px_, py_);
                } else {
                    c.ctx.line_to(px_, py_);
                }
            }
            // A white halo first, so the line reads on top of the dots.
            c.dashed(wrong);
            c.ctx.set_stroke_style_str("rgba(255,255,255,0.9)");
            c.ctx.set_line_width(5.0);
            c.ctx.stroke();
            c.ctx
                .set_stroke_style_str(if wrong { VERMILLION } else { INK });
            c.ctx.set_line_width(2.0);
            c.ctx.stroke();
        }
        c.dashed(false);
        c.ctx.restore();
        // The numbers: Σ, L, and both sample covariances.
        let l = m.cholesky();
        let [s1, s2, rho] = self.mv_sig;
        let cov = [s1 * s1, rho * s1 * s2, s2 * s2];
        let tx = x0 + s + 30.0;
        let f = "13px system-ui, sans-serif";
        let b = "600 13px system-ui, sans-serif";
        let mat = |m: [f64; 3]| format!("[[{:.2}, {:.2}], [{:.2}, {:.2}]]", m[0], m[1], m[1], m[2]);
        let mut y = y0 + 16.0;
        let mut line = |t: &str, font: &str, col: &str| {
            c.text(t, (tx, y), font, col, "left");
            y += 20.0;
        };
        line("Σ (target covariance)", b, INK);
        line(&mat(cov), f, INK);
        line("L (Cholesky, L Lᵀ = Σ)", b, INK);
        line(
            &format!("[[{:.2}, 0], [{:.2}, {:.2}]]", l[0], l[2], l[3]),
            f,
            INK,
        );
        line("sample Cov of Lz + μ", b, BLUE);
        let sc = |mm: &RunningMoments| {
            mm.cov()
                .map(|c| mat([c[0][0], c[0][1], c[1][1]]))
                .unwrap_or_else(|| "—".into())
        };
        line(&sc(&self.mv_m), f, BLUE);
        if self.mv_wrong {
            line("sample Cov of Σz + μ (≈ Σ²)", b, VERMILLION);
            line(&sc(&self.mv_wrong_m), f, VERMILLION);
        }
        self.mv_readout.set_text_content(Some(&format!(
            "{} draws; solid ellipses: 1σ and 2σ of Σ (images of |z| = 1, 2 under Lz + μ){}",
            fmt_count(self.mv_m.count()),
            if self.mv_wrong {
                "; dashed red: the same circles under Σz + μ"
            } else {
                ""
            }
        )));
        let _ = self
            .mv_readout
            .set_attribute("data-value", &self.mv_m.count().to_string());
    }

    /// Writes the settings into the URL state.
    pub fn save(&self, p: &mut Params) {
        p.set("cat", &self.cat_preset.to_string());
        p.set("clt", &self.clt_n.to_string());
        p.set("mvs1", &format!("{:.2}", self.mv_sig[0]));
        p.set("mvs2", &format!("{:.2}", self.mv_sig[1]));
        p.set("mvrho", &format!("{:.2}", self.mv_sig[2]));
        p.set("mvwrong", if self.mv_wrong { "1" } else { "0" });
    }

    /// Applies settings from a URL; returns messages for refused or clamped values.
    pub fn load(&mut self, p: &Params) -> Vec<String> {
        let mut msgs = Vec::new();
        if let Some(v) = num_param(p, "cat", 0.0, (CAT_PRESETS.len() - 1) as f64, &mut msgs) {
            self.set_cat(v.round() as usize);
            if let Some(s) = &self.cat_select {
                s.set_selected_index(self.cat_preset as i32);
            }
        }
        if let Some(v) = num_param(p, "clt", 1.0, 1e6, &mut msgs) {
            self.set_clt_n(v.round() as u64);
            if let Some(s) = &self.clt_slider {
                s.set((self.clt_n as f64).log10());
            }
        }
        let mut changed = false;
        for (key, k, lo, hi) in [
            ("mvs1", 0, 0.3, 2.0),
            ("mvs2", 1, 0.3, 2.0),
            ("mvrho", 2, -0.95, 0.95),
        ] {
            if let Some(v) = num_param(p, key, lo, hi, &mut msgs) {
                self.mv_sig[k] = v;
                changed = true;
            }
        }
        match p.flag("mvwrong") {
            Ok(Some(on)) => self.mv_wrong = on,
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        if changed {
            self.rebuild_mv();
        }
        if let Some((s1, s2, rho, w)) = &self.mv_ctl {
            s1.set(self.mv_sig[0]);
            s2.set(self.mv_sig[1]);
            rho.set(self.mv_sig[2]);
            w.set_checked(self.mv_wrong);
        }
        self.dirty = true;
        msgs
    }
}
