//! A 2-D scatter plot for the Gaussian–Bernoulli RBM view: training points, model samples and
//! the exact mixture's component means, drawn with the canvas 2-D API at the device pixel ratio.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement};

use crate::web::canvas::context_2d;
use crate::web::dom;
use crate::web::plot::{self, PALETTE};

/// Colour of the training points.
pub const DATA_COLOUR: &str = "rgba(0,114,178,0.45)";
/// Colour of the model samples.
pub const SAMPLE_COLOUR: &str = "rgba(213,94,0,0.75)";

/// A square scatter canvas showing `[−r, r]²`.
pub struct Scatter {
    /// The canvas element.
    pub canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    css: f64,
}

const PAD: f64 = 30.0;

impl Scatter {
    /// A `css × css` CSS-pixel canvas in `parent`.
    pub fn new(parent: &Element, class: &str, css: f64) -> Result<Self, JsValue> {
        let canvas = dom::el(parent, "canvas", class)?.dyn_into::<HtmlCanvasElement>()?;
        let ctx = context_2d(&canvas)?;
        let mut s = Self {
            canvas,
            ctx,
            css: 0.0,
        };
        s.set_size(css)?;
        Ok(s)
    }

    /// Makes the canvas `css × css` CSS pixels (at the device pixel ratio), if it is not.
    pub fn set_size(&mut self, css: f64) -> Result<(), JsValue> {
        if css == self.css {
            return Ok(());
        }
        let dpr = web_sys::window()
            .map(|w| w.device_pixel_ratio())
            .unwrap_or(1.0)
            .clamp(1.0, 3.0);
        self.canvas.set_width((css * dpr) as u32);
        self.canvas.set_height((css * dpr) as u32);
        let style = self.canvas.style();
        style.set_property("width", &format!("{css}px"))?;
        style.set_property("height", &format!("{css}px"))?;
        self.ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)?;
        self.css = css;
        Ok(())
    }

    /// Draws the view box `[−r, r]²` with grid lines, the points of `data` and `samples`
    /// (flat `[x, y, …]`), and crosses at the mixture means (`means` flat, `weights` one per
    /// mean; the cross grows with the weight, means below 1 % weight are left out).
    pub fn draw(&self, r: f64, data: &[f32], samples: &[f32], means: &[f32], weights: &[f64]) {
        let c = &self.ctx;
        let side = self.css - 2.0 * PAD;
        let px = |x: f64| PAD + (x + r) / (2.0 * r) * side;
        let py = |y: f64| PAD + (r - y) / (2.0 * r) * side;
        c.set_fill_style_str("#ffffff");
        c.fill_rect(0.0, 0.0, self.css, self.css);
        c.set_stroke_style_str("#e2e2e2");
        c.set_line_width(1.0);
        c.set_fill_style_str("#333");
        c.set_font(&plot::scaled_font("11px system-ui, sans-serif"));
        let lo = (-r).ceil() as i32;
        let hi = r.floor() as i32;
        for t in lo..=hi {
            let (x, y) = (px(f64::from(t)), py(f64::from(t)));
            c.begin_path();
            c.move_to(x, PAD);
            c.line_to(x, PAD + side);
            c.move_to(PAD, y);
            c.line_to(PAD + side, y);
            c.stroke();
            c.set_text_align("center");
            let _ = c.fill_text(&t.to_string(), x, PAD + side + 14.0);
            c.set_text_align("right");
            let _ = c.fill_text(&t.to_string(), PAD - 5.0, y + 4.0);
        }
        c.set_stroke_style_str("#555");
        c.stroke_rect(PAD, PAD, side, side);
        c.save();
        c.begin_path();
        c.rect(PAD, PAD, side, side);
        c.clip();
        let dots = |pts: &[f32], colour: &str, size: f64| {
            c.set_fill_style_str(colour);
            for p in pts.chunks_exact(2) {
                let (x, y) = (f64::from(p[0]), f64::from(p[1]));
                if x.is_finite() && y.is_finite() {
                    c.fill_rect(px(x) - size / 2.0, py(y) - size / 2.0, size, size);
                }
            }
        };
        dots(data, DATA_COLOUR, 4.0);
        dots(samples, SAMPLE_COLOUR, 3.5);
        c.set_stroke_style_str("#000");
        for (m, &w) in means.chunks_exact(2).zip(weights) {
            let (x, y) = (f64::from(m[0]), f64::from(m[1]));
            if !(w >= 0.01 && x.is_finite() && y.is_finite()) {
                continue;
            }
            let s = 4.0 + 10.0 * w.sqrt();
            c.set_line_width(2.5);
            c.begin_path();
            c.move_to(px(x) - s, py(y) - s);
            c.line_to(px(x) + s, py(y) + s);
            c.move_to(px(x) - s, py(y) + s);
            c.line_to(px(x) + s, py(y) - s);
            c.stroke();
        }
        c.restore();
        // Legend.
        c.set_font(&plot::scaled_font("12px system-ui, sans-serif"));
        c.set_text_align("left");
        let items: [(&str, &str); 3] = [
            ("data", PALETTE[0]),
            ("model samples", PALETTE[5]),
            ("mixture means b + Wh", "#000"),
        ];
        let mut x = PAD;
        for (name, colour) in items {
            c.set_fill_style_str(colour);
            c.fill_rect(x, 10.0, 10.0, 10.0);
            c.set_fill_style_str("#222");
            let _ = c.fill_text(name, x + 14.0, 19.0);
            let w = c.measure_text(name).map(|m| m.width()).unwrap_or(80.0);
            x += w + 28.0;
        }
    }
}
