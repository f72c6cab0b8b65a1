//! The plane view: the target's density (or energy) as a heatmap rendered once per change of
//! target, temperature or view into an offscreen RGBA layer, composited each frame with the
//! samples (dots splatted into the same buffer, one blit), then vector overlays drawn from the
//! sampler's events: the recent path, the last proposal with its accept/reject colour, the
//! Langevin drift, HMC/NUTS leapfrog paths and the momentum arrow.

use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement, ImageData};

use crate::core::landscape::{
    density_grid, energy_grid, iso_segments, mass_levels, Bounds, Bump, Energy2d,
};
use crate::core::sampler::Event2d;
use crate::web::canvas::context_2d;
use crate::web::dom;

use super::draw::{arrow, circle, device_pixel_ratio};
use super::run::{Run, FLASH_FRAMES};
use super::setup::Engine;

/// What the heatmap shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shade {
    /// The density p ∝ exp(−E/T).
    Density,
    /// The energy E (low = dark, like high density).
    Energy,
}

/// Probability masses enclosed by the density contours.
pub const CONTOUR_MASSES: [f64; 3] = [0.5, 0.9, 0.99];

/// Colours (CSS) of the overlay.
const PATH: &str = "#E69F00";
const ACCEPT: &str = "#009E73";
const REJECT: &str = "#D55E00";
const LEAPFROG: &str = "#CC79A7";
const INK: &str = "#101828";

/// What the overlay draws besides the run itself.
pub struct Decor<'a> {
    /// Corner label (sampler name).
    pub label: &'a str,
    /// The exact mean (grid integration), drawn as +.
    pub exact_mean: Option<[f64; 2]>,
    /// Bumps of a drawn landscape (circles: wells blue, hills red).
    pub bumps: &'a [Bump],
    /// Importance proposal (mean, σ), drawn as 1σ and 2σ circles.
    pub proposal: Option<([f64; 2], f64)>,
}

/// A square canvas showing one sampler on the plane.
pub struct PlaneView {
    /// The canvas element.
    pub canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    css: f64,
    dpr: f64,
    side: usize,
    view: Bounds,
    grid_n: usize,
    grid: Vec<f64>,
    norm: Vec<f32>,
    layer: Vec<u8>,
    frame: Vec<u8>,
    segs: Vec<[f64; 4]>,
    lut: Vec<[u8; 3]>,
}

/// A light sequential blue colour map (ColorBrewer "Blues" from white to mid blue), so dark
/// dots and coloured paths stay visible on top.
fn blues(t: f64) -> [u8; 3] {
    const S: [[f64; 3]; 5] = [
        [251.0, 251.0, 247.0],
        [222.0, 235.0, 247.0],
        [158.0, 202.0, 225.0],
        [86.0, 156.0, 206.0],
        [33.0, 102.0, 172.0],
    ];
    let x = t.clamp(0.0, 1.0) * (S.len() - 1) as f64;
    let i = (x.floor() as usize).min(S.len() - 2);
    let f = x - i as f64;
    let mut out = [0u8; 3];
    for k in 0..3 {
        out[k] = (S[i][k] + (S[i + 1][k] - S[i][k]) * f).round() as u8;
    }
    out
}

impl PlaneView {
    /// A `css × css` (CSS pixels) plane in `parent`.
    pub fn new(parent: &Element, css: f64, label: &str) -> Result<Self, JsValue> {
        let canvas = dom::el(parent, "canvas", "plane")?.dyn_into::<HtmlCanvasElement>()?;
        canvas.set_attribute("role", "img")?;
        canvas.set_attribute("aria-label", label)?;
        let ctx = context_2d(&canvas)?;
        let mut v = Self {
            canvas,
            ctx,
            css: 0.0,
            dpr: device_pixel_ratio(),
            side: 0,
            view: Bounds {
                x_min: -1.0,
                x_max: 1.0,
                y_min: -1.0,
                y_max: 1.0,
            },
            grid_n: 0,
            grid: Vec::new(),
            norm: Vec::new(),
            layer: Vec::new(),
            frame: Vec::new(),
            segs: Vec::new(),
            lut: (0..256).map(|i| blues(i as f64 / 255.0)).collect(),
        };
        v.resize(css)?;
        Ok(v)
    }

    /// Changes the on-screen size (reallocates the pixel buffers; the background must be
    /// rendered again).
    pub fn resize(&mut self, css: f64) -> Result<(), JsValue> {
        if css == self.css {
            return Ok(());
        }
        self.css = css;
        self.side = (css * self.dpr).round() as usize;
        self.canvas.set_width(self.side as u32);
        self.canvas.set_height(self.side as u32);
        let st = self.canvas.style();
        st.set_property("width", &format!("{css}px"))?;
        st.set_property("height", &format!("{css}px"))?;
        self.layer = vec![255; 4 * self.side * self.side];
        self.frame = vec![255; 4 * self.side * self.side];
        Ok(())
    }

    /// Sets the world box shown (should be square).
    pub fn set_view(&mut self, v: Bounds) {
        self.view = v;
    }

    /// World units per CSS pixel.
    pub fn world_per_px(&self) -> f64 {
        self.view.width() / self.css
    }

    /// World → CSS pixels (y up in the world, down on screen).
    fn px(&self, w: [f64; 2]) -> (f64, f64) {
        let v = &self.view;
        (
            (w[0] - v.x_min) / v.width() * self.css,
            (v.y_max - w[1]) / v.height() * self.css,
        )
    }

    /// The world point under a pointer at client coordinates, if on the canvas.
    pub fn to_world(&self, client_x: f64, client_y: f64) -> Option<[f64; 2]> {
        let r = self.canvas.get_bounding_client_rect();
        if r.width() <= 0.0 || r.height() <= 0.0 {
            return None;
        }
        let fx = (client_x - r.left()) / r.width();
        let fy = (client_y - r.top()) / r.height();
        if !(0.0..=1.0).contains(&fx) || !(0.0..=1.0).contains(&fy) {
            return None;
        }
        let v = &self.view;
        Some([v.x_min + fx * v.width(), v.y_max - fy * v.height()])
    }

    /// Renders the heatmap (and contours) of `target` at temperature `t` into the offscreen
    /// layer: `n × n` grid values, bilinearly interpolated to the canvas pixels. `n` = 200 for
    /// a still picture, less while a bump is being dragged.
    pub fn render_background(
        &mut self,
        target: &dyn Energy2d,
        t: f64,
        shade: Shade,
        contours: bool,
        n: usize,
    ) -> Result<(), String> {
        if self.grid_n != n {
            self.grid_n = n;
            self.grid = vec![0.0; n * n];
            self.norm = vec![0.0; n * n];
        }
        self.segs.clear();
        let view = self.view;
        match shade {
            Shade::Density => {
                let max = density_grid(target, t, view, n, n, &mut self.grid)
                    .map_err(|e| e.to_string())?;
                let inv = if max > 0.0 { 1.0 / max } else { 0.0 };
                for (o, v) in self.norm.iter_mut().zip(&self.grid) {
                    *o = (v * inv) as f32;
                }
                if contours {
                    let mut levels = [0.0; CONTOUR_MASSES.len()];
                    mass_levels(&self.grid, &CONTOUR_MASSES, &mut levels);
                    for l in levels {
                        iso_segments(&self.grid, n, n, l, &mut self.segs);
                    }
                }
            }
            Shade::Energy => {
                let (lo, hi) =
                    energy_grid(target, view, n, n, &mut self.grid).map_err(|e| e.to_string())?;
                // Colour the lowest 15·T of energy (log p down to −15); beyond is white.
                let range = (hi - lo).min(15.0 * t).max(1e-12);
                for (o, v) in self.norm.iter_mut().zip(&self.grid) {
                    let s = 1.0 - ((v - lo) / range).clamp(0.0, 1.0);
                    *o = if v.is_finite() { s as f32 } else { 0.0 };
                }
                if contours && lo.is_finite() {
                    for k in 1..8 {
                        iso_segments(
                            &self.grid,
                            n,
                            n,
                            lo + range * k as f64 / 8.0,
                            &mut self.segs,
                        );
                    }
                }
            }
        }
        // Grid coordinates → world coordinates (cell centres).
        let (dx, dy) = (view.width() / n as f64, view.height() / n as f64);
        for s in self.segs.iter_mut() {
            *s = [
                view.x_min + (s[0] + 0.5) * dx,
                view.y_max - (s[1] + 0.5) * dy,
                view.x_min + (s[2] + 0.5) * dx,
                view.y_max - (s[3] + 0.5) * dy,
            ];
        }
        // Bilinear upsampling of the normalised field, coloured through the lookup table.
        let side = self.side;
        let scale = n as f64 / side as f64;
        for by in 0..side {
            let gy = ((by as f64 + 0.5) * scale - 0.5).clamp(0.0, (n - 1) as f64);
            let j0 = (gy.floor() as usize).min(n.saturating_sub(2));
            let fy = (gy - j0 as f64) as f32;
            let j1 = (j0 + 1).min(n - 1);
            for bx in 0..side {
                let gx = ((bx as f64 + 0.5) * scale - 0.5).clamp(0.0, (n - 1) as f64);
                let i0 = (gx.floor() as usize).min(n.saturating_sub(2));
                let fx = (gx - i0 as f64) as f32;
                let i1 = (i0 + 1).min(n - 1);
                let g = &self.norm;
                let top = g[j0 * n + i0] * (1.0 - fx) + g[j0 * n + i1] * fx;
                let bot = g[j1 * n + i0] * (1.0 - fx) + g[j1 * n + i1] * fx;
                let v = top * (1.0 - fy) + bot * fy;
                let c = self.lut[((v.clamp(0.0, 1.0) * 255.0).round()) as usize];
                let o = 4 * (by * side + bx);
                self.layer[o..o + 3].copy_from_slice(&c);
                self.layer[o + 3] = 255;
            }
        }
        Ok(())
    }

    /// Blends a filled square dot of half-size `r` (buffer pixels) at world point `w`.
    fn splat(&mut self, w: [f64; 2], r: isize, rgb: [u8; 3], alpha: f32) {
        let v = &self.view;
        let s = self.side as f64;
        let cx = ((w[0] - v.x_min) / v.width() * s).floor();
        let cy = ((v.y_max - w[1]) / v.height() * s).floor();
        if !(cx.is_finite() && cy.is_finite()) {
            return;
        }
        let (cx, cy) = (cx as isize, cy as isize);
        let side = self.side as isize;
        for y in (cy - r).max(0)..(cy + r + 1).min(side) {
            for x in (cx - r).max(0)..(cx + r + 1).min(side) {
                let o = 4 * (y * side + x) as usize;
                for (k, &ck) in rgb.iter().enumerate() {
                    let c = f32::from(self.frame[o + k]);
                    self.frame[o + k] = (c + (f32::from(ck) - c) * alpha) as u8;
                }
            }
        }
    }

    /// Blends a filled disc of radius `r` (buffer pixels) at world point `w`.
    fn disc(&mut self, w: [f64; 2], r: f64, rgb: [u8; 3], alpha: f32) {
        let v = &self.view;
        let s = self.side as f64;
        let cx = (w[0] - v.x_min) / v.width() * s;
        let cy = (v.y_max - w[1]) / v.height() * s;
        if !(cx.is_finite() && cy.is_finite()) {
            return;
        }
        let side = self.side as isize;
        let ri = r.ceil() as isize;
        let (x0, y0) = (cx.floor() as isize, cy.floor() as isize);
        for y in (y0 - ri).max(0)..(y0 + ri + 1).min(side) {
            for x in (x0 - ri).max(0)..(x0 + ri + 1).min(side) {
                let (dx, dy) = (x as f64 + 0.5 - cx, y as f64 + 0.5 - cy);
                if dx * dx + dy * dy > r * r {
                    continue;
                }
                let o = 4 * (y * side + x) as usize;
                for (k, &ck) in rgb.iter().enumerate() {
                    let c = f32::from(self.frame[o + k]);
                    self.frame[o + k] = (c + (f32::from(ck) - c) * alpha) as u8;
                }
            }
        }
    }

    /// Draws one frame: the background layer, the samples as dots (one blit), then the
    /// vector overlay of the run's last step.
    pub fn compose(&mut self, run: &Run, decor: &Decor) -> Result<(), JsValue> {
        self.frame.copy_from_slice(&self.layer);
        let r = (self.dpr * 0.75).round().max(1.0) as isize;
        match &run.engine {
            Engine::Particles(p) => {
                let n = p.xs.len() / 2;
                // Many particles get small translucent dots, so dense regions still show.
                let (rr, alpha) = if n > 3000 { (r - 1, 0.45) } else { (r, 0.8) };
                for q in p.xs.chunks_exact(2) {
                    self.splat([q[0], q[1]], rr, [213, 94, 0], alpha);
                }
            }
            Engine::Importance(_) => {
                // Disc area ∝ weight: radius ∝ √(w / w_max).
                let max = run.max_logw();
                let rmax = 7.0 * self.dpr;
                for (x, lw) in run.dots.iter().zip(run.dot_logw.iter()) {
                    let w = (lw - max).exp();
                    let rad = (rmax * w.sqrt()).max(0.8 * self.dpr);
                    self.disc(*x, rad, [16, 24, 40], if w > 1e-3 { 0.55 } else { 0.3 });
                }
            }
            Engine::Chain(_) => {
                for x in run.dots.iter() {
                    self.splat(*x, r, [16, 24, 40], 0.22);
                }
            }
        }
        let img = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(&self.frame[..]),
            self.side as u32,
            self.side as u32,
        )?;
        self.ctx.put_image_data(&img, 0.0, 0.0)?;
        self.ctx
            .set_transform(self.dpr, 0.0, 0.0, self.dpr, 0.0, 0.0)?;
        self.overlay(run, decor);
        Ok(())
    }

    fn overlay(&self, run: &Run, decor: &Decor) {
        let c = &self.ctx;
        c.set_line_cap("round");
        c.set_line_join("round");
        // Contours.
        if !self.segs.is_empty() {
            c.set_stroke_style_str("rgba(16,24,48,0.45)");
            c.set_line_width(1.0);
            c.begin_path();
            for s in &self.segs {
                let (a, b) = (self.px([s[0], s[1]]), self.px([s[2], s[3]]));
                c.move_to(a.0, a.1);
                c.line_to(b.0, b.1);
            }
            c.stroke();
        }
        // Bumps of a drawn landscape.
        for b in decor.bumps {
            let at = self.px(b.centre);
            let rad = b.width / self.world_per_px();
            let col = if b.amplitude < 0.0 {
                "#0072B2"
            } else {
                "#D55E00"
            };
            c.set_line_width(2.0);
            circle(c, at, rad, None, Some(col));
            circle(c, at, 3.0, Some(col), None);
        }
        // Importance proposal q: 1σ and 2σ circles.
        if let Some((m, s)) = decor.proposal {
            let at = self.px(m);
            c.set_line_width(1.5);
            self.dash(true);
            for k in [1.0, 2.0] {
                circle(c, at, k * s / self.world_per_px(), None, Some(LEAPFROG));
            }
            self.dash(false);
            self.label_text("q", (at.0 + s / self.world_per_px() + 4.0, at.1), LEAPFROG);
        }
        // The recent path, older segments fainter.
        if run.kind.is_chain() && run.path.len() > 1 {
            c.set_line_width(1.6);
            let n = run.path.len();
            let mut prev: Option<(f64, f64)> = None;
            for (i, x) in run.path.iter().enumerate() {
                let p = self.px(*x);
                if let Some(a) = prev {
                    let alpha = 0.15 + 0.8 * i as f64 / n as f64;
                    c.set_stroke_style_str(&format!("rgba(230,159,0,{alpha:.2})"));
                    c.begin_path();
                    c.move_to(a.0, a.1);
                    c.line_to(p.0, p.1);
                    c.stroke();
                }
                prev = Some(p);
            }
        }
        // The last step, fading after a single step.
        if run.flash > 0 && !run.events.is_empty() {
            let a = (f64::from(run.flash) / f64::from(FLASH_FRAMES) * 1.6).min(1.0);
            c.set_global_alpha(a);
            self.last_step(run);
            c.set_global_alpha(1.0);
        }
        // Current state.
        if run.kind.is_chain() {
            let at = self.px(run.position());
            c.set_line_width(1.5);
            circle(c, at, 5.5, Some(PATH), Some(INK));
        }
        // Means: exact + and the estimate ×.
        if let Some(m) = decor.exact_mean {
            let p = self.px(m);
            self.cross(p, 8.0, false, "#ffffff", 4.5);
            self.cross(p, 8.0, false, INK, 2.0);
        }
        if let Some(m) = run.mean() {
            let p = self.px(m);
            self.cross(p, 7.0, true, "#ffffff", 4.5);
            self.cross(p, 7.0, true, LEAPFROG, 2.5);
        }
        if run.halted.is_some() {
            let at = self.px(run.position());
            self.cross(at, 12.0, true, REJECT, 3.0);
            self.label_text("stopped (diverged)", (at.0 + 14.0, at.1 - 10.0), REJECT);
        }
        if !decor.label.is_empty() {
            c.set_font("bold 14px system-ui, sans-serif");
            c.set_text_align("left");
            c.set_fill_style_str("rgba(255,255,255,0.85)");
            let w = c
                .measure_text(decor.label)
                .map(|m| m.width())
                .unwrap_or(80.0);
            c.fill_rect(6.0, 6.0, w + 12.0, 22.0);
            c.set_fill_style_str(INK);
            let _ = c.fill_text(decor.label, 12.0, 22.0);
        }
    }

    fn last_step(&self, run: &Run) {
        let c = &self.ctx;
        // For Hamiltonian moves the path itself is the proposal: mark only its end, so the
        // straight arrow does not hide the leapfrog trajectory.
        let hamiltonian = run
            .events
            .iter()
            .any(|e| matches!(e, Event2d::Leapfrog { .. }));
        let mut ends = ([0.0; 2], [0.0; 2]);
        let mut forward = true;
        let mut proposal: Option<([f64; 2], [f64; 2])> = None;
        // Momentum arrows are drawn at 1 unit of momentum = 8 % of the view width.
        let p_scale = 0.08 * self.view.width();
        for e in &run.events {
            match e {
                Event2d::Momentum { at, p } => {
                    ends = (*at, *at);
                    let tip = [at[0] + p_scale * p[0], at[1] + p_scale * p[1]];
                    arrow(c, self.px(*at), self.px(tip), INK, 2.0, 9.0);
                    self.label_text("p", self.px(tip), INK);
                }
                Event2d::TreeDoubling { forward: f, .. } => forward = *f,
                Event2d::Leapfrog { x, .. } => {
                    let from = if forward { ends.0 } else { ends.1 };
                    let (a, b) = (self.px(from), self.px(*x));
                    c.set_stroke_style_str(LEAPFROG);
                    c.set_line_width(2.0);
                    c.begin_path();
                    c.move_to(a.0, a.1);
                    c.line_to(b.0, b.1);
                    c.stroke();
                    circle(c, b, 2.5, Some(LEAPFROG), None);
                    if forward {
                        ends.0 = *x;
                    } else {
                        ends.1 = *x;
                    }
                }
                Event2d::Drift { from, to } => {
                    self.dash(true);
                    arrow(c, self.px(*from), self.px(*to), "#5b6270", 1.5, 7.0);
                    self.dash(false);
                }
                Event2d::Proposal { from, to } => proposal = Some((*from, *to)),
                Event2d::Accept { prob } | Event2d::Reject { prob } => {
                    if let Some((from, to)) = proposal {
                        let ok = matches!(e, Event2d::Accept { .. });
                        let col = if ok { ACCEPT } else { REJECT };
                        if hamiltonian {
                            c.set_line_width(3.0);
                            circle(c, self.px(to), 8.0, None, Some(col));
                        } else {
                            arrow(c, self.px(from), self.px(to), col, 2.5, 10.0);
                        }
                        let tip = self.px(to);
                        let word = if ok { "accept" } else { "reject" };
                        self.label_text(
                            &format!("{word}  α = {prob:.2}"),
                            (tip.0 + 8.0, tip.1 - 8.0),
                            col,
                        );
                    }
                }
                Event2d::Move { from, to } => {
                    if hamiltonian {
                        // NUTS: the point chosen among the trajectory's.
                        c.set_line_width(3.0);
                        circle(c, self.px(*to), 8.0, None, ACCEPT.into());
                        self.label_text(
                            "chosen",
                            (self.px(*to).0 + 12.0, self.px(*to).1 - 8.0),
                            ACCEPT,
                        );
                    } else {
                        arrow(c, self.px(*from), self.px(*to), ACCEPT, 2.5, 10.0);
                    }
                }
                Event2d::AxisMove { from, to, .. } => {
                    arrow(c, self.px(*from), self.px(*to), ACCEPT, 2.5, 9.0);
                }
                Event2d::Weighted { x, log_w } => {
                    let at = self.px(*x);
                    c.set_line_width(2.0);
                    circle(c, at, 9.0, None, Some(ACCEPT));
                    self.label_text(
                        &format!("ln w = {log_w:.2}"),
                        (at.0 + 12.0, at.1 - 8.0),
                        ACCEPT,
                    );
                }
                _ => {}
            }
        }
    }

    fn label_text(&self, s: &str, at: (f64, f64), color: &str) {
        let c = &self.ctx;
        c.set_font("600 13px system-ui, sans-serif");
        // Near the right edge the label goes to the left of its point.
        let w = c.measure_text(s).map(|m| m.width()).unwrap_or(0.0);
        let at = if at.0 + w > self.css - 4.0 {
            c.set_text_align("right");
            ((at.0 - 20.0).max(w + 4.0), at.1)
        } else {
            c.set_text_align("left");
            (at.0.max(4.0), at.1)
        };
        let at = (at.0, at.1.clamp(14.0, self.css - 6.0));
        c.set_line_width(3.5);
        c.set_stroke_style_str("rgba(255,255,255,0.9)");
        let _ = c.stroke_text(s, at.0, at.1);
        c.set_fill_style_str(color);
        let _ = c.fill_text(s, at.0, at.1);
    }

    fn cross(&self, p: (f64, f64), r: f64, diagonal: bool, color: &str, width: f64) {
        let c = &self.ctx;
        c.set_stroke_style_str(color);
        c.set_line_width(width);
        c.begin_path();
        if diagonal {
            c.move_to(p.0 - r, p.1 - r);
            c.line_to(p.0 + r, p.1 + r);
            c.move_to(p.0 - r, p.1 + r);
            c.line_to(p.0 + r, p.1 - r);
        } else {
            c.move_to(p.0 - r, p.1);
            c.line_to(p.0 + r, p.1);
            c.move_to(p.0, p.1 - r);
            c.line_to(p.0, p.1 + r);
        }
        c.stroke();
    }

    fn dash(&self, on: bool) {
        let arr = js_sys::Array::new();
        if on {
            arr.push(&JsValue::from_f64(5.0));
            arr.push(&JsValue::from_f64(4.0));
        }
        let _ = self.ctx.set_line_dash(&arr);
    }
}
