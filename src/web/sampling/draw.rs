//! A HiDPI 2-D canvas for the lab's custom pictures (transition graphs, transforms): the
//! backing store is `css × devicePixelRatio`, and drawing happens in CSS pixels.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement};

use crate::web::canvas::context_2d;
use crate::web::plane::device_pixel_ratio;
use crate::web::{dom, plot};

/// A canvas drawn with vector strokes in CSS-pixel coordinates.
pub struct Canvas2d {
    /// The element.
    pub canvas: HtmlCanvasElement,
    /// Its 2-D context (scaled by the device pixel ratio).
    pub ctx: CanvasRenderingContext2d,
    /// Width in CSS pixels.
    pub w: f64,
    /// Height in CSS pixels.
    pub h: f64,
    dpr: f64,
}

impl Canvas2d {
    /// A `w × h` (CSS pixels) canvas in `parent` with an accessible label.
    pub fn new(
        parent: &Element,
        class: &str,
        w: f64,
        h: f64,
        label: &str,
    ) -> Result<Self, JsValue> {
        let canvas = dom::el(parent, "canvas", class)?.dyn_into::<HtmlCanvasElement>()?;
        canvas.set_attribute("role", "img")?;
        canvas.set_attribute("aria-label", label)?;
        let ctx = context_2d(&canvas)?;
        let mut c = Self {
            canvas,
            ctx,
            w: 0.0,
            h: 0.0,
            dpr: device_pixel_ratio(),
        };
        c.resize(w, h)?;
        Ok(c)
    }

    /// Changes the size (the backing store is reallocated by the browser; state resets).
    pub fn resize(&mut self, w: f64, h: f64) -> Result<(), JsValue> {
        self.w = w;
        self.h = h;
        self.canvas.set_width((w * self.dpr).round() as u32);
        self.canvas.set_height((h * self.dpr).round() as u32);
        let st = self.canvas.style();
        st.set_property("width", &format!("{w}px"))?;
        st.set_property("height", &format!("{h}px"))?;
        self.ctx
            .set_transform(self.dpr, 0.0, 0.0, self.dpr, 0.0, 0.0)
    }

    /// Fills the whole canvas.
    pub fn clear(&self, color: &str) {
        self.ctx.set_fill_style_str(color);
        self.ctx.fill_rect(0.0, 0.0, self.w, self.h);
    }

    /// A straight line.
    pub fn line(&self, a: (f64, f64), b: (f64, f64), color: &str, width: f64) {
        let c = &self.ctx;
        c.set_stroke_style_str(color);
        c.set_line_width(width);
        c.begin_path();
        c.move_to(a.0, a.1);
        c.line_to(b.0, b.1);
        c.stroke();
    }

    /// Dashed (`true`) or solid lines from now on.
    pub fn dashed(&self, on: bool) {
        let arr = js_sys::Array::new();
        if on {
            arr.push(&JsValue::from_f64(5.0));
            arr.push(&JsValue::from_f64(4.0));
        }
        let _ = self.ctx.set_line_dash(&arr);
    }

    /// An arrow from `a` to `b` with a filled head of size `head`.
    pub fn arrow(&self, a: (f64, f64), b: (f64, f64), color: &str, width: f64, head: f64) {
        arrow(&self.ctx, a, b, color, width, head);
    }

    /// A circle, filled and/or stroked.
    pub fn circle(&self, at: (f64, f64), r: f64, fill: Option<&str>, stroke: Option<&str>) {
        circle(&self.ctx, at, r, fill, stroke);
    }

    /// A grey label of `px` pixels at `at` ("left", "center" or "right" aligned).
    pub fn note(&self, s: &str, at: (f64, f64), px: u32, align: &str) {
        self.text(
            s,
            at,
            &format!("{px}px system-ui, sans-serif"),
            "#333",
            align,
        );
    }

    /// Text at `at` with the given font, colour and alignment ("left", "center", "right").
    pub fn text(&self, s: &str, at: (f64, f64), font: &str, color: &str, align: &str) {
        let c = &self.ctx;
        c.set_font(&plot::scaled_font(font));
        c.set_fill_style_str(color);
        c.set_text_align(align);
        let _ = c.fill_text(s, at.0, at.1);
    }
}

/// An arrow on any 2-D context.
pub fn arrow(
    c: &CanvasRenderingContext2d,
    a: (f64, f64),
    b: (f64, f64),
    color: &str,
    width: f64,
    head: f64,
) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = dx.hypot(dy);
    if !(len.is_finite() && len > 1e-9) {
        return;
    }
    let (ux, uy) = (dx / len, dy / len);
    let h = head.min(len * 0.6);
    // The shaft stops at the base of the head so a thick line does not poke through its tip.
    let base = (b.0 - ux * h * 0.8, b.1 - uy * h * 0.8);
    c.set_stroke_style_str(color);
    c.set_fill_style_str(color);
    c.set_line_width(width);
    c.begin_path();
    c.move_to(a.0, a.1);
    c.line_to(base.0, base.1);
    c.stroke();
    c.begin_path();
    c.move_to(b.0, b.1);
    c.line_to(b.0 - ux * h - uy * h * 0.45, b.1 - uy * h + ux * h * 0.45);
    c.line_to(b.0 - ux * h + uy * h * 0.45, b.1 - uy * h - ux * h * 0.45);
    c.close_path();
    c.fill();
}

/// A circle on any 2-D context.
pub fn circle(
    c: &CanvasRenderingContext2d,
    at: (f64, f64),
    r: f64,
    fill: Option<&str>,
    stroke: Option<&str>,
) {
    c.begin_path();
    let _ = c.arc(at.0, at.1, r.max(0.0), 0.0, std::f64::consts::TAU);
    if let Some(f) = fill {
        c.set_fill_style_str(f);
        c.fill();
    }
    if let Some(s) = stroke {
        c.set_stroke_style_str(s);
        c.stroke();
    }
}
