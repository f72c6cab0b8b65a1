//! Plots every lab reuses: line chart, histogram (with an exact curve laid over it) and heatmap
//! with a colour bar. Drawn with the canvas 2-D API at the device pixel ratio, so text and lines
//! stay sharp on a projector. Data come in as slices; each plot keeps a copy of what it last drew
//! in buffers it reuses (no allocation per frame once warmed up), so the small "PNG" and "CSV"
//! buttons under its corner can export exactly what is on screen.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement, ImageData};

use super::{canvas::context_2d, dom, status, storage};

/// A colour as CSS text.
pub type Css = &'static str;

/// Colours for series, readable by colour-blind viewers (Okabe & Ito 2008 palette).
pub const PALETTE: [Css; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];

/// One line of a chart: y values at x = x0 + i·dx, or explicit (x, y) pairs.
pub struct Series<'a> {
    /// Legend name.
    pub name: &'a str,
    /// Stroke colour.
    pub color: Css,
    /// The points.
    pub data: SeriesData<'a>,
    /// Draw dashed.
    pub dashed: bool,
}

/// Where a series' x values come from.
pub enum SeriesData<'a> {
    /// y values at x = x0 + i·dx.
    Uniform { x0: f64, dx: f64, ys: &'a [f64] },
    /// (x, y) pairs.
    Points(&'a [(f64, f64)]),
}

impl SeriesData<'_> {
    fn len(&self) -> usize {
        match self {
            Self::Uniform { ys, .. } => ys.len(),
            Self::Points(p) => p.len(),
        }
    }
    fn at(&self, i: usize) -> (f64, f64) {
        match self {
            Self::Uniform { x0, dx, ys } => (x0 + dx * i as f64, ys[i]),
            Self::Points(p) => p[i],
        }
    }
}

/// A horizontal or vertical reference line with a label.
pub struct RefLine<'a> {
    /// Position on its axis.
    pub at: f64,
    /// Label drawn beside the line.
    pub label: &'a str,
    /// Colour.
    pub color: Css,
}

/// Axis titles and optional fixed ranges.
#[derive(Default)]
pub struct Axes<'a> {
    /// Chart title.
    pub title: &'a str,
    /// x-axis label.
    pub x_label: &'a str,
    /// y-axis label.
    pub y_label: &'a str,
    /// Fixed x range (else fitted to data).
    pub x_range: Option<(f64, f64)>,
    /// Fixed y range (else fitted to data).
    pub y_range: Option<(f64, f64)>,
}

/// A plot canvas.
pub struct Plot {
    /// The canvas element.
    pub canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    css_w: f64,
    css_h: f64,
    /// An offscreen canvas for heatmap pixels (created on first use).
    scratch: Option<(HtmlCanvasElement, CanvasRenderingContext2d, Vec<u8>)>,
    /// What was drawn last, for the CSV export (shared with the export buttons' handlers).
    drawn: Rc<RefCell<Drawn>>,
}

/// Which kind of chart the plot last drew.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Kind {
    /// Nothing yet.
    #[default]
    Empty,
    /// Line chart: `vecs[2k]`, `vecs[2k + 1]` are series k's x and y; `names[k]` its name.
    Lines,
    /// Histogram over `[lo, hi]`: `vecs[0]` the counts, `vecs[1]` the exact density (if any).
    Histogram,
    /// Bars: `names` the labels, `vecs[0]` the values.
    Bars,
    /// Heatmap: `vecs[0]` the `w × h` values, row-major.
    Heatmap,
}

/// A copy of the data last drawn. Its strings and vectors are cleared and refilled, never
/// dropped, so after the first few frames drawing allocates nothing.
#[derive(Default)]
struct Drawn {
    kind: Kind,
    title: String,
    names: Vec<String>,
    n_names: usize,
    vecs: Vec<Vec<f64>>,
    n_vecs: usize,
    lo: f64,
    hi: f64,
    w: usize,
    h: usize,
    /// The canvas's `aria-label` follows the title (unless the lab set its own label).
    auto_label: Option<bool>,
}

impl Drawn {
    fn begin(&mut self, kind: Kind, title: &str) {
        self.kind = kind;
        self.title.clear();
        self.title.push_str(title);
        self.n_names = 0;
        self.n_vecs = 0;
    }
    fn push_name(&mut self, name: &str) {
        if self.n_names == self.names.len() {
            self.names.push(String::new());
        }
        let s = &mut self.names[self.n_names];
        s.clear();
        s.push_str(name);
        self.n_names += 1;
    }
    /// The next data column, emptied (its capacity kept).
    fn next_vec(&mut self) -> &mut Vec<f64> {
        if self.n_vecs == self.vecs.len() {
            self.vecs.push(Vec::new());
        }
        let v = &mut self.vecs[self.n_vecs];
        v.clear();
        self.n_vecs += 1;
        v
    }
    fn names(&self) -> &[String] {
        &self.names[..self.n_names]
    }
    fn vecs(&self) -> &[Vec<f64>] {
        &self.vecs[..self.n_vecs]
    }

    /// The data as CSV text (see [`Plot::csv`]).
    fn csv(&self) -> String {
        let mut out = String::new();
        let vecs = self.vecs();
        let col = |v: &Vec<f64>, i: usize| v.get(i).copied();
        match self.kind {
            Kind::Empty => {}
            Kind::Lines => {
                let names = self.names();
                let header: Vec<String> = names
                    .iter()
                    .enumerate()
                    .flat_map(|(k, n)| {
                        let n = if n.is_empty() {
                            format!("series {}", k + 1)
                        } else {
                            n.clone()
                        };
                        [csv_field(&format!("{n} x")), csv_field(&format!("{n} y"))]
                    })
                    .collect();
                out.push_str(&header.join(","));
                out.push('\n');
                let rows = vecs.iter().map(Vec::len).max().unwrap_or(0);
                for i in 0..rows {
                    for (k, v) in vecs.iter().enumerate() {
                        if k > 0 {
                            out.push(',');
                        }
                        push_num(&mut out, col(v, i));
                    }
                    out.push('\n');
                }
            }
            Kind::Histogram => {
                let empty = Vec::new();
                let counts = vecs.first().unwrap_or(&empty);
                let exact = vecs.get(1);
                out.push_str("bin_lo,bin_hi,count,density");
                if exact.is_some() {
                    out.push_str(",x,exact_density");
                }
                out.push('\n');
                let total: f64 = counts.iter().sum();
                let bw = (self.hi - self.lo) / counts.len().max(1) as f64;
                let ne = exact.map_or(0, Vec::len);
                let dx = (self.hi - self.lo) / (ne.max(2) - 1) as f64;
                for i in 0..counts.len().max(ne) {
                    if let Some(&c) = counts.get(i) {
                        push_num(&mut out, Some(self.lo + bw * i as f64));
                        out.push(',');
                        push_num(&mut out, Some(self.lo + bw * (i + 1) as f64));
                        out.push(',');
                        push_num(&mut out, Some(c));
                        out.push(',');
                        let d = if total > 0.0 && bw > 0.0 {
                            c / (total * bw)
                        } else {
                            0.0
                        };
                        push_num(&mut out, Some(d));
                    } else {
                        out.push_str(",,,");
                    }
                    if let Some(e) = exact {
                        out.push(',');
                        if let Some(&v) = e.get(i) {
                            push_num(&mut out, Some(self.lo + dx * i as f64));
                            out.push(',');
                            push_num(&mut out, Some(v));
                        } else {
                            out.push(',');
                        }
                    }
                    out.push('\n');
                }
            }
            Kind::Bars => {
                out.push_str("label,value\n");
                let empty = Vec::new();
                let values = vecs.first().unwrap_or(&empty);
                for (i, &v) in values.iter().enumerate() {
                    let label = self.names().get(i).map_or("", String::as_str);
                    out.push_str(&csv_field(label));
                    out.push(',');
                    push_num(&mut out, Some(v));
                    out.push('\n');
                }
            }
            Kind::Heatmap => {
                out.push_str("row");
                for j in 0..self.w {
                    let _ = write!(out, ",{j}");
                }
                out.push('\n');
                if let Some(v) = vecs.first() {
                    for (i, row) in v.chunks(self.w.max(1)).take(self.h).enumerate() {
                        let _ = write!(out, "{i}");
                        for &x in row {
                            out.push(',');
                            push_num(&mut out, Some(x));
                        }
                        out.push('\n');
                    }
                }
            }
        }
        out
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes a number in its shortest exact form; missing or non-finite values stay empty.
fn push_num(out: &mut String, v: Option<f64>) {
    if let Some(v) = v.filter(|v| v.is_finite()) {
        let _ = write!(out, "{v}");
    }
}

/// A file name from a chart title: lower-case letters and digits joined by `-`.
pub fn file_stem(title: &str) -> String {
    let mut out = String::new();
    for w in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&w.to_ascii_lowercase());
        if out.len() > 48 {
            break;
        }
    }
    if out.is_empty() {
        "plot".into()
    } else {
        out
    }
}

/// Downloads `canvas` as a PNG. Pixel-art canvases (a few pixels per neuron, scaled up by CSS)
/// are first redrawn at their on-screen size, without smoothing, so the file looks like the page.
pub fn save_canvas_png(canvas: &HtmlCanvasElement, filename: &str) -> Result<(), JsValue> {
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .clamp(1.0, 3.0);
    let (cw, ch) = (canvas.width(), canvas.height());
    let (sw, sh) = (
        (f64::from(canvas.client_width()) * dpr).round() as u32,
        (f64::from(canvas.client_height()) * dpr).round() as u32,
    );
    if cw == 0 || ch == 0 || sw <= cw || sh <= ch {
        return storage::download_png(canvas, filename);
    }
    let big = dom::document()?
        .create_element("canvas")?
        .dyn_into::<HtmlCanvasElement>()?;
    big.set_width(sw);
    big.set_height(sh);
    let ctx = context_2d(&big)?;
    ctx.set_image_smoothing_enabled(false);
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(canvas, 0.0, 0.0, sw.into(), sh.into())?;
    storage::download_png(&big, filename)
}

const PAD_L: f64 = 52.0;
const PAD_R: f64 = 12.0;
const PAD_T: f64 = 24.0;
const PAD_B: f64 = 38.0;

impl Plot {
    /// Shows or hides the plot together with its export buttons.
    pub fn set_visible(&self, on: bool) {
        if let Some(wrap) = self.canvas.parent_element() {
            let _ = wrap.class_list().toggle_with_force("hidden", !on);
        }
    }

    /// A plot of `css_w × css_h` CSS pixels in `parent`, with small "PNG" and "CSV" export
    /// buttons in its lower right corner (the canvas and buttons share a `div.plot-wrap`).
    pub fn new(parent: &Element, class: &str, css_w: f64, css_h: f64) -> Result<Self, JsValue> {
        let wrap = dom::el(parent, "div", "plot-wrap")?;
        let canvas = dom::el(&wrap, "canvas", class)?.dyn_into::<HtmlCanvasElement>()?;
        canvas.set_attribute("role", "img")?;
        let ctx = context_2d(&canvas)?;
        let dpr = web_sys::window()
            .map(|w| w.device_pixel_ratio())
            .unwrap_or(1.0)
            .clamp(1.0, 3.0);
        canvas.set_width((css_w * dpr) as u32);
        canvas.set_height((css_h * dpr) as u32);
        let style = canvas.style();
        style.set_property("width", &format!("{css_w}px"))?;
        style.set_property("height", &format!("{css_h}px"))?;
        ctx.scale(dpr, dpr)?;
        let drawn = Rc::new(RefCell::new(Drawn::default()));
        let bar = dom::el(&wrap, "div", "plot-export")?;
        {
            let (c, d) = (canvas.clone(), drawn.clone());
            let b = dom::button(
                &bar,
                "PNG",
                "Download this chart as a PNG image",
                move || {
                    let name = format!("{}.png", file_stem(&d.borrow().title));
                    if let Err(e) = save_canvas_png(&c, &name) {
                        status::warn(&format!("PNG export failed: {e:?}"));
                    }
                },
            )?;
            b.set_class_name("plot-export-btn");
            b.set_attribute("aria-label", "Download chart as PNG")?;
        }
        {
            let d = drawn.clone();
            let b = dom::button(
                &bar,
                "CSV",
                "Download the data drawn in this chart as CSV",
                move || {
                    let d = d.borrow();
                    if d.kind == Kind::Empty {
                        status::warn("this chart has drawn nothing yet: nothing to export");
                        return;
                    }
                    let name = format!("{}.csv", file_stem(&d.title));
                    if let Err(e) = storage::download_text(&name, "text/csv", &d.csv()) {
                        status::warn(&format!("CSV export failed: {e:?}"));
                    }
                },
            )?;
            b.set_class_name("plot-export-btn");
            b.set_attribute("aria-label", "Download chart data as CSV")?;
        }
        Ok(Self {
            canvas,
            ctx,
            css_w,
            css_h,
            scratch: None,
            drawn,
        })
    }

    /// The data this plot drew last, as CSV text: line charts one `x`,`y` column pair per series
    /// (shorter series leave empty cells); histograms `bin_lo,bin_hi,count,density` and, with an
    /// exact curve, `x,exact_density`; bars `label,value`; heatmaps a `row,0,1,…` header and one
    /// line per matrix row. Empty before the first draw.
    pub fn csv(&self) -> String {
        self.drawn.borrow().csv()
    }

    /// Starts recording a new drawing (and keeps the canvas's accessible name in step with the
    /// title, unless the lab labelled the canvas itself).
    fn record(&self, kind: Kind, title: &str) -> std::cell::RefMut<'_, Drawn> {
        let mut d = self.drawn.borrow_mut();
        let auto = *d
            .auto_label
            .get_or_insert_with(|| !self.canvas.has_attribute("aria-label"));
        if auto && (d.title != title || d.kind == Kind::Empty) && !title.is_empty() {
            let _ = self.canvas.set_attribute("aria-label", title);
        }
        d.begin(kind, title);
        d
    }

    fn clear(&self) {
        self.ctx.set_fill_style_str("#ffffff");
        self.ctx.fill_rect(0.0, 0.0, self.css_w, self.css_h);
    }

    fn frame(&self, axes: &Axes, xr: (f64, f64), yr: (f64, f64)) -> Frame {
        self.frame_with(axes, xr, yr, true)
    }

    fn frame_with(&self, axes: &Axes, xr: (f64, f64), yr: (f64, f64), x_ticks: bool) -> Frame {
        let f = Frame {
            x0: PAD_L,
            y0: PAD_T,
            w: self.css_w - PAD_L - PAD_R,
            h: self.css_h - PAD_T - PAD_B,
            xr,
            yr,
        };
        let c = &self.ctx;
        c.set_stroke_style_str("#d8d8d8");
        c.set_line_width(1.0);
        c.set_fill_style_str("#333");
        c.set_font("11px system-ui, sans-serif");
        c.set_text_align("center");
        for t in if x_ticks {
            ticks(xr.0, xr.1, 6)
        } else {
            Vec::new()
        } {
            let x = f.px(t);
            c.begin_path();
            c.move_to(x, f.y0);
            c.line_to(x, f.y0 + f.h);
            c.stroke();
            let _ = c.fill_text(&tick_label(t), x, f.y0 + f.h + 14.0);
        }
        c.set_text_align("right");
        for t in ticks(yr.0, yr.1, 5) {
            let y = f.py(t);
            c.begin_path();
            c.move_to(f.x0, y);
            c.line_to(f.x0 + f.w, y);
            c.stroke();
            let _ = c.fill_text(&tick_label(t), f.x0 - 5.0, y + 4.0);
        }
        c.set_stroke_style_str("#555");
        c.stroke_rect(f.x0, f.y0, f.w, f.h);
        c.set_text_align("center");
        c.set_font("12px system-ui, sans-serif");
        let _ = c.fill_text(axes.x_label, f.x0 + f.w / 2.0, self.css_h - 6.0);
        c.set_font("bold 13px system-ui, sans-serif");
        c.set_text_align("left");
        let _ = c.fill_text(axes.title, f.x0, 16.0);
        c.save();
        let _ = c.translate(13.0, f.y0 + f.h / 2.0);
        let _ = c.rotate(-std::f64::consts::FRAC_PI_2);
        c.set_text_align("center");
        c.set_font("12px system-ui, sans-serif");
        let _ = c.fill_text(axes.y_label, 0.0, 0.0);
        c.restore();
        f
    }

    /// A line chart of `series`, with optional horizontal (`hlines`) and vertical (`vlines`)
    /// reference lines.
    pub fn line_chart(
        &self,
        axes: &Axes,
        series: &[Series],
        hlines: &[RefLine],
        vlines: &[RefLine],
    ) {
        self.clear();
        let mut xr = (f64::INFINITY, f64::NEG_INFINITY);
        let mut yr = (f64::INFINITY, f64::NEG_INFINITY);
        for s in series {
            for i in 0..s.data.len() {
                let (x, y) = s.data.at(i);
                if x.is_finite() && y.is_finite() {
                    xr = (xr.0.min(x), xr.1.max(x));
                    yr = (yr.0.min(y), yr.1.max(y));
                }
            }
        }
        for l in hlines {
            yr = (yr.0.min(l.at), yr.1.max(l.at));
        }
        for l in vlines {
            xr = (xr.0.min(l.at), xr.1.max(l.at));
        }
        let xr = axes.x_range.unwrap_or(padded(xr, 0.0));
        let yr = axes.y_range.unwrap_or(padded(yr, 0.06));
        let f = self.frame(axes, xr, yr);
        let c = &self.ctx;
        c.save();
        c.begin_path();
        c.rect(f.x0, f.y0, f.w, f.h);
        c.clip();
        for l in hlines {
            self.dashed(true);
            c.set_stroke_style_str(l.color);
            c.begin_path();
            c.move_to(f.x0, f.py(l.at));
            c.line_to(f.x0 + f.w, f.py(l.at));
            c.stroke();
            c.set_fill_style_str(l.color);
            c.set_text_align("right");
            let _ = c.fill_text(l.label, f.x0 + f.w - 4.0, f.py(l.at) - 4.0);
        }
        for l in vlines {
            self.dashed(true);
            c.set_stroke_style_str(l.color);
            c.begin_path();
            c.move_to(f.px(l.at), f.y0);
            c.line_to(f.px(l.at), f.y0 + f.h);
            c.stroke();
            c.set_fill_style_str(l.color);
            c.set_text_align("left");
            let _ = c.fill_text(l.label, f.px(l.at) + 4.0, f.y0 + 12.0);
        }
        c.set_line_width(2.0);
        for s in series {
            self.dashed(s.dashed);
            c.set_stroke_style_str(s.color);
            c.begin_path();
            let mut pen = false;
            // Thin very long series to at most ~2 points per CSS pixel.
            let n = s.data.len();
            let stride = (n as f64 / (2.0 * f.w)).ceil().max(1.0) as usize;
            let mut i = 0;
            while i < n {
                let (x, y) = s.data.at(i);
                if x.is_finite() && y.is_finite() {
                    if pen {
                        c.line_to(f.px(x), f.py(y));
                    } else {
                        c.move_to(f.px(x), f.py(y));
                        pen = true;
                    }
                } else {
                    pen = false;
                }
                i += if i + stride >= n && i != n - 1 {
                    n - 1 - i
                } else {
                    stride
                };
            }
            c.stroke();
        }
        self.dashed(false);
        c.restore();
        self.legend(series.iter().map(|s| (s.name, s.color)), &f);
        let mut d = self.record(Kind::Lines, axes.title);
        for s in series {
            d.push_name(s.name);
            let n = s.data.len();
            d.next_vec().extend((0..n).map(|i| s.data.at(i).0));
            d.next_vec().extend((0..n).map(|i| s.data.at(i).1));
        }
    }

    /// A histogram of `counts` over `[lo, hi]`, normalised to a density, with an optional exact
    /// density curve (`exact`, values on an even grid over the same range) laid over it.
    pub fn histogram(&self, axes: &Axes, lo: f64, hi: f64, counts: &[f64], exact: Option<&[f64]>) {
        self.clear();
        {
            let mut d = self.record(Kind::Histogram, axes.title);
            d.lo = lo;
            d.hi = hi;
            d.next_vec().extend_from_slice(counts);
            if let Some(e) = exact {
                d.next_vec().extend_from_slice(e);
            }
        }
        let total: f64 = counts.iter().sum();
        let bw = (hi - lo) / counts.len().max(1) as f64;
        let dens = |c: f64| {
            if total > 0.0 && bw > 0.0 {
                c / (total * bw)
            } else {
                0.0
            }
        };
        let mut ymax = counts.iter().map(|&c| dens(c)).fold(0.0, f64::max);
        if let Some(e) = exact {
            ymax = e
                .iter()
                .copied()
                .filter(|v| v.is_finite())
                .fold(ymax, f64::max);
        }
        let f = self.frame(
            axes,
            (lo, hi),
            axes.y_range.unwrap_or((0.0, ymax.max(1e-12) * 1.08)),
        );
        let c = &self.ctx;
        c.set_fill_style_str("rgba(0,114,178,0.55)");
        for (i, &k) in counts.iter().enumerate() {
            let x0 = f.px(lo + bw * i as f64);
            let x1 = f.px(lo + bw * (i + 1) as f64);
            let y = f.py(dens(k));
            c.fill_rect(x0, y, (x1 - x0 - 0.5).max(0.5), f.y0 + f.h - y);
        }
        if let Some(e) = exact {
            c.set_stroke_style_str("#D55E00");
            c.set_line_width(2.0);
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
                [("samples", "rgba(0,114,178,0.8)"), ("exact", "#D55E00")].into_iter(),
                &f,
            );
        }
    }

    /// A heatmap of `values` (`w × h`, row-major, row 0 at the top) with a colour bar.
    /// `range` fixes the colour scale (else min…max); `diverging` centres it on zero.
    pub fn heatmap(
        &mut self,
        title: &str,
        values: &[f64],
        w: usize,
        h: usize,
        range: Option<(f64, f64)>,
        diverging: bool,
    ) -> Result<(), JsValue> {
        self.clear();
        if w == 0 || h == 0 || values.len() < w * h {
            self.record(Kind::Empty, title);
            // No data: the title alone says why.
            let c = &self.ctx;
            c.set_fill_style_str("#333");
            c.set_font("bold 13px system-ui, sans-serif");
            c.set_text_align("left");
            let _ = c.fill_text(title, 8.0, 16.0);
            return Ok(());
        }
        {
            let mut d = self.record(Kind::Heatmap, title);
            d.w = w;
            d.h = h;
            d.next_vec().extend_from_slice(&values[..w * h]);
        }
        let (mut lo, mut hi) = range.unwrap_or_else(|| {
            values
                .iter()
                .filter(|v| v.is_finite())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                    (a.min(v), b.max(v))
                })
        });
        if diverging {
            let m = lo.abs().max(hi.abs());
            lo = -m;
            hi = m;
        }
        if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
            hi = lo + 1.0;
        }
        let need = 4 * w * h;
        let fresh = match &self.scratch {
            Some((c, _, b)) => {
                c.width() as usize != w || c.height() as usize != h || b.len() != need
            }
            None => true,
        };
        if fresh {
            let doc = dom::document()?;
            let c = doc
                .create_element("canvas")?
                .dyn_into::<HtmlCanvasElement>()?;
            c.set_width(w as u32);
            c.set_height(h as u32);
            let ctx = context_2d(&c)?;
            self.scratch = Some((c, ctx, vec![0; need]));
        }
        let Some((sc, sctx, buf)) = self.scratch.as_mut() else {
            return Ok(());
        };
        for (px, &v) in buf.chunks_exact_mut(4).zip(values) {
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
        sctx.put_image_data(&img, 0.0, 0.0)?;
        let c = &self.ctx;
        let bar = 16.0;
        let side = (self.css_h - PAD_T - 8.0).min(self.css_w - 70.0 - bar);
        let scale = side / w.max(h) as f64;
        let (dw, dh) = (w as f64 * scale, h as f64 * scale);
        c.set_image_smoothing_enabled(false);
        c.draw_image_with_html_canvas_element_and_dw_and_dh(sc, 8.0, PAD_T, dw, dh)?;
        c.set_fill_style_str("#333");
        c.set_font("bold 13px system-ui, sans-serif");
        c.set_text_align("left");
        let _ = c.fill_text(title, 8.0, 16.0);
        // Colour bar with min, middle and max labels.
        let bx = 8.0 + dw + 12.0;
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
                PAD_T + dh * i as f64 / steps as f64,
                bar,
                dh / steps as f64 + 1.0,
            );
        }
        c.set_stroke_style_str("#555");
        c.stroke_rect(bx, PAD_T, bar, dh);
        c.set_fill_style_str("#333");
        c.set_font("11px system-ui, sans-serif");
        let _ = c.fill_text(&tick_label(hi), bx + bar + 4.0, PAD_T + 10.0);
        let _ = c.fill_text(
            &tick_label(0.5 * (lo + hi)),
            bx + bar + 4.0,
            PAD_T + dh / 2.0 + 4.0,
        );
        let _ = c.fill_text(&tick_label(lo), bx + bar + 4.0, PAD_T + dh);
        Ok(())
    }

    /// Vertical bars, one per label, on a fixed value range (e.g. overlaps in [−1, 1]).
    /// `colors[i]` colours bar i; `marks` are horizontal reference lines.
    pub fn bars(
        &self,
        axes: &Axes,
        labels: &[String],
        values: &[f64],
        colors: &[Css],
        marks: &[RefLine],
    ) {
        self.clear();
        {
            let mut d = self.record(Kind::Bars, axes.title);
            for l in labels {
                d.push_name(l);
            }
            d.next_vec().extend_from_slice(values);
        }
        let n = values.len().max(1);
        let yr = axes.y_range.unwrap_or_else(|| {
            let (lo, hi) = values
                .iter()
                .fold((0.0f64, 0.0f64), |(a, b), &v| (a.min(v), b.max(v)));
            padded((lo, hi), 0.08)
        });
        let f = self.frame_with(axes, (0.0, n as f64), yr, false);
        let c = &self.ctx;
        let zero = f.py(0.0_f64.clamp(yr.0, yr.1));
        for (i, &v) in values.iter().enumerate() {
            let x0 = f.px(i as f64 + 0.15);
            let x1 = f.px(i as f64 + 0.85);
            let y = f.py(v.clamp(yr.0, yr.1));
            c.set_fill_style_str(colors.get(i).copied().unwrap_or(PALETTE[0]));
            c.fill_rect(x0, y.min(zero), x1 - x0, (y - zero).abs().max(1.0));
        }
        c.set_fill_style_str("#333");
        c.set_font("11px system-ui, sans-serif");
        c.set_text_align("center");
        let every = (labels.len() as f64 / (f.w / 28.0)).ceil().max(1.0) as usize;
        for (i, l) in labels.iter().enumerate().step_by(every) {
            let _ = c.fill_text(l, f.px(i as f64 + 0.5), f.y0 + f.h + 13.0);
        }
        for l in marks {
            self.dashed(true);
            c.set_stroke_style_str(l.color);
            c.begin_path();
            c.move_to(f.x0, f.py(l.at));
            c.line_to(f.x0 + f.w, f.py(l.at));
            c.stroke();
        }
        self.dashed(false);
    }

    fn dashed(&self, on: bool) {
        let arr = js_sys::Array::new();
        if on {
            arr.push(&JsValue::from_f64(5.0));
            arr.push(&JsValue::from_f64(4.0));
        }
        let _ = self.ctx.set_line_dash(&arr);
    }

    fn legend<'a>(&self, items: impl Iterator<Item = (&'a str, Css)>, f: &Frame) {
        let c = &self.ctx;
        c.set_font("11px system-ui, sans-serif");
        c.set_text_align("right");
        let mut y = f.y0 + 14.0;
        for (name, color) in items {
            if name.is_empty() {
                continue;
            }
            c.set_fill_style_str(color);
            c.fill_rect(f.x0 + f.w - 14.0, y - 8.0, 10.0, 10.0);
            c.set_fill_style_str("#222");
            let _ = c.fill_text(name, f.x0 + f.w - 18.0, y + 1.0);
            y += 15.0;
        }
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

fn padded((lo, hi): (f64, f64), frac: f64) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 {
        let d = lo.abs().max(1.0) * 0.5;
        return (lo - d, hi + d);
    }
    let p = (hi - lo) * frac;
    (lo - p, hi + p)
}

/// "Nice" tick positions (steps of 1, 2 or 5 × 10ᵏ) covering `[lo, hi]`.
pub fn ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if hi <= lo || !lo.is_finite() || !hi.is_finite() {
        return Vec::new();
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut t = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while t <= hi + step * 1e-9 && out.len() < 50 {
        out.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        t += step;
    }
    out
}

fn tick_label(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if !(1e-3..1e5).contains(&a) {
        format!("{v:.1e}")
    } else if a >= 100.0 || (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        format!("{v:.3}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

fn lerp_rgb(stops: &[[f64; 3]], t: f64) -> [u8; 3] {
    let t = t.clamp(0.0, 1.0) * (stops.len() - 1) as f64;
    let i = (t.floor() as usize).min(stops.len() - 2);
    let f = t - i as f64;
    let mut out = [0u8; 3];
    for k in 0..3 {
        out[k] = (stops[i][k] + (stops[i + 1][k] - stops[i][k]) * f).round() as u8;
    }
    out
}

/// The viridis colour map (perceptually uniform, colour-blind safe), from its published anchors.
pub fn viridis(t: f64) -> [u8; 3] {
    const V: [[f64; 3]; 9] = [
        [68.0, 1.0, 84.0],
        [71.0, 44.0, 122.0],
        [59.0, 81.0, 139.0],
        [44.0, 113.0, 142.0],
        [33.0, 144.0, 141.0],
        [39.0, 173.0, 129.0],
        [92.0, 200.0, 99.0],
        [170.0, 220.0, 50.0],
        [253.0, 231.0, 37.0],
    ];
    lerp_rgb(&V, t)
}

/// A blue–white–red diverging map (ColorBrewer RdBu ends), for signed values such as weights.
pub fn diverging_rgb(t: f64) -> [u8; 3] {
    const D: [[f64; 3]; 5] = [
        [33.0, 102.0, 172.0],
        [146.0, 197.0, 222.0],
        [247.0, 247.0, 247.0],
        [244.0, 165.0, 130.0],
        [178.0, 24.0, 43.0],
    ];
    lerp_rgb(&D, t)
}
