//! "Direct sampling": the lecture's idea (1) draw from an easy distribution, (2) apply a
//! mathematical transform — four cards drawn from [`DirectRun`] in the core: a categorical by
//! inverse CDF, the central-limit construction, Box–Muller, and `x = Lz + μ` beside the
//! slide's `x = Σz + μ`.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};

use crate::core::sampler::RunningMoments;
use crate::core::sampling::direct::DirectRun;
use crate::core::sampling::{fmt_count, show};
use crate::web::dom;
use crate::web::plot::{Axes, Plot};
use crate::web::settings;

use super::draw::Canvas2d;
use super::SamplingLab;

/// Draws per frame per card while playing, per unit of shell speed.
const DRAWS_PER_SPEED: u32 = 10;
/// Frames of the Box–Muller animation after a single step.
const BM_FRAMES: f64 = 45.0;
/// Card width (CSS pixels).
const CARD_W: f64 = 580.0;
/// Milliseconds of drawing per animation frame.
const FRAME_BUDGET_MS: f64 = 12.0;

const BLUE: &str = "#0072B2";
const ORANGE: &str = "#E69F00";
const VERMILLION: &str = "#D55E00";
const INK: &str = "#182030";

/// Where each card's controls go.
pub struct Boxes {
    cat: HtmlElement,
    clt: HtmlElement,
    mv: HtmlElement,
}

/// The four cards.
pub struct DirectView {
    cat_canvas: Canvas2d,
    cat_readout: HtmlElement,
    clt_plot: Plot,
    clt_readout: HtmlElement,
    bm_canvas: Canvas2d,
    bm_plot: Plot,
    bm_readout: HtmlElement,
    mv_canvas: Canvas2d,
    mv_readout: HtmlElement,
    bm_anim: f64,
    dirty: bool,
}

impl DirectView {
    /// The cards inside `parent`; their controls come later ([`DirectView::wire`]).
    pub fn new(parent: &Element) -> Result<(Self, Boxes), JsValue> {
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
        let cat = dom::el(&c1, "div", "row")?;
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
        let clt = dom::el(&c2, "div", "row")?;
        let clt_plot = Plot::new(&c2, "clt", CARD_W, 230.0)?;
        dom::img_label(
            &clt_plot.canvas,
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
        let bm_plot = Plot::new(&c3, "bm-hist", CARD_W, 190.0)?;
        dom::img_label(&bm_plot.canvas, "histogram of n₁ and n₂ against N(0, 1)")?;
        let bm_readout = dom::text(&c3, "p", "readout", "")?;
        bm_readout.set_id("direct-bm");
        let c4 = card(
            "Multivariate normal: x = L z + μ",
            "z ~ N(0, I) by Box–Muller, L the Cholesky factor (L Lᵀ = Σ). Cov(Lz) = L Lᵀ = Σ. \
             The slide's x = Σz + μ has Cov = Σ Σᵀ = Σ², right only when Σ = I — just as \
             x = σz + μ uses σ, not σ².",
        )?;
        let mv = dom::el(&c4, "div", "row samp-mvctl")?;
        let mv_canvas = Canvas2d::new(
            &c4,
            "mv",
            CARD_W,
            285.0,
            "samples of x = Lz + μ with the 1σ and 2σ ellipses of Σ",
        )?;
        let mv_readout = dom::text(&c4, "p", "readout", "")?;
        mv_readout.set_id("direct-mv");
        Ok((
            Self {
                cat_canvas,
                cat_readout,
                clt_plot,
                clt_readout,
                bm_canvas,
                bm_plot,
                bm_readout,
                mv_canvas,
                mv_readout,
                bm_anim: 1.0,
                dirty: true,
            },
            Boxes { cat, clt, mv },
        ))
    }

    /// Builds each card's controls from the lab's rows.
    pub fn wire(lab: &Rc<RefCell<SamplingLab>>, b: Boxes) -> Result<(), JsValue> {
        settings::build(lab, &b.cat, &["cat"])?;
        settings::build(lab, &b.clt, &["clt"])?;
        settings::build(lab, &b.mv, &["mvs1", "mvs2", "mvrho", "mvwrong"])
    }

    /// Marks everything for redrawing.
    pub fn touch(&mut self) {
        self.dirty = true;
    }

    /// Draws while playing, in chunks within the frame budget (a large N makes each
    /// central-limit value costly).
    pub fn tick(&mut self, d: &mut DirectRun, speed: u32) -> bool {
        let total = speed.saturating_mul(DRAWS_PER_SPEED);
        let start = dom::now();
        let mut done = 0;
        while done < total {
            let k = (total - done).min(200);
            d.draw_many(k);
            done += k;
            if dom::now() - start > FRAME_BUDGET_MS {
                break;
            }
        }
        self.bm_anim = 1.0;
        self.dirty = true;
        true
    }

    /// One draw in every card, with its transform animated.
    pub fn step(&mut self, d: &mut DirectRun) {
        d.draw_many(1);
        self.bm_anim = 0.0;
        self.dirty = true;
    }

    /// Repaints what changed.
    pub fn draw(&mut self, d: &DirectRun) -> Result<(), JsValue> {
        if self.bm_anim < 1.0 {
            self.bm_anim = (self.bm_anim + 1.0 / BM_FRAMES).min(1.0);
            self.draw_bm(d);
        }
        if !self.dirty {
            return Ok(());
        }
        self.dirty = false;
        self.draw_cat(d);
        self.draw_clt(d);
        self.draw_bm(d);
        self.draw_bm_hist(d);
        self.draw_mv(d);
        Ok(())
    }

    fn draw_cat(&self, d: &DirectRun) {
        let c = &self.cat_canvas;
        c.clear("#ffffff");
        let cdf = d.cat.cdf();
        let k = cdf.len();
        // Left: the CDF staircase on [0, K] × [0, 1].
        let (x0, y0, w, h) = (46.0, 18.0, 250.0, 180.0);
        let px = |x: f64| x0 + x / k as f64 * w;
        let py = |y: f64| y0 + h - y * h;
        c.line((x0, y0), (x0, y0 + h), "#555", 1.0);
        c.line((x0, y0 + h), (x0 + w, y0 + h), "#555", 1.0);
        for t in [0.0, 0.5, 1.0] {
            c.note(&format!("{t}"), (x0 - 6.0, py(t) + 4.0), 11, "right");
            c.line((x0 - 3.0, py(t)), (x0, py(t)), "#555", 1.0);
        }
        c.note("F(k)", (x0 + 6.0, y0 + 4.0), 12, "left");
        let mut prev = 0.0;
        for (i, &f) in cdf.iter().enumerate() {
            c.line((px(i as f64), py(prev)), (px(i as f64), py(f)), BLUE, 1.5);
            c.line(
                (px(i as f64), py(f)),
                (px(i as f64 + 1.0), py(f)),
                BLUE,
                2.5,
            );
            c.note(
                &format!("{}", i + 1),
                (px(i as f64 + 0.5), y0 + h + 14.0),
                11,
                "center",
            );
            prev = f;
        }
        c.note("category k", (x0 + w / 2.0, y0 + h + 28.0), 12, "center");
        if let Some(d) = d.cat_last {
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
        let n: u64 = d.cat_counts.iter().sum();
        let (bx, bw) = (350.0, 230.0);
        let pmax = (0..k)
            .map(|i| d.cat.prob(i))
            .chain(d.cat_counts.iter().map(|&c| c as f64 / n.max(1) as f64))
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
                let f = d.cat_counts[i] as f64 / n as f64;
                let col = if d.cat_last.map(|d| d.index) == Some(i) {
                    ORANGE
                } else {
                    BLUE
                };
                c.ctx.set_fill_style_str(col);
                c.ctx.fill_rect(xl, by(f), wd, y0 + h - by(f));
            }
            let p = d.cat.prob(i);
            c.ctx.set_stroke_style_str(INK);
            c.ctx.set_line_width(1.5);
            c.ctx.stroke_rect(xl, by(p), wd, y0 + h - by(p));
            c.note(
                &format!("{}", i + 1),
                (xl + wd / 2.0, y0 + h + 14.0),
                11,
                "center",
            );
        }
        c.note(
            "outline: exact p_k · filled: sampled",
            (bx, y0 - 4.0),
            11,
            "left",
        );
        let last = d
            .cat_last
            .map(|c| format!("; last u = {:.3} → category {}", c.u, c.index + 1))
            .unwrap_or_default();
        self.cat_readout
            .set_text_content(Some(&format!("{} draws{last}", fmt_count(n))));
        let _ = self.cat_readout.set_attribute("data-value", &n.to_string());
    }

    fn draw_clt(&self, d: &DirectRun) {
        let title = format!("√N (S_N − ½)/½ with N = {} against N(0, 1)", d.clt_n());
        let hi = d.clt_hi();
        self.clt_plot.histogram(
            &Axes {
                title: &title,
                x_label: "value (bins hold whole lattice points)",
                y_label: "density",
                ..Default::default()
            },
            d.clt_lo(),
            hi,
            &d.clt_counts,
            Some(&d.clt_curve),
        );
        let n = d.clt_moments.count();
        let var = d.clt_moments.cov().map(|c| c[0][0]).unwrap_or(f64::NAN);
        let last = d
            .clt_last
            .map(|c| format!("; last: {} ones of {} → {:.3}", c.ones, d.clt_n(), c.value))
            .unwrap_or_default();
        self.clt_readout.set_text_content(Some(&format!(
            "{} values, mean {} (exact 0), variance {} (exact 1); lattice spacing 2/√N = {}{last}",
            fmt_count(n),
            show(d.clt_moments.mean()[0]),
            show(var),
            show(2.0 / (d.clt_n() as f64).sqrt())
        )));
        let r = &self.clt_readout;
        let _ = r.set_attribute("data-value", &n.to_string());
        let _ = r.set_attribute("data-mean", &d.clt_moments.mean()[0].to_string());
        let _ = r.set_attribute("data-var", &var.to_string());
    }

    fn draw_bm(&self, d: &DirectRun) {
        let c = &self.bm_canvas;
        c.clear("#ffffff");
        let s = 190.0;
        let (ux, uy) = (62.0, 20.0);
        let (nx, ny) = (360.0, 20.0);
        c.ctx.set_stroke_style_str("#555");
        c.ctx.set_line_width(1.0);
        c.ctx.stroke_rect(ux, uy, s, s);
        c.ctx.stroke_rect(nx, ny, s, s);
        c.note("u₁ (radius)", (ux + s / 2.0, uy + s + 15.0), 12, "center");
        c.note("u₂", (ux - 6.0, uy + s / 2.0), 12, "right");
        c.note("(angle)", (ux - 4.0, uy + s / 2.0 + 14.0), 11, "right");
        c.note("n₁", (nx + s / 2.0, ny + s + 15.0), 12, "center");
        c.note("n₂", (nx - 6.0, ny + s / 2.0), 12, "right");
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
        for b in d.bm.iter() {
            let (x, y) = pu(b.u1, b.u2);
            c.ctx.fill_rect(x - 1.0, y - 1.0, 2.0, 2.0);
            if b.n1.abs() < 4.0 && b.n2.abs() < 4.0 {
                let (x, y) = pn([b.n1, b.n2]);
                c.ctx.fill_rect(x - 1.0, y - 1.0, 2.0, 2.0);
            }
        }
        if let Some(b) = d.bm_last {
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

    fn draw_bm_hist(&self, d: &DirectRun) {
        self.bm_plot.histogram(
            &Axes {
                title: "n₁ and n₂ pooled against N(0, 1)",
                x_label: "value",
                y_label: "density",
                ..Default::default()
            },
            -4.0,
            4.0,
            &d.bm_hist,
            Some(&d.curve),
        );
        self.bm_readout.set_text_content(Some(&format!(
            "{} pairs (u₁, u₂) → (n₁, n₂); u₁ is drawn from (0, 1] so ln u₁ is finite",
            fmt_count(d.bm_count)
        )));
        let _ = self
            .bm_readout
            .set_attribute("data-value", &d.bm_count.to_string());
    }

    fn draw_mv(&self, d: &DirectRun) {
        let c = &self.mv_canvas;
        c.clear("#ffffff");
        let Some(m) = &d.mv else { return };
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
        c.note("x₁", (x0 + s / 2.0, y0 + s + 15.0), 12, "center");
        c.note("x₂", (x0 - 8.0, y0 + s / 2.0), 12, "right");
        let inside = |v: &[f64; 2]| v[0].abs() < half && v[1].abs() < half;
        if d.mv_wrong() {
            c.ctx.set_fill_style_str("rgba(213,94,0,0.28)");
            for v in d.mv_wrong_pts.iter().filter(|v| inside(v)) {
                let (x, y) = p(*v);
                c.ctx.fill_rect(x - 1.0, y - 1.0, 2.0, 2.0);
            }
        }
        c.ctx.set_fill_style_str("rgba(0,114,178,0.4)");
        for v in d.mv_pts.iter().filter(|v| inside(v)) {
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
            if wrong && !d.mv_wrong() {
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
        let [s1, s2, rho] = d.mv_sig();
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
        line(&sc(&d.mv_m), f, BLUE);
        if d.mv_wrong() {
            line("sample Cov of Σz + μ (≈ Σ²)", b, VERMILLION);
            line(&sc(&d.mv_wrong_m), f, VERMILLION);
        }
        self.mv_readout.set_text_content(Some(&format!(
            "{} draws; solid ellipses: 1σ and 2σ of Σ (images of |z| = 1, 2 under Lz + μ){}",
            fmt_count(d.mv_m.count()),
            if d.mv_wrong() {
                "; dashed red: the same circles under Σz + μ"
            } else {
                ""
            }
        )));
        let _ = self
            .mv_readout
            .set_attribute("data-value", &d.mv_m.count().to_string());
        // Raw sample covariances [Σ₁₁, Σ₁₂, Σ₂₂] of both constructions, for scripts and tests.
        let raw = |mm: &RunningMoments| {
            mm.cov()
                .map(|c| format!("{},{},{}", c[0][0], c[0][1], c[1][1]))
                .unwrap_or_default()
        };
        let _ = self.mv_readout.set_attribute("data-cov", &raw(&d.mv_m));
        let _ = self
            .mv_readout
            .set_attribute("data-cov-wrong", &raw(&d.mv_wrong_m));
    }
}
