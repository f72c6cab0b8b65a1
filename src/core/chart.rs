//! What a chart shows, without the canvas: the data of a line chart, histogram, bar chart or
//! heatmap kept in reusable buffers (so a chart can be redrawn at a new size or exported exactly
//! as drawn), its CSV export, tick positions and labels, axis ranges, colour maps and file names.
//! The browser's `plot` module draws a [`ChartData`]; everything here is tested natively.

use std::fmt::Write as _;

/// A colour as CSS text.
pub type Css = &'static str;

/// Which kind of chart was drawn last.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChartKind {
    /// Nothing yet.
    #[default]
    Empty,
    /// Lines (x, y) with reference lines.
    Lines,
    /// A histogram over `[lo, hi]` with an optional exact density.
    Histogram,
    /// Labelled bars.
    Bars,
    /// A `w × h` matrix as colours.
    Heatmap,
}

/// A buffer of `T` reused between drawings: `clear` keeps every element's capacity.
#[derive(Clone, Debug, Default)]
pub struct Slots<T> {
    items: Vec<T>,
    len: usize,
}

impl<T: Default> Slots<T> {
    /// Forgets the items (keeping their allocations).
    pub fn clear(&mut self) {
        self.len = 0;
    }
    /// The next item, to be filled (reset by `reset`).
    pub fn next(&mut self, reset: impl FnOnce(&mut T)) -> &mut T {
        if self.len == self.items.len() {
            self.items.push(T::default());
        }
        let t = &mut self.items[self.len];
        reset(t);
        self.len += 1;
        t
    }
    /// The items in use.
    pub fn as_slice(&self) -> &[T] {
        &self.items[..self.len]
    }
    /// Number of items in use.
    pub fn len(&self) -> usize {
        self.len
    }
    /// Whether no item is in use.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// One line of a line chart, as drawn.
#[derive(Clone, Debug, Default)]
pub struct Line {
    /// Legend name.
    pub name: String,
    /// Colour.
    pub color: Css,
    /// Dashed or solid.
    pub dashed: bool,
    /// x values.
    pub xs: Vec<f64>,
    /// y values.
    pub ys: Vec<f64>,
}

/// A labelled reference line (horizontal or vertical) or a bar.
#[derive(Clone, Debug, Default)]
pub struct Mark {
    /// Position (or a bar's value).
    pub at: f64,
    /// Label.
    pub label: String,
    /// Colour.
    pub color: Css,
}

/// Everything a chart drew last.
#[derive(Clone, Debug, Default)]
pub struct ChartData {
    /// The kind of chart.
    pub kind: ChartKind,
    /// Title.
    pub title: String,
    /// x-axis label.
    pub x_label: String,
    /// y-axis label.
    pub y_label: String,
    /// Fixed x range.
    pub x_range: Option<(f64, f64)>,
    /// Fixed y range.
    pub y_range: Option<(f64, f64)>,
    /// Lines (line charts).
    pub lines: Slots<Line>,
    /// Horizontal reference lines (line charts, bars).
    pub hlines: Slots<Mark>,
    /// Vertical reference lines (line charts).
    pub vlines: Slots<Mark>,
    /// Bars: label, value and colour each.
    pub bars: Slots<Mark>,
    /// Histogram range.
    pub lo: f64,
    /// Histogram range.
    pub hi: f64,
    /// Histogram counts, or heatmap values (row-major).
    pub values: Vec<f64>,
    /// Exact density on an even grid over `[lo, hi]` (histograms), if any.
    pub exact: Option<Vec<f64>>,
    /// Heatmap width.
    pub w: usize,
    /// Heatmap height.
    pub h: usize,
    /// Heatmap colour range (else min…max).
    pub range: Option<(f64, f64)>,
    /// Heatmap centred on zero with a diverging map.
    pub diverging: bool,
}

impl ChartData {
    /// Starts a new drawing of `kind` (buffers kept).
    pub fn begin(&mut self, kind: ChartKind, title: &str, x_label: &str, y_label: &str) {
        self.kind = kind;
        set(&mut self.title, title);
        set(&mut self.x_label, x_label);
        set(&mut self.y_label, y_label);
        self.x_range = None;
        self.y_range = None;
        self.lines.clear();
        self.hlines.clear();
        self.vlines.clear();
        self.bars.clear();
        self.values.clear();
        if let Some(e) = &mut self.exact {
            e.clear();
        }
        self.w = 0;
        self.h = 0;
        self.range = None;
        self.diverging = false;
    }

    /// Adds a line.
    pub fn push_line(
        &mut self,
        name: &str,
        color: Css,
        dashed: bool,
        points: impl Iterator<Item = (f64, f64)>,
    ) {
        let l = self.lines.next(|l| {
            l.xs.clear();
            l.ys.clear();
        });
        set(&mut l.name, name);
        l.color = color;
        l.dashed = dashed;
        for (x, y) in points {
            l.xs.push(x);
            l.ys.push(y);
        }
    }

    /// Adds a mark to `which` (a reference line or a bar).
    pub fn push_mark(which: &mut Slots<Mark>, at: f64, label: &str, color: Css) {
        let m = which.next(|_| {});
        m.at = at;
        set(&mut m.label, label);
        m.color = color;
    }

    /// Whether there is any finite point to draw.
    pub fn has_data(&self) -> bool {
        match self.kind {
            ChartKind::Empty => false,
            ChartKind::Lines => self.lines.as_slice().iter().any(|l| {
                l.xs.iter()
                    .zip(&l.ys)
                    .any(|(x, y)| x.is_finite() && y.is_finite())
            }),
            ChartKind::Histogram => self.values.iter().any(|&c| c > 0.0),
            ChartKind::Bars => !self.bars.is_empty(),
            ChartKind::Heatmap => self.w > 0 && self.h > 0 && self.values.len() >= self.w * self.h,
        }
    }

    /// The x and y ranges a line chart spans (fixed ranges win; else the data and reference
    /// lines, the y range padded by 6 %).
    pub fn line_ranges(&self) -> ((f64, f64), (f64, f64)) {
        let mut xr = (f64::INFINITY, f64::NEG_INFINITY);
        let mut yr = xr;
        for l in self.lines.as_slice() {
            for (&x, &y) in l.xs.iter().zip(&l.ys) {
                if x.is_finite() && y.is_finite() {
                    xr = (xr.0.min(x), xr.1.max(x));
                    yr = (yr.0.min(y), yr.1.max(y));
                }
            }
        }
        for m in self.hlines.as_slice() {
            if m.at.is_finite() {
                yr = (yr.0.min(m.at), yr.1.max(m.at));
            }
        }
        for m in self.vlines.as_slice() {
            if m.at.is_finite() {
                xr = (xr.0.min(m.at), xr.1.max(m.at));
            }
        }
        (
            self.x_range.unwrap_or(padded(xr, 0.0)),
            self.y_range.unwrap_or(padded(yr, 0.06)),
        )
    }

    /// The data as CSV text: line charts one `x`,`y` column pair per series (shorter series
    /// leave empty cells); histograms `bin_lo,bin_hi,count,density` and, with an exact curve,
    /// `x,exact_density`; bars `label,value`; heatmaps a `row,0,1,…` header and one line per
    /// matrix row. Text cells that a spreadsheet would read as a formula are neutralised.
    pub fn csv(&self) -> String {
        let mut out = String::new();
        match self.kind {
            ChartKind::Empty => {}
            ChartKind::Lines => {
                let lines = self.lines.as_slice();
                let header: Vec<String> = lines
                    .iter()
                    .enumerate()
                    .flat_map(|(k, l)| {
                        let n = if l.name.is_empty() {
                            format!("series {}", k + 1)
                        } else {
                            l.name.clone()
                        };
                        [csv_field(&format!("{n} x")), csv_field(&format!("{n} y"))]
                    })
                    .collect();
                out.push_str(&header.join(","));
                out.push('\n');
                let rows = lines.iter().map(|l| l.xs.len()).max().unwrap_or(0);
                for i in 0..rows {
                    for (k, l) in lines.iter().enumerate() {
                        if k > 0 {
                            out.push(',');
                        }
                        push_num(&mut out, l.xs.get(i).copied());
                        out.push(',');
                        push_num(&mut out, l.ys.get(i).copied());
                    }
                    out.push('\n');
                }
            }
            ChartKind::Histogram => {
                let counts = &self.values;
                let exact = self.exact.as_ref().filter(|e| !e.is_empty());
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
                        push_num(&mut out, Some(density(c, total, bw)));
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
            ChartKind::Bars => {
                out.push_str("label,value\n");
                for b in self.bars.as_slice() {
                    out.push_str(&csv_field(&b.label));
                    out.push(',');
                    push_num(&mut out, Some(b.at));
                    out.push('\n');
                }
            }
            ChartKind::Heatmap => {
                out.push_str("row");
                for j in 0..self.w {
                    let _ = write!(out, ",{j}");
                }
                out.push('\n');
                for (i, row) in self.values.chunks(self.w.max(1)).take(self.h).enumerate() {
                    let _ = write!(out, "{i}");
                    for &x in row {
                        out.push(',');
                        push_num(&mut out, Some(x));
                    }
                    out.push('\n');
                }
            }
        }
        out
    }
}

fn set(s: &mut String, t: &str) {
    s.clear();
    s.push_str(t);
}

/// A histogram count as a density (count / (total · bin width)); 0 when undefined.
pub fn density(count: f64, total: f64, bin_width: f64) -> f64 {
    if total > 0.0 && bin_width > 0.0 {
        count / (total * bin_width)
    } else {
        0.0
    }
}

/// A CSV text cell: quoted when it holds a comma, quote or line break, and prefixed with `'`
/// when it starts with `=`, `+`, `-`, `@`, a tab or a carriage return, so a spreadsheet shows
/// it as text instead of running it as a formula (OWASP, "CSV Injection").
pub fn csv_field(s: &str) -> String {
    let guarded = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// Writes a number in its shortest exact form; missing or non-finite values stay empty.
fn push_num(out: &mut String, v: Option<f64>) {
    if let Some(v) = v.filter(|v| v.is_finite()) {
        let _ = write!(out, "{v}");
    }
}

/// A range widened by `frac` of its span on each side (a degenerate range by ±½ its value,
/// so a single positive value keeps a positive axis, or by ±½ around 0; an empty or
/// non-finite one becomes 0…1).
pub fn padded((lo, hi): (f64, f64), frac: f64) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 {
        let d = if lo == 0.0 { 0.5 } else { lo.abs() * 0.5 };
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

/// A tick's label: short, with a true minus sign.
pub fn tick_label(v: f64) -> String {
    let a = v.abs();
    let s = if a == 0.0 {
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
    };
    s.replace('-', "−")
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

/// Where to break a title that does not fit on one line: the space nearest the middle.
pub fn split_title(title: &str) -> Option<(&str, &str)> {
    let mid = title.len() / 2;
    title
        .match_indices(' ')
        .map(|(i, _)| i)
        .min_by_key(|&i| i.abs_diff(mid))
        .map(|i| (&title[..i], &title[i + 1..]))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_neutralises_formulas_in_text_cells_but_not_numbers() {
        let mut d = ChartData::default();
        d.begin(ChartKind::Bars, "t", "", "");
        ChartData::push_mark(&mut d.bars, -1.0, "=HYPERLINK(\"x\")", "#000");
        ChartData::push_mark(&mut d.bars, 0.5, "@SUM(A1)", "#000");
        ChartData::push_mark(&mut d.bars, 2.0, "A", "#000");
        assert_eq!(
            d.csv(),
            "label,value\n\"'=HYPERLINK(\"\"x\"\")\",-1\n'@SUM(A1),0.5\nA,2\n"
        );
        for bad in ["+1", "-x", "\tcmd", "\rcmd"] {
            assert!(
                csv_field(bad).trim_start_matches('"').starts_with('\''),
                "{bad}"
            );
        }
    }

    #[test]
    fn buffers_are_reused_between_drawings() {
        let mut d = ChartData::default();
        for _ in 0..3 {
            d.begin(ChartKind::Lines, "E", "x", "y");
            d.push_line("a", "#000", false, (0..100).map(|i| (f64::from(i), 1.0)));
        }
        assert_eq!(d.lines.len(), 1);
        let cap = d.lines.as_slice()[0].xs.capacity();
        d.begin(ChartKind::Lines, "E", "x", "y");
        d.push_line("a", "#000", false, (0..50).map(|i| (f64::from(i), 1.0)));
        assert_eq!(d.lines.as_slice()[0].xs.capacity(), cap);
        assert!(d.has_data());
        d.begin(ChartKind::Lines, "E", "x", "y");
        d.push_line("a", "#000", false, [(f64::NAN, 1.0)].into_iter());
        assert!(
            !d.has_data(),
            "no finite point: a placeholder, not empty axes"
        );
    }

    #[test]
    fn ticks_labels_and_ranges() {
        assert_eq!(
            ticks(0.0, 1.0, 5),
            vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
        assert_eq!(tick_label(-1.0e5), "−1.0e5");
        assert_eq!(tick_label(0.25), "0.25");
        assert_eq!(padded((2.0, 2.0), 0.1), (1.0, 3.0));
        // one small value (a reconstruction error) keeps its sign's side of the axis
        assert_eq!(padded((0.04, 0.04), 0.06), (0.02, 0.06));
        assert_eq!(padded((-12.0, -12.0), 0.06), (-18.0, -6.0));
        assert_eq!(padded((0.0, 0.0), 0.06), (-0.5, 0.5));
        assert_eq!(padded((f64::INFINITY, 1.0), 0.1), (0.0, 1.0));
        assert_eq!(
            split_title("τ ≈ 12.6, 11 and more"),
            Some(("τ ≈ 12.6,", "11 and more"))
        );
        assert_eq!(file_stem("Energy E(y) — per sweep"), "energy-e-y-per-sweep");
        assert_eq!(viridis(0.0), [68, 1, 84]);
        assert_eq!(diverging_rgb(0.5), [247, 247, 247]);
    }
}
