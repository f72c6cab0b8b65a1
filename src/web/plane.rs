//! The plane view shared by the Sampling lab and the "Train an energy" lab: any
//! [`Energy2d`] — a closed-form landscape, a drawing, a trained network — as a heatmap of its
//! density or energy with contours, rendered once per change into an offscreen RGBA layer
//! (bilinearly upsampled from a grid, [`paint_bilinear`]); each frame copies that layer,
//! splats the points on top (one blit), and then a lab draws its vector overlay in CSS pixels.

use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement, ImageData};

use crate::core::landscape::{
    density_grid, energy_grid, iso_segments, mass_levels, paint_bilinear, Bounds, Energy2d,
};
use crate::web::canvas::context_2d;
use crate::web::{dom, plot};

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
/// The energy view colours the lowest `ENERGY_SPAN · T` of energy (densities down to e⁻¹⁵ of
/// the peak); higher energies are white.
pub const ENERGY_SPAN: f64 = 15.0;

/// A light sequential blue colour map (ColorBrewer "Blues" from white to mid blue), so dark
/// dots and coloured paths stay visible on top; `t` = 0 is never pure white.
pub fn blues(t: f64) -> [u8; 3] {
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

/// The device pixel ratio, clamped to [1, 3].
pub fn device_pixel_ratio() -> f64 {
    web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .clamp(1.0, 3.0)
}

/// A square canvas showing a landscape on the plane.
pub struct PlaneView {
    /// The canvas element.
    pub canvas: HtmlCanvasElement,
    /// Its 2-D context (in CSS pixels after [`PlaneView::blit`]).
    pub ctx: CanvasRenderingContext2d,
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
    /// The energies the colour scale of the energy view spans.
    range: (f64, f64),
    size_check: dom::SizeCheck,
}

impl PlaneView {
    /// A `css × css` (CSS pixels) plane with class `class` in `parent`.
    pub fn new(parent: &Element, class: &str, css: f64, label: &str) -> Result<Self, JsValue> {
        let canvas = dom::el(parent, "canvas", class)?.dyn_into::<HtmlCanvasElement>()?;
        dom::img_label(&canvas, label)?;
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
            range: (0.0, 1.0),
            size_check: dom::SizeCheck::default(),
        };
        v.resize(css)?;
        Ok(v)
    }

    /// Changes the on-screen size (the background must be rendered again).
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

    /// Follows the width of `container` (the page's layout decides the plane's size): resizes
    /// when it changed by a pixel or more; true if it did (the background must be rendered
    /// again).
    pub fn fit_to(&mut self, container: &Element) -> Result<bool, JsValue> {
        self.size_check.read();
        let w = f64::from(container.client_width()).floor();
        if w < 50.0 || (w - self.css).abs() < 1.0 {
            return Ok(false);
        }
        self.resize(w)?;
        Ok(true)
    }

    /// [`PlaneView::fit_to`] for a plane drawn every frame: only when its [`dom::SizeCheck`]
    /// is due ([`PlaneView::refit`] after a relayout).
    pub fn fit_to_when_due(&mut self, container: &Element) -> Result<bool, JsValue> {
        if !self.size_check.due() {
            return Ok(false);
        }
        self.fit_to(container)
    }

    /// The page's layout changed: the next [`PlaneView::fit_to_when_due`] reads the width.
    pub fn refit(&mut self) {
        self.size_check.expire();
    }

    /// Colours the heatmap with `map` (0 = least likely … 1 = most likely) instead of
    /// [`blues`]; takes effect at the next render.
    pub fn set_colour_map(&mut self, map: impl Fn(f64) -> [u8; 3]) {
        self.lut = (0..256).map(|i| map(i as f64 / 255.0)).collect();
    }

    /// Side in CSS pixels.
    pub fn css(&self) -> f64 {
        self.css
    }

    /// Buffer pixels per CSS pixel.
    pub fn dpr(&self) -> f64 {
        self.dpr
    }

    /// Sets the world box shown (square).
    pub fn set_view(&mut self, v: Bounds) {
        self.view = v;
    }

    /// The world box shown.
    pub fn view(&self) -> Bounds {
        self.view
    }

    /// World units per CSS pixel.
    pub fn world_per_px(&self) -> f64 {
        self.view.width() / self.css
    }

    /// World → CSS pixels (y up in the world, down on screen).
    pub fn px(&self, w: [f64; 2]) -> (f64, f64) {
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

    fn grid_of(&mut self, n: usize) {
        if self.grid_n != n {
            self.grid_n = n;
            self.grid = vec![0.0; n * n];
            self.norm = vec![0.0; n * n];
        }
    }

    /// Renders `target` at temperature `t` into the background layer from an `n × n` grid.
    pub fn render(
        &mut self,
        target: &dyn Energy2d,
        t: f64,
        shade: Shade,
        contours: bool,
        n: usize,
    ) -> Result<(), String> {
        self.grid_of(n);
        let view = self.view;
        match shade {
            Shade::Density => {
                density_grid(target, t, view, n, n, &mut self.grid).map_err(|e| e.to_string())?;
            }
            Shade::Energy => {
                energy_grid(target, view, n, n, &mut self.grid).map_err(|e| e.to_string())?;
            }
        }
        self.paint(t, shade, contours);
        Ok(())
    }

    /// Renders energies already evaluated on the `n × n` cell centres of the view (row 0 at
    /// the top), shown as `shade` at temperature `t`.
    pub fn render_energies(
        &mut self,
        energies: &[f64],
        n: usize,
        t: f64,
        shade: Shade,
        contours: bool,
    ) {
        if energies.len() != n * n || n == 0 {
            return;
        }
        self.grid_of(n);
        self.grid.copy_from_slice(energies);
        if shade == Shade::Density {
            // p ∝ exp(−(E − E_min)/T) (normalised to its peak: only the shape is drawn).
            let lo = energies
                .iter()
                .copied()
                .filter(|e| e.is_finite())
                .fold(f64::INFINITY, f64::min);
            for v in self.grid.iter_mut() {
                let p = (-(*v - lo) / t).exp();
                *v = if p.is_finite() { p } else { 0.0 };
            }
        }
        self.paint(t, shade, contours);
    }

    /// The energies the colour scale spans (energy view): lowest and the top of the scale.
    pub fn energy_range(&self) -> (f64, f64) {
        self.range
    }

    /// Normalises the grid (density: to its peak; energy: the lowest `ENERGY_SPAN·T`), traces
    /// the contours and colours the layer.
    fn paint(&mut self, t: f64, shade: Shade, contours: bool) {
        let n = self.grid_n;
        self.segs.clear();
        match shade {
            Shade::Density => {
                let max = self.grid.iter().copied().fold(0.0f64, f64::max);
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
                let (lo, hi) = self
                    .grid
                    .iter()
                    .filter(|v| v.is_finite())
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                        (a.min(v), b.max(v))
                    });
                let range = (hi - lo).min(ENERGY_SPAN * t).max(1e-12);
                self.range = (lo, lo + range);
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
        let view = self.view;
        let (dx, dy) = (view.width() / n as f64, view.height() / n as f64);
        for s in self.segs.iter_mut() {
            *s = [
                view.x_min + (s[0] + 0.5) * dx,
                view.y_max - (s[1] + 0.5) * dy,
                view.x_min + (s[2] + 0.5) * dx,
                view.y_max - (s[3] + 0.5) * dy,
            ];
        }
        paint_bilinear(&self.norm, n, self.side, &self.lut, &mut self.layer);
    }

    /// Starts a frame: the background layer, ready for points.
    pub fn begin(&mut self) {
        self.frame.copy_from_slice(&self.layer);
    }

    /// The buffer pixel of world point `w` (may lie outside the canvas).
    fn buffer_px(&self, w: [f64; 2]) -> (f64, f64) {
        let v = &self.view;
        let s = self.side as f64;
        (
            (w[0] - v.x_min) / v.width() * s,
            (v.y_max - w[1]) / v.height() * s,
        )
    }

    fn blend(&mut self, x: isize, y: isize, rgb: [u8; 3], alpha: f32) {
        let o = 4 * (y as usize * self.side + x as usize);
        for (k, &ck) in rgb.iter().enumerate() {
            let c = f32::from(self.frame[o + k]);
            self.frame[o + k] = (c + (f32::from(ck) - c) * alpha) as u8;
        }
    }

    /// Blends a filled square dot of half-size `r` buffer pixels at world point `w`.
    pub fn splat(&mut self, w: [f64; 2], r: isize, rgb: [u8; 3], alpha: f32) {
        let (cx, cy) = self.buffer_px(w);
        if !(cx.is_finite() && cy.is_finite()) {
            return;
        }
        let (cx, cy) = (cx.floor() as isize, cy.floor() as isize);
        let side = self.side as isize;
        for y in (cy - r).max(0)..(cy + r + 1).min(side) {
            for x in (cx - r).max(0)..(cx + r + 1).min(side) {
                self.blend(x, y, rgb, alpha);
            }
        }
    }

    /// Blends a filled disc of radius `r` buffer pixels at world point `w`.
    pub fn disc(&mut self, w: [f64; 2], r: f64, rgb: [u8; 3], alpha: f32) {
        let (cx, cy) = self.buffer_px(w);
        if !(cx.is_finite() && cy.is_finite()) {
            return;
        }
        let side = self.side as isize;
        let ri = r.ceil() as isize;
        let (x0, y0) = (cx.floor() as isize, cy.floor() as isize);
        for y in (y0 - ri).max(0)..(y0 + ri + 1).min(side) {
            for x in (x0 - ri).max(0)..(x0 + ri + 1).min(side) {
                let (dx, dy) = (x as f64 + 0.5 - cx, y as f64 + 0.5 - cy);
                if dx * dx + dy * dy <= r * r {
                    self.blend(x, y, rgb, alpha);
                }
            }
        }
    }

    /// Paints an opaque round dot of radius `r` (CSS pixels) at world point `w`: a `ring`
    /// colour outside, `fill` inside.
    pub fn ring_dot(&mut self, w: [f64; 2], r: f64, fill: [u8; 3], ring: [u8; 3]) {
        let (cx, cy) = self.buffer_px(w);
        if !(cx.is_finite() && cy.is_finite()) {
            return;
        }
        let r = (r * self.dpr).round() as isize;
        let (cx, cy) = (cx.floor() as isize, cy.floor() as isize);
        let side = self.side as isize;
        for dy in -r..=r {
            for dx in -r..=r {
                let d2 = dx * dx + dy * dy;
                let (x, y) = (cx + dx, cy + dy);
                if d2 > r * r + 1 || !(0..side).contains(&x) || !(0..side).contains(&y) {
                    continue;
                }
                let c = if d2 > (r - 1) * (r - 1) && r > 1 {
                    ring
                } else {
                    fill
                };
                self.blend(x, y, c, 1.0);
            }
        }
    }

    /// Puts the frame on the canvas and draws the contours; afterwards the context draws in
    /// CSS pixels.
    pub fn blit(&mut self) -> Result<(), JsValue> {
        let img = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(&self.frame[..]),
            self.side as u32,
            self.side as u32,
        )?;
        let c = &self.ctx;
        c.put_image_data(&img, 0.0, 0.0)?;
        c.set_transform(self.dpr, 0.0, 0.0, self.dpr, 0.0, 0.0)?;
        c.set_line_cap("round");
        c.set_line_join("round");
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
        Ok(())
    }

    /// Text with a white halo at `at` (CSS pixels), kept inside the canvas.
    pub fn label(&self, s: &str, at: (f64, f64), color: &str) {
        let c = &self.ctx;
        c.set_font(&plot::scaled_font("600 13px system-ui, sans-serif"));
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

    /// A + (or, `diagonal`, a ×) of half-size `r` at `p` (CSS pixels).
    pub fn cross(&self, p: (f64, f64), r: f64, diagonal: bool, color: &str, width: f64) {
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

    /// Dashed (`true`) or solid lines from now on.
    pub fn dash(&self, on: bool) {
        let arr = js_sys::Array::new();
        if on {
            arr.push(&JsValue::from_f64(5.0));
            arr.push(&JsValue::from_f64(4.0));
        }
        let _ = self.ctx.set_line_dash(&arr);
    }
}
