//! Plots every lab reuses: line chart, histogram (with an exact curve laid over it), bars and
//! heatmap with a colour bar, drawn with the canvas 2-D API. What a plot shows is kept as a
//! [`ChartData`] (reused buffers, no allocation per frame once warmed up), so the plot can be
//! drawn again at any size — it follows its column's width and the device pixel ratio — and its
//! "PNG" and "CSV" buttons export exactly what is on screen.
//!
//! Made for a projector: fonts, line widths and margins scale with the page's [`scale`]
//! (presenter mode) and with the plot's size; tick labels are measured so axis labels never sit
//! on them; titles wrap instead of being clipped; legends and reference labels are drawn last,
//! above the data, on a translucent backdrop; a chart with nothing to show says so instead of
//! drawing empty axes. Each canvas records the smallest font it used in `data-min-font`.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlCanvasElement};

mod render;

use render::Inner;

use super::{canvas::context_2d, dom, status, storage};
pub use crate::core::chart::{diverging_rgb, file_stem, ticks, viridis, Css};
use crate::core::chart::{ChartData, ChartKind};

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

thread_local! {
    /// Scale of everything drawn in canvases (1 on a desk, 1.5 in presenter mode).
    static SCALE: Cell<f64> = const { Cell::new(1.0) };
    /// Counts the relayouts (a resize, presenter mode, a tab switch).
    static GENERATION: Cell<u64> = const { Cell::new(0) };
    /// Every plot, to redraw them at a new size.
    static PLOTS: RefCell<Vec<Weak<RefCell<Inner>>>> = const { RefCell::new(Vec::new()) };
}

/// The page's drawing scale (fonts, lines, dots): 1 on a desk, 1.5 in presenter mode. Labs that
/// draw text or dots on their own canvases multiply by it too.
pub fn scale() -> f64 {
    SCALE.with(Cell::get)
}

/// How many relayouts there have been: a lab whose own canvases depend on the size or the
/// scale redraws them when this changes (see `Lab::relayout`).
pub fn generation() -> u64 {
    GENERATION.with(Cell::get)
}

/// Sets the drawing scale and redraws every plot.
pub fn set_scale(s: f64) {
    SCALE.with(|c| c.set(s.clamp(0.5, 3.0)));
    relayout_all();
}

/// Redraws every plot whose on-screen size, pixel ratio or scale changed (after a window
/// resize, a tab switch or presenter mode).
pub fn relayout_all() {
    GENERATION.with(|g| g.set(g.get() + 1));
    PLOTS.with(|p| {
        let mut p = p.borrow_mut();
        p.retain(|w| w.strong_count() > 0);
        for w in p.iter() {
            if let Some(inner) = w.upgrade() {
                if let Ok(mut i) = inner.try_borrow_mut() {
                    if i.fit() {
                        i.render();
                    }
                }
            }
        }
    });
}

/// The smallest font (CSS px) a canvas's text may use at the current scale.
pub fn font_px(base: f64) -> f64 {
    base * scale()
}

/// A canvas font such as `"600 13px system-ui, sans-serif"` with its size multiplied by the
/// drawing scale (so text drawn outside the plots grows in presenter mode too).
pub fn scaled_font(font: &str) -> String {
    let Some(end) = font.find("px") else {
        return font.to_string();
    };
    let start = font[..end]
        .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or(0, |i| i + 1);
    match font[start..end].parse::<f64>() {
        Ok(px) => format!("{}{}{}", &font[..start], font_px(px), &font[end..]),
        Err(_) => font.to_string(),
    }
}

/// A plot canvas.
pub struct Plot {
    /// The canvas element.
    pub canvas: HtmlCanvasElement,
    inner: Rc<RefCell<Inner>>,
}

fn dpr() -> f64 {
    web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .clamp(1.0, 3.0)
}

impl Plot {
    /// Shows or hides the plot together with its export buttons.
    pub fn set_visible(&self, on: bool) {
        if let Some(wrap) = self.canvas.parent_element() {
            let _ = wrap.class_list().toggle_with_force("hidden", !on);
        }
        if on {
            let mut i = self.inner.borrow_mut();
            if i.fit() {
                i.render();
            }
        }
    }

    /// A plot in `parent` whose shape is `css_w × css_h` (its width follows the column, up to
    /// the page's layout), with "PNG" and "CSV" export buttons under it (the canvas and buttons
    /// share a `div.plot-wrap`).
    pub fn new(parent: &Element, class: &str, css_w: f64, css_h: f64) -> Result<Self, JsValue> {
        let wrap = dom::el(parent, "div", "plot-wrap")?;
        wrap.style()
            .set_property("--plot-w", &format!("{css_w}px"))?;
        let canvas = dom::el(&wrap, "canvas", class)?.dyn_into::<HtmlCanvasElement>()?;
        canvas.set_attribute("role", "img")?;
        canvas
            .style()
            .set_property("aspect-ratio", &format!("{css_w} / {css_h}"))?;
        let ctx = context_2d(&canvas)?;
        let inner = Rc::new(RefCell::new(Inner {
            canvas: canvas.clone(),
            ctx,
            base: (css_w, css_h),
            size: (0.0, 0.0),
            dpr: 0.0,
            drawn_scale: 0.0,
            data: ChartData::default(),
            scratch: None,
            auto_label: None,
            min_font: f64::INFINITY,
            size_check: dom::SizeCheck::default(),
        }));
        inner.borrow_mut().fit();
        PLOTS.with(|p| p.borrow_mut().push(Rc::downgrade(&inner)));
        let bar = dom::el(&wrap, "div", "plot-export")?;
        {
            let (c, d) = (canvas.clone(), inner.clone());
            let b = dom::button(
                &bar,
                "PNG",
                "Download this chart as a PNG image",
                move || {
                    let name = format!("{}.png", file_stem(&d.borrow().data.title));
                    if let Err(e) = save_canvas_png(&c, &name) {
                        status::warn(&format!("PNG export failed: {e:?}"));
                    }
                },
            )?;
            b.set_class_name("plot-export-btn");
            b.set_attribute("aria-label", "Download chart as PNG")?;
        }
        {
            let d = inner.clone();
            let b = dom::button(
                &bar,
                "CSV",
                "Download the data drawn in this chart as CSV",
                move || {
                    let i = d.borrow();
                    if i.data.kind == ChartKind::Empty {
                        status::warn("this chart has drawn nothing yet: nothing to export");
                        return;
                    }
                    let name = format!("{}.csv", file_stem(&i.data.title));
                    if let Err(e) = storage::download_text(&name, "text/csv", &i.data.csv()) {
                        status::warn(&format!("CSV export failed: {e:?}"));
                    }
                },
            )?;
            b.set_class_name("plot-export-btn");
            b.set_attribute("aria-label", "Download chart data as CSV")?;
        }
        Ok(Self { canvas, inner })
    }

    /// The data this plot drew last, as CSV text ([`ChartData::csv`]); empty before the first
    /// draw.
    pub fn csv(&self) -> String {
        self.inner.borrow().data.csv()
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
        let mut i = self.inner.borrow_mut();
        let d = i.begin(ChartKind::Lines, axes);
        for s in series {
            match &s.data {
                SeriesData::Uniform { x0, dx, ys } => d.push_line(
                    s.name,
                    s.color,
                    s.dashed,
                    ys.iter().enumerate().map(|(i, &y)| (x0 + dx * i as f64, y)),
                ),
                SeriesData::Points(p) => d.push_line(s.name, s.color, s.dashed, p.iter().copied()),
            }
        }
        for l in hlines {
            ChartData::push_mark(&mut d.hlines, l.at, l.label, l.color);
        }
        for l in vlines {
            ChartData::push_mark(&mut d.vlines, l.at, l.label, l.color);
        }
        i.render();
    }

    /// A chart that is only its title, which says why there is nothing to draw (no "press Play"
    /// line: playing would not fill it).
    pub fn note(&self, title: &str) {
        let mut i = self.inner.borrow_mut();
        i.begin(
            ChartKind::Empty,
            &Axes {
                title,
                ..Default::default()
            },
        );
        i.render();
    }

    /// A histogram of `counts` over `[lo, hi]`, normalised to a density, with an optional exact
    /// density curve (`exact`, values on an even grid over the same range) laid over it.
    pub fn histogram(&self, axes: &Axes, lo: f64, hi: f64, counts: &[f64], exact: Option<&[f64]>) {
        let mut i = self.inner.borrow_mut();
        let d = i.begin(ChartKind::Histogram, axes);
        d.lo = lo;
        d.hi = hi;
        d.values.extend_from_slice(counts);
        match exact {
            Some(e) => d.exact.get_or_insert_with(Vec::new).extend_from_slice(e),
            None => d.exact = None,
        }
        i.render();
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
        let mut i = self.inner.borrow_mut();
        let ok = w > 0 && h > 0 && values.len() >= w * h;
        let d = i.begin(
            if ok {
                ChartKind::Heatmap
            } else {
                ChartKind::Empty
            },
            &Axes {
                title,
                ..Default::default()
            },
        );
        if ok {
            d.w = w;
            d.h = h;
            d.values.extend_from_slice(&values[..w * h]);
            d.range = range;
            d.diverging = diverging;
            i.paint_heatmap_pixels()?;
        }
        i.render();
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
        let mut i = self.inner.borrow_mut();
        let d = i.begin(ChartKind::Bars, axes);
        for (k, &v) in values.iter().enumerate() {
            let label = labels.get(k).map_or("", String::as_str);
            let color = colors.get(k).copied().unwrap_or(PALETTE[0]);
            ChartData::push_mark(&mut d.bars, v, label, color);
        }
        for l in marks {
            ChartData::push_mark(&mut d.hlines, l.at, l.label, l.color);
        }
        i.render();
    }
}

/// Downloads `canvas` as a PNG. Pixel-art canvases (a few pixels per neuron, scaled up by CSS)
/// are first redrawn at their on-screen size, without smoothing, so the file looks like the page.
pub fn save_canvas_png(canvas: &HtmlCanvasElement, filename: &str) -> Result<(), JsValue> {
    let r = dpr();
    let (cw, ch) = (canvas.width(), canvas.height());
    let (sw, sh) = (
        (f64::from(canvas.client_width()) * r).round() as u32,
        (f64::from(canvas.client_height()) * r).round() as u32,
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
