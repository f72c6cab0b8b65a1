//! Image tiles: many small images (8 × 8 digits, receptive fields) painted side by side into
//! one [`PixelLayer`] with one-pixel gutters, so a whole grid of images is a single blit.
//! The layer's CSS size is a whole multiple of its pixel size, so pixels stay square and crisp.

use crate::web::canvas::{PixelLayer, INK, PAPER};
use crate::web::plot::diverging_rgb;

/// Colour of the gutters between tiles.
pub const GUTTER: [u8; 3] = [196, 192, 182];
/// Known (clamped) paper pixels in the completion view.
pub const KNOWN_PAPER: [u8; 3] = [214, 230, 245];
/// Known (clamped) ink pixels in the completion view.
pub const KNOWN_INK: [u8; 3] = [0, 70, 140];

/// The shape of a grid of `n` tiles of `w × h` pixels in `cols` columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grid {
    /// Number of tiles.
    pub n: usize,
    /// Tile width in pixels.
    pub w: usize,
    /// Tile height in pixels.
    pub h: usize,
    /// Tiles per row (≥ 1).
    pub cols: usize,
}

impl Grid {
    /// `n` tiles of 8 × 8 in `cols` columns.
    pub fn digits(n: usize, cols: usize) -> Self {
        Self {
            n,
            w: 8,
            h: 8,
            cols: cols.max(1),
        }
    }

    /// Rows of tiles.
    pub fn rows(&self) -> usize {
        self.n.div_ceil(self.cols).max(1)
    }

    /// Layer size in pixels (tiles plus gutters).
    pub fn size(&self) -> (u32, u32) {
        (
            (self.cols * (self.w + 1) + 1) as u32,
            (self.rows() * (self.h + 1) + 1) as u32,
        )
    }

    /// Resizes `layer` for this grid (reallocating only on a size change) and sets its CSS
    /// size to `scale` CSS pixels per image pixel.
    pub fn fit(&self, layer: &mut PixelLayer, scale: u32) {
        let (w, h) = self.size();
        if layer.width() != w || layer.height() != h {
            layer.resize(w, h);
            let style = layer.canvas.style();
            let _ = style.set_property("width", &format!("{}px", w * scale));
            let _ = style.set_property("height", &format!("{}px", h * scale));
        }
    }

    /// Paints every tile: `pixel(t, i)` is the colour of pixel i (row-major) of tile t.
    /// The layer must have been [`Grid::fit`] to this grid.
    pub fn paint(&self, layer: &mut PixelLayer, pixel: impl Fn(usize, usize) -> [u8; 3]) {
        let stride = layer.width() as usize;
        let buf = &mut layer.buf;
        for px in buf.chunks_exact_mut(4) {
            px[..3].copy_from_slice(&GUTTER);
            px[3] = 255;
        }
        for t in 0..self.n {
            let (ox, oy) = (
                1 + (t % self.cols) * (self.w + 1),
                1 + (t / self.cols) * (self.h + 1),
            );
            for i in 0..self.w * self.h {
                let (x, y) = (ox + i % self.w, oy + i / self.w);
                let k = 4 * (y * stride + x);
                if let Some(px) = buf.get_mut(k..k + 3) {
                    px.copy_from_slice(&pixel(t, i));
                }
            }
        }
    }
}

/// Grey level of a probability: 0 → paper, 1 → ink (non-finite values show as paper).
pub fn grey(p: f32) -> [u8; 3] {
    let t = if p.is_finite() {
        p.clamp(0.0, 1.0)
    } else {
        0.0
    };
    std::array::from_fn(|k| {
        let (a, b) = (f32::from(PAPER[k]), f32::from(INK[k]));
        (a + (b - a) * t).round() as u8
    })
}

/// Colour of a weight `w` in a filter whose largest |weight| is `scale` (blue −, white 0, red +).
pub fn weight_colour(w: f32, scale: f32) -> [u8; 3] {
    let t = if scale > 0.0 && w.is_finite() {
        0.5 + 0.5 * f64::from(w / scale)
    } else {
        0.5
    };
    diverging_rgb(t)
}

/// The largest |x| of a slice (0 for an empty or all-zero slice; non-finite entries ignored).
pub fn max_abs(xs: &[f32]) -> f32 {
    xs.iter()
        .filter(|x| x.is_finite())
        .fold(0.0f32, |m, &x| m.max(x.abs()))
}

/// Paints `n` 8×8 images of probabilities (`probs`, `stride` values per image, pixels first)
/// in grey, `cols` per row, at `scale` CSS pixels per image pixel, and blits them.
pub fn paint_probabilities(
    layer: &mut PixelLayer,
    probs: &[f32],
    n: usize,
    cols: usize,
    stride: usize,
    scale: u32,
) -> Result<(), wasm_bindgen::JsValue> {
    let g = Grid::digits(n, cols);
    g.fit(layer, scale);
    g.paint(layer, |t, i| grey(probs[t * stride + i]));
    layer.blit()
}

/// Paints each hidden unit's receptive field (one 8×8 tile per unit, in a near-square grid
/// about `width_px` CSS pixels wide), each scaled to its own largest |w|, and blits them.
/// `scale_buf` is reused between frames.
pub fn paint_filters(
    layer: &mut PixelLayer,
    rbm: &crate::core::rbm::Rbm,
    scale_buf: &mut Vec<f32>,
    width_px: u32,
) -> Result<(), wasm_bindgen::JsValue> {
    let nh = rbm.nh();
    let nv = rbm.nv();
    let g = Grid::digits(nh, (nh as f64).sqrt().ceil() as usize);
    let (w, _) = g.size();
    g.fit(layer, (width_px / w).max(1));
    scale_buf.resize(nh, 0.0);
    for (j, s) in scale_buf.iter_mut().enumerate() {
        *s = rbm.receptive_field(j).map_or(0.0, max_abs);
    }
    let wts = rbm.weights();
    g.paint(layer, |t, i| weight_colour(wts[t * nv + i], scale_buf[t]));
    layer.blit()
}
