//! The 8 × 8 drawing pad shared by the completion and label views: a [`Paintable`] grid of
//! 0/1 pixels (drawn with `web::grid`: pointer, touch or pen; right button or Shift erases).
//! Every change bumps a generation counter that the lab polls once per frame, so drawing never
//! re-enters the lab's own state.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::Element;

use super::tiles::{KNOWN_INK, KNOWN_PAPER};
use crate::web::canvas::{PixelLayer, INK, PAPER};
use crate::web::dom;
use crate::web::grid::{self, Paintable};

/// Side of the pad (the digits are 8 × 8).
pub const SIDE: usize = 8;

/// The drawing pad's state.
pub struct Pad {
    layer: PixelLayer,
    /// Pixels, row-major, 0.0 or 1.0.
    pub pixels: Vec<f32>,
    /// Erase tool on.
    pub erase: bool,
    /// Pixels marked as known (clamped) are tinted; empty for no tint.
    tint: Vec<bool>,
    generation: u64,
    dirty: bool,
}

impl Pad {
    /// A blank pad whose canvas is appended to `parent`, with pointer drawing wired.
    pub fn new(parent: &Element) -> Result<Rc<RefCell<Self>>, JsValue> {
        let layer = PixelLayer::new(parent, "rbm-pad", SIDE as u32, SIDE as u32)?;
        dom::img_label(&layer.canvas, "8 by 8 drawing pad: draw part of a digit with the pointer; right button or Shift erases")?;
        let pad = Rc::new(RefCell::new(Self {
            layer,
            pixels: vec![0.0; SIDE * SIDE],
            erase: false,
            tint: Vec::new(),
            generation: 0,
            dirty: true,
        }));
        grid::wire(&pad)?;
        Ok(pad)
    }

    /// Counts changes of the pixels (compare with a remembered value to detect edits).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Replaces the pixels (values ≥ 0.5 become ink).
    pub fn set_image(&mut self, img: &[f32]) {
        for (p, &x) in self.pixels.iter_mut().zip(img) {
            *p = if x >= 0.5 { 1.0 } else { 0.0 };
        }
        self.changed();
    }

    /// Clears every pixel.
    pub fn clear(&mut self) {
        self.pixels.fill(0.0);
        self.changed();
    }

    /// Sets the tinted (known) pixels; an empty mask removes the tint.
    pub fn set_tint(&mut self, mask: &[bool]) {
        if self.tint != mask {
            self.tint.clear();
            self.tint.extend_from_slice(mask);
            self.dirty = true;
        }
    }

    fn changed(&mut self) {
        self.generation += 1;
        self.dirty = true;
    }

    /// Repaints the canvas if anything changed.
    pub fn draw(&mut self) -> Result<(), JsValue> {
        if !self.dirty {
            return Ok(());
        }
        self.dirty = false;
        for (i, (px, &v)) in self
            .layer
            .buf
            .chunks_exact_mut(4)
            .zip(&self.pixels)
            .enumerate()
        {
            let known = self.tint.get(i).copied().unwrap_or(false);
            let c = match (v > 0.5, known) {
                (true, true) => KNOWN_INK,
                (true, false) => INK,
                (false, true) => KNOWN_PAPER,
                (false, false) => PAPER,
            };
            px[..3].copy_from_slice(&c);
            px[3] = 255;
        }
        self.layer.blit()
    }
}

impl Paintable for Pad {
    fn layer(&self) -> &PixelLayer {
        &self.layer
    }
    fn erasing(&self) -> bool {
        self.erase
    }
    fn paint(&mut self, x: usize, y: usize, v: i8) {
        let i = y * SIDE + x;
        let new = if v > 0 { 1.0 } else { 0.0 };
        if let Some(p) = self.pixels.get_mut(i) {
            if *p != new {
                *p = new;
                self.changed();
            }
        }
    }
}
