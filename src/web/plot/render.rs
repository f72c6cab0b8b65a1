//! Drawing a [`ChartData`] on a plot's canvas: margins measured from the tick labels, titles
//! wrapped, data clipped to the frame, legends and reference labels last on a backdrop, every
//! font and line scaled by the page's drawing scale.

use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::{dpr, scale, Axes};
use crate::core::chart::{self, diverging_rgb, viridis, ChartData, ChartKind, Css};
use crate::web::{canvas::context_2d, dom};

pub(super) struct Inner {
    pub(super) canvas: HtmlCanvasElement,
    pub(super) ctx: CanvasRenderingContext2d,
    /// The size asked for (and the aspect ratio kept).
    pub(super) base: (f64, f64),
    /// The size drawn at, CSS px; the pixel ratio and scale it was drawn with.
    pub(super) size: (f64, f64),
    pub(super) dpr: f64,
    pub(super) drawn_scale: f64,
    pub(super) data: ChartData,
    /// Offscreen canvas for heatmap pixels.
    pub(super) scratch: Option<(HtmlCanvasElement, CanvasRenderingContext2d, Vec<u8>)>,
    /// The canvas's `aria-label` follows the title (unless the lab set its own label).
    pub(super) auto_label: Option<bool>,
    pub(super) min_font: f64,
    /// When the on-screen size was last read: a drawing reads it again only when due (a
    /// relayout fits every plot anyway; this catches any other change of width).
    pub(super) size_check: dom::SizeCheck,
}

/// Margins and fonts of one drawing, in CSS px.
struct Layout {
    s: f64,
    x0: f64,
    y0: f64,
    w: f64,
    h: f64,
    title_lines: usize,
}

impl Layout {
    fn tick(&self) -> f64 {
        11.0 * self.s
    }
    fn label(&self) -> f64 {
        12.0 * self.s
    }
    fn title(&self) -> f64 {
        13.0 * self.s
    }
}

struct Frame {
    x0: f64,
    y0: f64,
    w: f64,
    h: f64,
    xr: (f64, f64),
    yr: (f64, f64),
}

impl Frame {
    fn px(&self, x: f64) -> f64 {
        self.x0 + (x - self.xr.0) / (self.xr.1 - self.xr.0) * self.w
    }
    fn py(&self, y: f64) -> f64 {
        self.y0 + self.h - (y - self.yr.0) / (self.yr.1 - self.yr.0) * self.h
    }
}

impl Inner {
    /// Matches the backing store to the on-screen size, pixel ratio and scale; true if changed.
    pub(super) fn fit(&mut self) -> bool {
        self.size_check.read();
        let cw = f64::from(self.canvas.client_width());
        let w = if cw > 0.0 { cw } else { self.base.0 };
        let h = (w * self.base.1 / self.base.0).round();
        let (r, s) = (dpr(), scale());
        if (w, h) == self.size && r == self.dpr && s == self.drawn_scale {
            return false;
        }
        self.size = (w, h);
        self.dpr = r;
        self.drawn_scale = s;
        self.canvas.set_width((w * r).round() as u32);
        self.canvas.set_height((h * r).round() as u32);
        let _ = self.ctx.set_transform(r, 0.0, 0.0, r, 0.0, 0.0);
        true
    }

    pub(super) fn begin(&mut self, kind: ChartKind, axes: &Axes) -> &mut ChartData {
        let auto = *self
            .auto_label
            .get_or_insert_with(|| !self.canvas.has_attribute("aria-label"));
        if auto
            && (self.data.title != axes.title || self.data.kind == ChartKind::Empty)
            && !axes.title.is_empty()
        {
            let _ = self.canvas.set_attribute("aria-label", axes.title);
        }
        self.data
            .begin(kind, axes.title, axes.x_label, axes.y_label);
        self.data.x_range = axes.x_range;
        self.data.y_range = axes.y_range;
        &mut self.data
    }

    fn font(&mut self, weight: &str, px: f64) {
        self.min_font = self.min_font.min(px);
        self.ctx
            .set_font(&format!("{weight}{px:.1}px system-ui, sans-serif"));
    }

    fn text_w(&self, t: &str) -> f64 {
        self.ctx.measure_text(t).map(|m| m.width()).unwrap_or(0.0)
    }

    /// The font scale: the page's scale, grown a little with the plot's width.
    fn font_scale(&self) -> f64 {
        scale().max((self.size.0 / self.base.0).clamp(1.0, 1.3))
    }

    pub(super) fn render(&mut self) {
        if self.size_check.due() {
            self.fit();
        }
        self.min_font = f64::INFINITY;
        let (w, h) = self.size;
        self.ctx.set_fill_style_str("#ffffff");
        self.ctx.fill_rect(0.0, 0.0, w, h);
        if !self.data.has_data() {
            self.placeholder();
        } else {
            match self.data.kind {
                ChartKind::Lines => self.draw_lines(),
                ChartKind::Histogram => self.draw_histogram(),
                ChartKind::Bars => self.draw_bars(),
                ChartKind::Heatmap => self.draw_heatmap(),
                ChartKind::Empty => {}
            }
        }
        if self.min_font.is_finite() {
            let _ = self
                .canvas
                .set_attribute("data-min-font", &format!("{:.1}", self.min_font));
        }
    }

    /// Title and a short line saying there is nothing yet (instead of meaningless axes).
    fn placeholder(&mut self) {
        let s = self.font_scale();
        let l = self.layout(s, 0.0, false);
        self.draw_title(&l);
        let (w, h) = self.size;
        self.font("", 12.0 * s);
        self.ctx.set_fill_style_str("#666");
        self.ctx.set_text_align("center");
        let msg = if self.data.kind == ChartKind::Empty && !self.data.title.is_empty() {
            ""
        } else {
            "Nothing to show yet: press ▶ Play or Step"
        };
        let y = (h + l.y0) / 2.0;
        match msg.split_once(": ") {
            // Too wide for a narrow chart (or presenter mode's larger text): two lines.
            Some((a, b)) if self.text_w(msg) > w - 8.0 * s => {
                let _ = self.ctx.fill_text(&format!("{a}:"), w / 2.0, y - 8.0 * s);
                let _ = self.ctx.fill_text(b, w / 2.0, y + 8.0 * s);
            }
            _ => {
                let _ = self.ctx.fill_text(msg, w / 2.0, y);
            }
        }
    }

    /// Margins for tick labels of width `tick_w`, axis labels and the title.
    fn layout(&mut self, s: f64, tick_w: f64, axes: bool) -> Layout {
        let (w, h) = self.size;
        self.font("bold ", 13.0 * s);
        let title_lines = if self.data.title.is_empty() {
            0
        } else if self.text_w(&self.data.title) > w - 16.0 * s {
            2
        } else {
            1
        };
        let top = 6.0 * s + title_lines as f64 * 16.0 * s + 6.0 * s;
        if !axes {
            return Layout {
                s,
                x0: 8.0 * s,
                y0: top,
                w: w - 16.0 * s,
                h: h - top - 6.0 * s,
                title_lines,
            };
        }
        let y_lab = if self.data.y_label.is_empty() {
            0.0
        } else {
            16.0 * s
        };
        let x_lab = if self.data.x_label.is_empty() {
            0.0
        } else {
            16.0 * s
        };
        let x0 = 6.0 * s + y_lab + tick_w + 6.0 * s;
        let bottom = 6.0 * s + 14.0 * s + x_lab;
        Layout {
            s,
            x0,
            y0: top,
            w: (w - x0 - 12.0 * s).max(10.0),
            h: (h - top - bottom).max(10.0),
            title_lines,
        }
    }

    fn draw_title(&mut self, l: &Layout) {
        if l.title_lines == 0 {
            return;
        }
        let title = self.data.title.clone();
        let avail = self.size.0 - 16.0 * l.s;
        self.ctx.set_fill_style_str("#222");
        self.ctx.set_text_align("left");
        let lines: Vec<&str> = if l.title_lines == 2 {
            chart::split_title(&title).map_or(vec![title.as_str()], |(a, b)| vec![a, b])
        } else {
            vec![title.as_str()]
        };
        // Shrink (never below the tick size) rather than clip a line that still does not fit.
        let mut px = l.title();
        self.font("bold ", px);
        let widest = lines.iter().map(|t| self.text_w(t)).fold(0.0, f64::max);
        if widest > avail {
            px = (px * avail / widest).max(l.tick());
            self.font("bold ", px);
        }
        for (k, t) in lines.iter().enumerate() {
            let _ =
                self.ctx
                    .fill_text(t, 8.0 * l.s, 6.0 * l.s + 13.0 * l.s + k as f64 * 16.0 * l.s);
        }
    }

    /// Grid, ticks, axis labels and title for ranges `xr`, `yr`.
    fn frame(&mut self, xr: (f64, f64), yr: (f64, f64), x_ticks: bool) -> (Frame, Layout) {
        let s = self.font_scale();
        self.font("", 11.0 * s);
        let yt = chart::ticks(yr.0, yr.1, 5);
        let tick_w = yt
            .iter()
            .map(|&t| self.text_w(&chart::tick_label(t)))
            .fold(0.0, f64::max);
        let l = self.layout(s, tick_w, true);
        let f = Frame {
            x0: l.x0,
            y0: l.y0,
            w: l.w,
            h: l.h,
            xr,
            yr,
        };
        let c = self.ctx.clone();
        c.set_stroke_style_str("#dcdcdc");
        c.set_line_width(1.0);
        c.set_fill_style_str("#333");
        self.font("", l.tick());
        c.set_text_align("center");
        if x_ticks {
            for t in chart::ticks(xr.0, xr.1, (f.w / (60.0 * s)).clamp(2.0, 8.0) as usize) {
                let x = f.px(t);
                c.begin_path();
                c.move_to(x, f.y0);
                c.line_to(x, f.y0 + f.h);
                c.stroke();
                let _ = c.fill_text(&chart::tick_label(t), x, f.y0 + f.h + 13.0 * s);
            }
        }
        c.set_text_align("right");
        for t in yt {
            let y = f.py(t);
            c.begin_path();
            c.move_to(f.x0, y);
            c.line_to(f.x0 + f.w, y);
            c.stroke();
            let _ = c.fill_text(&chart::tick_label(t), f.x0 - 5.0 * s, y + 4.0 * s);
        }
        c.set_stroke_style_str("#555");
        c.stroke_rect(f.x0, f.y0, f.w, f.h);
        c.set_text_align("center");
        self.font("", l.label());
        let x_label = self.data.x_label.clone();
        let _ = c.fill_text(&x_label, f.x0 + f.w / 2.0, self.size.1 - 6.0 * s);
        let y_label = self.data.y_label.clone();
        if !y_label.is_empty() {
            c.save();
            let _ = c.translate(6.0 * s + 11.0 * s, f.y0 + f.h / 2.0);
            let _ = c.rotate(-std::f64::consts::FRAC_PI_2);
            let _ = c.fill_text(&y_label, 0.0, 0.0);
            c.restore();
        }
        self.draw_title(&l);
        (f, l)
    }

    fn dashed(&self, on: bool, s: f64) {
        let arr = js_sys::Array::new();
        if on {
            arr.push(&JsValue::from_f64(5.0 * s));
            arr.push(&JsValue::from_f64(4.0 * s));
        }
        let _ = self.ctx.set_line_dash(&arr);
    }

    /// A label on a translucent backdrop, above whatever is drawn under it.
    fn boxed_text(&mut self, text: &str, x: f64, y: f64, align: &str, color: &str, l: &Layout) {
        if text.is_empty() {
            return;
        }
        self.font("", l.tick());
        let tw = self.text_w(text);
        let (bx, pad) = (
            match align {
                "right" => x - tw,
                "center" => x - tw / 2.0,
                _ => x,
            },
            3.0 * l.s,
        );
        let c = &self.ctx;
        c.set_fill_style_str("rgba(255,255,255,0.85)");
        c.fill_rect(bx - pad, y - l.tick(), tw + 2.0 * pad, l.tick() + 4.0 * l.s);
        c.set_fill_style_str(color);
        c.set_text_align(align);
        let _ = c.fill_text(text, x, y);
    }

    fn legend(&mut self, items: &[(String, Css)], f: &Frame, l: &Layout) {
        let items: Vec<&(String, Css)> = items.iter().filter(|(n, _)| !n.is_empty()).collect();
        if items.is_empty() {
            return;
        }
        self.font("", l.tick());
        let tw = items
            .iter()
            .map(|(n, _)| self.text_w(n))
            .fold(0.0, f64::max);
        let (row, sw) = (l.tick() + 5.0 * l.s, 10.0 * l.s);
        let bw = tw + sw + 14.0 * l.s;
        let bx = f.x0 + f.w - bw - 4.0 * l.s;
        let by = f.y0 + 4.0 * l.s;
        let c = &self.ctx;
        c.set_fill_style_str("rgba(255,255,255,0.85)");
        c.fill_rect(bx, by, bw, row * items.len() as f64 + 4.0 * l.s);
        c.set_text_align("left");
        for (k, (name, color)) in items.iter().enumerate() {
            let y = by + 2.0 * l.s + row * k as f64;
            c.set_fill_style_str(color);
            c.fill_rect(bx + 4.0 * l.s, y + 2.0 * l.s, sw, sw);
            c.set_fill_style_str("#222");
            let _ = c.fill_text(name, bx + 8.0 * l.s + sw, y + l.tick());
        }
    }

    fn draw_lines(&mut self) {
        let (xr, yr) = self.data.line_ranges();
        let (f, l) = self.frame(xr, yr, true);
        let s = l.s;
        let c = self.ctx.clone();
        c.save();
        c.begin_path();
        c.rect(f.x0, f.y0, f.w, f.h);
        c.clip();
        for m in self.data.hlines.as_slice() {
            self.dashed(true, s);
            c.set_line_width(1.5 * s);
            c.set_stroke_style_str(m.color);
            c.begin_path();
            c.move_to(f.x0, f.py(m.at));
            c.line_to(f.x0 + f.w, f.py(m.at));
            c.stroke();
        }
        for m in self.data.vlines.as_slice() {
            self.dashed(true, s);
            c.set_line_width(1.5 * s);
            c.set_stroke_style_str(m.color);
            c.begin_path();
            c.move_to(f.px(m.at), f.y0);
            c.line_to(f.px(m.at), f.y0 + f.h);
            c.stroke();
        }
        c.set_line_width(2.0 * s);
        let mut dots = Vec::new();
        for line in self.data.lines.as_slice() {
            self.dashed(line.dashed, s);
            c.set_stroke_style_str(line.color);
            c.begin_path();
            // points drawn since the pen went down; a point with no neighbour (a one-point
            // series, or one between gaps) has no segment to show, so it gets a dot (drawn
            // below, outside the clip, so a point on the frame's edge shows whole)
            let mut run = 0usize;
            let mut last = (0.0, 0.0);
            let mut dot = |at: (f64, f64)| dots.push((at, line.color));
            // Thin very long series to at most ~2 points per CSS pixel.
            let n = line.xs.len();
            let stride = (n as f64 / (2.0 * f.w)).ceil().max(1.0) as usize;
            let mut i = 0;
            while i < n {
                let (x, y) = (line.xs[i], line.ys[i]);
                if x.is_finite() && y.is_finite() {
                    last = (f.px(x), f.py(y));
                    if run > 0 {
                        c.line_to(last.0, last.1);
                    } else {
                        c.move_to(last.0, last.1);
                    }
                    run += 1;
                } else {
                    if run == 1 {
                        dot(last);
                    }
                    run = 0;
                }
                i += if i + stride >= n && i != n - 1 {
                    n - 1 - i
                } else {
                    stride
                };
            }
            if run == 1 {
                dot(last);
            }
            c.stroke();
        }
        self.dashed(false, s);
        c.restore();
        let inside = |v: f64, lo: f64, len: f64| v >= lo - 0.5 && v <= lo + len + 0.5;
        for ((x, y), color) in dots {
            if inside(x, f.x0, f.w) && inside(y, f.y0, f.h) {
                c.set_fill_style_str(color);
                c.begin_path();
                let _ = c.arc(x, y, 3.5 * s, 0.0, std::f64::consts::TAU);
                c.fill();
            }
        }
        // Labels last, above the data.
        let hl: Vec<(f64, String, Css)> = self
            .data
            .hlines
            .as_slice()
            .iter()
            .map(|m| (m.at, m.label.clone(), m.color))
            .collect();
        for (at, label, color) in hl {
            let y = f.py(at);
            if y.is_finite() && y >= f.y0 && y <= f.y0 + f.h {
                let y = if y - l.tick() - 4.0 * s < f.y0 {
                    y + l.tick() + 4.0 * s
                } else {
                    y - 4.0 * s
                };
                self.boxed_text(&label, f.x0 + 6.0 * s, y, "left", color, &l);
            }
        }
        let vl: Vec<(f64, String, Css)> = self
            .data
            .vlines
            .as_slice()
            .iter()
            .map(|m| (m.at, m.label.clone(), m.color))
            .collect();
        for (at, label, color) in vl {
            let x = f.px(at);
            if x.is_finite() && x >= f.x0 && x <= f.x0 + f.w {
                // At the foot of the line (the legend sits at the top), on the side with room.
                let y = f.y0 + f.h - 6.0 * s;
                self.font("", l.tick());
                let right = x + 4.0 * s + self.text_w(&label) <= f.x0 + f.w;
                let (x, align) = if right {
                    (x + 4.0 * s, "left")
                } else {
                    (x - 4.0 * s, "right")
                };
                self.boxed_text(&label, x, y, align, color, &l);
            }
        }
        let items: Vec<(String, Css)> = self
            .data
            .lines
            .as_slice()
            .iter()
            .map(|l| (l.name.clone(), l.color))
            .collect();
        self.legend(&items, &f, &l);
    }

    fn draw_histogram(&mut self) {
        let d = &self.data;
        let total: f64 = d.values.iter().sum();
        let bw = (d.hi - d.lo) / d.values.len().max(1) as f64;
        let mut ymax = d
            .values
            .iter()
            .map(|&c| chart::density(c, total, bw))
            .fold(0.0, f64::max);
        if let Some(e) = &d.exact {
            ymax = e
                .iter()
                .copied()
                .filter(|v| v.is_finite())
                .fold(ymax, f64::max);
        }
        let (lo, hi) = (d.lo, d.hi);
        let yr = d.y_range.unwrap_or((0.0, ymax.max(1e-12) * 1.08));
        let (f, l) = self.frame((lo, hi), yr, true);
        let c = self.ctx.clone();
        c.set_fill_style_str("rgba(0,114,178,0.55)");
        for (i, &k) in self.data.values.iter().enumerate() {
            let x0 = f.px(lo + bw * i as f64);
            let x1 = f.px(lo + bw * (i + 1) as f64);
            let y = f.py(chart::density(k, total, bw));
            c.fill_rect(x0, y, (x1 - x0 - 0.5).max(0.5), f.y0 + f.h - y);
        }
        if let Some(e) = self.data.exact.as_ref().filter(|e| !e.is_empty()) {
            c.set_stroke_style_str("#D55E00");
            c.set_line_width(2.0 * l.s);
            c.begin_path();
            let dx = (hi - lo) / (e.len().max(2) - 1) as f64;
            for (i, &v) in e.iter().enumerate() {
                let (x, y) = (f.px(lo + dx * i as f64), f.py(v));
                if i == 0 {
                    c.move_to(x, y);
                } else {
                    c.line_to(x, y);
                }
            }
            c.stroke();
            self.legend(
                &[
                    ("samples".into(), "rgba(0,114,178,0.8)"),
                    ("exact".into(), "#D55E00"),
                ],
                &f,
                &l,
            );
        }
    }

    fn draw_bars(&mut self) {
        let n = self.data.bars.len().max(1);
        let yr = self.data.y_range.unwrap_or_else(|| {
            let (lo, hi) = self
                .data
                .bars
                .as_slice()
                .iter()
                .fold((0.0f64, 0.0f64), |(a, b), m| (a.min(m.at), b.max(m.at)));
            chart::padded((lo, hi), 0.08)
        });
        let (f, l) = self.frame((0.0, n as f64), yr, false);
        let c = self.ctx.clone();
        let zero = f.py(0.0_f64.clamp(yr.0, yr.1));
        for (i, b) in self.data.bars.as_slice().iter().enumerate() {
            let x0 = f.px(i as f64 + 0.15);
            let x1 = f.px(i as f64 + 0.85);
            let y = f.py(b.at.clamp(yr.0, yr.1));
            c.set_fill_style_str(b.color);
            c.fill_rect(x0, y.min(zero), x1 - x0, (y - zero).abs().max(1.0));
        }
        self.font("", l.tick());
        c.set_fill_style_str("#333");
        c.set_text_align("center");
        let every = (n as f64 / (f.w / (28.0 * l.s))).ceil().max(1.0) as usize;
        for (i, b) in self.data.bars.as_slice().iter().enumerate().step_by(every) {
            let _ = c.fill_text(&b.label, f.px(i as f64 + 0.5), f.y0 + f.h + 13.0 * l.s);
        }
        for m in self.data.hlines.as_slice() {
            self.dashed(true, l.s);
            c.set_stroke_style_str(m.color);
            c.begin_path();
            c.move_to(f.x0, f.py(m.at));
            c.line_to(f.x0 + f.w, f.py(m.at));
            c.stroke();
        }
        self.dashed(false, l.s);
    }

    /// The colour range of the heatmap.
    fn heat_range(&self) -> (f64, f64) {
        let d = &self.data;
        let (mut lo, mut hi) = d.range.unwrap_or_else(|| {
            d.values
                .iter()
                .filter(|v| v.is_finite())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                    (a.min(v), b.max(v))
                })
        });
        if d.diverging {
            let m = lo.abs().max(hi.abs());
            lo = -m;
            hi = m;
        }
        if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
            hi = lo + 1.0;
        }
        (lo, hi)
    }

    /// Colours the heatmap's pixels into the offscreen canvas (once per new data).
    pub(super) fn paint_heatmap_pixels(&mut self) -> Result<(), JsValue> {
        let (w, h) = (self.data.w, self.data.h);
        let (lo, hi) = self.heat_range();
        let need = 4 * w * h;
        let fresh = match &self.scratch {
            Some((c, _, b)) => {
                c.width() as usize != w || c.height() as usize != h || b.len() != need
            }
            None => true,
        };
        if fresh {
            let c = dom::document()?
                .create_element("canvas")?
                .dyn_into::<HtmlCanvasElement>()?;
            c.set_width(w as u32);
            c.set_height(h as u32);
            let ctx = context_2d(&c)?;
            self.scratch = Some((c, ctx, vec![0; need]));
        }
        let diverging = self.data.diverging;
        let Some((_, sctx, buf)) = self.scratch.as_mut() else {
            return Ok(());
        };
        for (px, &v) in buf.chunks_exact_mut(4).zip(&self.data.values) {
            let t = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
            let c = if diverging {
                diverging_rgb(t)
            } else {
                viridis(t)
            };
            px[..3].copy_from_slice(&c);
            px[3] = if v.is_finite() { 255 } else { 0 };
        }
        let img =
            ImageData::new_with_u8_clamped_array_and_sh(Clamped(&buf[..]), w as u32, h as u32)?;
        sctx.put_image_data(&img, 0.0, 0.0)
    }

    fn draw_heatmap(&mut self) {
        let s = self.font_scale();
        let l = self.layout(s, 0.0, false);
        self.draw_title(&l);
        let (w, h) = (self.data.w, self.data.h);
        let (lo, hi) = self.heat_range();
        let diverging = self.data.diverging;
        self.font("", l.tick());
        let label_w = [hi, 0.5 * (lo + hi), lo]
            .iter()
            .map(|&v| self.text_w(&chart::tick_label(v)))
            .fold(0.0, f64::max);
        let bar = 16.0 * s;
        let side = l.h.min(l.w - bar - 14.0 * s - label_w).max(10.0);
        let scale = side / w.max(h) as f64;
        let (dw, dh) = (w as f64 * scale, h as f64 * scale);
        let c = self.ctx.clone();
        if let Some((sc, _, _)) = &self.scratch {
            c.set_image_smoothing_enabled(false);
            let _ = c.draw_image_with_html_canvas_element_and_dw_and_dh(sc, l.x0, l.y0, dw, dh);
        }
        // Colour bar with min, middle and max labels beside it.
        let bx = l.x0 + dw + 10.0 * s;
        let steps = 64;
        for i in 0..steps {
            let t = 1.0 - i as f64 / (steps - 1) as f64;
            let rgb = if diverging {
                diverging_rgb(t)
            } else {
                viridis(t)
            };
            c.set_fill_style_str(&format!("rgb({},{},{})", rgb[0], rgb[1], rgb[2]));
            c.fill_rect(
                bx,
                l.y0 + dh * i as f64 / steps as f64,
                bar,
                dh / steps as f64 + 1.0,
            );
        }
        c.set_stroke_style_str("#555");
        c.stroke_rect(bx, l.y0, bar, dh);
        c.set_fill_style_str("#333");
        c.set_text_align("left");
        let tx = bx + bar + 4.0 * s;
        let _ = c.fill_text(&chart::tick_label(hi), tx, l.y0 + l.tick());
        let _ = c.fill_text(
            &chart::tick_label(0.5 * (lo + hi)),
            tx,
            l.y0 + dh / 2.0 + 4.0 * s,
        );
        let _ = c.fill_text(&chart::tick_label(lo), tx, l.y0 + dh);
    }
}
