//! The MCMC view's read-outs and charts: the table of steps, acceptance, ESS, ESS/s, means
//! and standard deviations against the exact values; the marginal histograms against the exact
//! marginals; the trace of x₁ with a vertical mark wherever a setting changed; and the
//! autocorrelation of x₁. Every read-out carries its raw number in `data-value`.

use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};

use crate::core::sampling::fmt_count;
use crate::core::sampling::mcmc::Mcmc;
use crate::core::sampling::registry::{Family, FIGURES};
use crate::web::dom;
use crate::web::plot::{Axes, Plot, RefLine, Series, SeriesData, PALETTE};

use super::overlay::verdict;

/// Plot size (CSS pixels).
const PLOT_W: f64 = 300.0;
const PLOT_H: f64 = 150.0;
/// Colour of the marks where a setting changed.
const MARK: &str = "#999999";

/// Read-out cells of one run.
struct Readout {
    row: HtmlElement,
    name: HtmlElement,
    cells: [HtmlElement; 8],
    info: HtmlElement,
}

/// The read-out table and the plots.
pub struct Charts {
    hists: [[Plot; 2]; 2],
    trace: Plot,
    acf: Plot,
    readouts: [Readout; 2],
    exact_cells: [HtmlElement; 4],
    exact_note: HtmlElement,
}

const HEAD: [(&str, &str); 9] = [
    ("", ""),
    ("steps", ""),
    (
        "accept",
        "Fraction of proposals accepted (MH step); Gibbs always accepts",
    ),
    (
        "ESS (x₁)",
        "Effective sample size of x₁: steps / τ, τ the integrated autocorrelation time \
         (Geyer); for importance sampling (Σw)²/Σw²",
    ),
    (
        "ESS/s",
        "Effective samples per second of sampling time (shown once at least 1 ms was measured)",
    ),
    ("mean x₁", ""),
    ("mean x₂", ""),
    (
        "sd x₁",
        "Standard deviation: sample estimate against the exact value",
    ),
    (
        "sd x₂",
        "Standard deviation: sample estimate against the exact value",
    ),
];

fn set(el: &HtmlElement, text: &str, raw: Option<f64>) -> Result<(), JsValue> {
    el.set_text_content(Some(text));
    match raw {
        Some(v) if v.is_finite() => el.set_attribute("data-value", &v.to_string()),
        _ => el.remove_attribute("data-value"),
    }
}

/// A mean for the read-outs: three decimals (no "−0.000").
fn fmt_mean(v: f64) -> String {
    if !v.is_finite() {
        "—".into()
    } else if v.abs() >= 1e4 {
        format!("{v:.2e}")
    } else if v.abs() < 5e-4 {
        "0.000".into()
    } else {
        format!("{v:.3}")
    }
}

impl Charts {
    /// The table and plots inside `side`.
    pub fn new(side: &Element) -> Result<Self, JsValue> {
        let table = dom::el(side, "table", "samp-readouts")?;
        let head = dom::el(&table, "tr", "")?;
        for (h, tip) in HEAD {
            let th = dom::text(&head, "th", "", h)?;
            if !tip.is_empty() {
                th.set_title(tip);
            }
        }
        let exact_row = dom::el(&table, "tr", "")?;
        dom::text(&exact_row, "th", "", "exact")?;
        for _ in 0..4 {
            dom::text(&exact_row, "td", "", "")?;
        }
        let mut exact = Vec::new();
        for id in ["exact1", "exact2", "exactsd1", "exactsd2"] {
            let c = dom::text(&exact_row, "td", "num", "")?;
            c.set_id(&format!("sampling-{id}"));
            exact.push(c);
        }
        let mut rows = Vec::new();
        for tag in ["a", "b"] {
            let row = dom::el(&table, "tr", if tag == "b" { "hidden" } else { "" })?;
            let name = dom::text(&row, "th", "", "")?;
            let mut cells = Vec::new();
            for id in [
                "steps", "accept", "ess", "esss", "mean1", "mean2", "sd1", "sd2",
            ] {
                let c = dom::text(&row, "td", "num", "—")?;
                c.set_id(&format!("sampling-{id}-{tag}"));
                cells.push(c);
            }
            rows.push((row, name, cells));
        }
        let exact_note = dom::text(side, "p", "samp-note muted", "")?;
        let mut readouts = Vec::new();
        for (i, (row, name, cells)) in rows.into_iter().enumerate() {
            let info = dom::text(
                side,
                "p",
                if i == 1 {
                    "samp-note hidden"
                } else {
                    "samp-note"
                },
                "",
            )?;
            info.set_id(if i == 0 {
                "sampling-info-a"
            } else {
                "sampling-info-b"
            });
            readouts.push(Readout {
                row,
                name,
                cells: cells
                    .try_into()
                    .map_err(|_| JsValue::from_str("read-out cells"))?,
                info,
            });
        }
        let plots = dom::el(side, "div", "samp-plots")?;
        let mk = |class: &str, label: &str| -> Result<Plot, JsValue> {
            let p = Plot::new(&plots, class, PLOT_W, PLOT_H)?;
            dom::img_label(&p.canvas, label)?;
            Ok(p)
        };
        let hists = [
            [
                mk(
                    "hist-x1",
                    "histogram of x₁ samples against the exact marginal density",
                )?,
                mk(
                    "hist-x2",
                    "histogram of x₂ samples against the exact marginal density",
                )?,
            ],
            [
                mk(
                    "hist-x1-b",
                    "second sampler: histogram of x₁ against the exact marginal",
                )?,
                mk(
                    "hist-x2-b",
                    "second sampler: histogram of x₂ against the exact marginal",
                )?,
            ],
        ];
        let trace = mk(
            "trace",
            "trace of x₁ against the step; grey marks where a setting changed",
        )?;
        let acf = mk("acf", "autocorrelation of x₁ against the lag")?;
        for h in &hists[1] {
            h.set_visible(false);
        }
        Ok(Self {
            hists,
            trace,
            acf,
            readouts: readouts
                .try_into()
                .map_err(|_| JsValue::from_str("read-outs"))?,
            exact_cells: exact
                .try_into()
                .map_err(|_| JsValue::from_str("exact cells"))?,
            exact_note,
        })
    }

    /// Shows the second sampler's row, line and histograms (or hides them).
    pub fn set_compare(&self, on: bool) {
        for h in &self.hists[1] {
            h.set_visible(on);
        }
        let r = &self.readouts[1];
        let _ = r.row.class_list().toggle_with_force("hidden", !on);
        let _ = r.info.class_list().toggle_with_force("hidden", !on);
    }

    /// The autocorrelation plot of the shown runs.
    pub fn draw_acf(&self, m: &Mcmc) {
        let n = m.active();
        let mut series = Vec::new();
        let mut taus = Vec::new();
        for (i, r) in m.runs()[..n].iter().enumerate() {
            if r.acf().is_empty() {
                continue;
            }
            series.push(Series {
                name: tag(m, i),
                color: PALETTE[i],
                data: SeriesData::Uniform {
                    x0: 0.0,
                    dx: 1.0,
                    ys: r.acf(),
                },
                dashed: false,
            });
            if r.tau().is_finite() {
                taus.push(format!("{:.1}", r.tau()));
            }
        }
        let title = if !series.is_empty() {
            format!("autocorrelation of x₁ (τ ≈ {})", taus.join(", "))
        } else if m.runs()[..n]
            .iter()
            .any(|r| r.entry().family == Family::Chain)
        {
            "autocorrelation of x₁".to_string()
        } else {
            // Nothing will come: say why instead of asking for Play.
            let population = m.runs()[..n]
                .iter()
                .any(|r| r.entry().family == Family::Population);
            self.acf.note(if population {
                "no autocorrelation: a population, not one chain"
            } else {
                "no autocorrelation: independent draws"
            });
            return;
        };
        self.acf.line_chart(
            &Axes {
                title: &title,
                x_label: "lag",
                y_label: "ρ",
                y_range: Some((-0.3, 1.0)),
                ..Default::default()
            },
            &series,
            &[RefLine {
                at: 0.0,
                label: "",
                color: "#888",
            }],
            &[],
        );
    }

    /// Histograms, trace and read-outs.
    pub fn draw_stats(&self, m: &mut Mcmc) -> Result<(), JsValue> {
        let ex = m.exact().clone();
        let (n, view) = (m.active(), m.view());
        for i in 0..n {
            let r = &m.runs()[i];
            for (axis, name) in ["x₁", "x₂"].iter().enumerate() {
                let title = if m.compare() {
                    format!("{}: {} marginal of {name}", tag(m, i), r.entry().short)
                } else {
                    format!("marginal of {name}")
                };
                self.hists[i][axis].histogram(
                    &Axes {
                        title: &title,
                        x_label: name,
                        y_label: "density",
                        ..Default::default()
                    },
                    view.lo(axis),
                    view.hi(axis),
                    r.hist.counts(axis),
                    Some(if axis == 0 { &ex.px } else { &ex.py }),
                );
            }
        }
        let runs = &m.runs()[..n];
        let series: Vec<Series> = runs
            .iter()
            .enumerate()
            .map(|(i, r)| Series {
                name: tag(m, i),
                color: PALETTE[i],
                data: SeriesData::Points(r.trace.points()),
                dashed: false,
            })
            .collect();
        let exact_line: Vec<RefLine> = ex
            .mean
            .map(|mu| RefLine {
                at: mu[0],
                label: "exact E[x₁]",
                color: "#D55E00",
            })
            .into_iter()
            .collect();
        // Where a setting changed (both runs change together; the first run's marks suffice).
        let marks: Vec<RefLine> = runs[0]
            .marks()
            .iter()
            .map(|&at| RefLine {
                at,
                label: "",
                color: MARK,
            })
            .collect();
        let title = match runs[0].entry().family {
            Family::Weighted => "running estimate Ê[x₁]",
            Family::Population => "ensemble mean of x₁",
            Family::Chain if marks.is_empty() => "trace of x₁",
            Family::Chain => "trace of x₁ (grey: a setting changed)",
        };
        self.trace.line_chart(
            &Axes {
                title,
                x_label: "step",
                y_label: "x₁",
                ..Default::default()
            },
            &series,
            &exact_line,
            &marks,
        );
        self.draw_readouts(m, &ex)
    }

    fn draw_readouts(
        &self,
        m: &Mcmc,
        ex: &crate::core::sampling::mcmc::Exact,
    ) -> Result<(), JsValue> {
        let sd = |c: [[f64; 2]; 2]| [c[0][0].sqrt(), c[1][1].sqrt()];
        let exact_sd = ex.cov.map(sd);
        for axis in 0..2 {
            let mu = ex.mean.map(|v| v[axis]);
            set(
                &self.exact_cells[axis],
                &mu.map_or("—".into(), fmt_mean),
                mu,
            )?;
            let s = exact_sd.map(|v| v[axis]);
            set(
                &self.exact_cells[2 + axis],
                &s.map_or("—".into(), fmt_mean),
                s,
            )?;
        }
        self.exact_note
            .set_text_content(Some(&if let Some(e) = &ex.failed {
                e.clone()
            } else if ex.closed_form {
                "Exact mean in closed form; exact marginals by grid integration over the view."
                    .to_string()
            } else if ex.edge_mass > 1e-3 {
                format!(
                    "Exact values by grid integration (about {:.1} % of the mass lies outside the \
                 integration box, so they are those of the truncated density).",
                    ex.edge_mass * 100.0
                )
            } else {
                "Exact values by grid integration (midpoint rule).".to_string()
            }));
        for i in 0..m.active() {
            let r = &m.runs()[i];
            let o = &self.readouts[i];
            let [steps, accept, ess, ess_s, m1, m2, sd1, sd2] = &o.cells;
            let t = if m.compare() { tag(m, i) } else { "" };
            let sep = if t.is_empty() { "" } else { " · " };
            o.name
                .set_text_content(Some(&format!("{t}{sep}{}", r.entry().short)));
            set(steps, &fmt_count(r.steps()), Some(r.steps() as f64))?;
            let acc = r.acceptance();
            let key = r.entry().opt.key;
            let acc_text = match (acc, key) {
                (Some(a), _) => format!("{a:.3}"),
                (_, "gibbs") => "1 (always)".into(),
                (_, "ula" | "particles" | "mchmc" | "svgd") => "no MH step".into(),
                (_, "nuts") => "slice".into(),
                _ => "—".into(),
            };
            let acc_raw = if key == "gibbs" && r.steps() > 0 {
                Some(1.0)
            } else {
                acc
            };
            set(accept, &acc_text, acc_raw)?;
            let e = r.ess();
            set(
                ess,
                &e.map_or("—".into(), |e| fmt_count(e.round() as u64)),
                e,
            )?;
            let per_s = e
                .filter(|_| r.busy_ms() > 1.0)
                .map(|e| e / (r.busy_ms() / 1000.0));
            set(
                ess_s,
                &per_s.map_or("—".into(), |e| fmt_count(e.round() as u64)),
                per_s,
            )?;
            let mean = r.mean();
            let s = r.cov().map(sd);
            for (axis, (mc, sc)) in [(m1, sd1), (m2, sd2)].into_iter().enumerate() {
                let v = mean.map(|v| v[axis]);
                set(mc, &v.map_or("—".into(), fmt_mean), v)?;
                let v = s.map(|v| v[axis]);
                set(sc, &v.map_or("—".into(), fmt_mean), v)?;
            }
            let t = if m.compare() {
                format!("{}: ", tag(m, i))
            } else {
                String::new()
            };
            o.info.set_text_content(Some(&format!("{t}{}", m.about(i))));
            // Raw facts for scripts and tests: the last step's verdict, the marks.
            o.info.set_attribute("data-verdict", verdict(&r.events))?;
            o.info
                .set_attribute("data-marks", &r.marks().len().to_string())?;
            for key in FIGURES {
                let name = format!("data-{key}");
                match r.figure(key).filter(|v| !v.is_nan()) {
                    Some(v) => o.info.set_attribute(&name, &v.to_string())?,
                    None => o.info.remove_attribute(&name)?,
                }
            }
        }
        Ok(())
    }
}

/// "A" / "B" for run `i` when comparing, else "".
fn tag(m: &Mcmc, i: usize) -> &'static str {
    match (m.compare(), i) {
        (false, _) => "",
        (true, 0) => "A",
        _ => "B",
    }
}
