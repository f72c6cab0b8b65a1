//! Canvas layers backed by flat RGBA buffers in Rust memory: a frame writes into the buffer,
//! then one `put_image_data` blits it. Buffers are allocated when the size changes, never per frame.

use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement, ImageData};

use super::dom;

/// A canvas whose backing pixels are one RGBA buffer of `w × h`.
pub struct PixelLayer {
    /// The canvas element (its CSS size is set by the style sheet; it is scaled crisply).
    pub canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    /// RGBA bytes, row-major, `4·w·h`.
    pub buf: Vec<u8>,
    w: u32,
    h: u32,
}

impl PixelLayer {
    /// A new `<canvas>` in `parent` with a `w × h` pixel buffer.
    pub fn new(parent: &Element, class: &str, w: u32, h: u32) -> Result<Self, JsValue> {
        let canvas = dom::el(parent, "canvas", class)?.dyn_into::<HtmlCanvasElement>()?;
        let ctx = context_2d(&canvas)?;
        let mut layer = Self {
            canvas,
            ctx,
            buf: Vec::new(),
            w: 0,
            h: 0,
        };
        layer.resize(w, h);
        Ok(layer)
    }

    /// Changes the pixel size (reallocates the buffer only if the size differs).
    pub fn resize(&mut self, w: u32, h: u32) {
        if w != self.w || h != self.h {
            self.w = w;
            self.h = h;
            self.canvas.set_width(w);
            self.canvas.set_height(h);
            self.buf = vec![0; 4 * w as usize * h as usize];
        }
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.w
    }
    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.h
    }

    /// Copies the buffer to the canvas.
    pub fn blit(&self) -> Result<(), JsValue> {
        let img = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&self.buf), self.w, self.h)?;
        self.ctx.put_image_data(&img, 0.0, 0.0)
    }

    /// The pixel under a pointer at client coordinates, if inside.
    pub fn cell_at(&self, client_x: f64, client_y: f64) -> Option<(u32, u32)> {
        let r = self.canvas.get_bounding_client_rect();
        if r.width() <= 0.0 || r.height() <= 0.0 {
            return None;
        }
        let fx = (client_x - r.left()) / r.width();
        let fy = (client_y - r.top()) / r.height();
        if !(0.0..1.0).contains(&fx) || !(0.0..1.0).contains(&fy) {
            return None;
        }
        Some(((fx * self.w as f64) as u32, (fy * self.h as f64) as u32))
    }
}

/// The 2-D context of a canvas.
pub fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsValue> {
    canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("canvas 2d context unavailable"))?
        .dyn_into::<CanvasRenderingContext2d>()
        .map_err(JsValue::from)
}

/// Colours of a ±1 spin grid (on = dark ink, off = paper) and the highlight.
pub const INK: [u8; 3] = [24, 32, 48];
/// Background of a spin grid.
pub const PAPER: [u8; 3] = [246, 244, 238];
/// The neuron being updated.
pub const HIGHLIGHT: [u8; 3] = [230, 120, 20];

/// Paints ±1 spins into an RGBA buffer of the same size (one pixel per neuron);
/// `highlight` marks one neuron.
pub fn paint_spins(buf: &mut [u8], y: &[i8], highlight: Option<usize>) {
    for (i, (px, &s)) in buf.chunks_exact_mut(4).zip(y).enumerate() {
        let c = if Some(i) == highlight {
            HIGHLIGHT
        } else if s > 0 {
            INK
        } else {
            PAPER
        };
        px[0] = c[0];
        px[1] = c[1];
        px[2] = c[2];
        px[3] = 255;
    }
}
