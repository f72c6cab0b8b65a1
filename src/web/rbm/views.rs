//! Painting the RBM lab: each sub-view's figures and read-outs, and the side panel's progress
//! and charts. Everything is read from the session; the read-outs carry their raw numbers in
//! `data-*` attributes for tests and scripts.

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use super::tiles::{grey, paint_filters, paint_probabilities, Grid, KNOWN_INK, KNOWN_PAPER};
use super::RbmLab;
use crate::core::digits::CLASSES;
use crate::core::rbm::session::{
    dbn_top, View, BLOB_SD, COMPLETION_CHAINS, COND_CHAINS, DBN_CHAINS, GAUSS_POINTS, PIXELS,
    SAMPLE_CHAINS,
};
use crate::web::plot::{self, Axes, RefLine, Series, SeriesData, PALETTE};
use crate::web::status;

/// CSS pixels per image pixel of the tile grids.
const TILE_SCALE: u32 = 4;
/// Side of the Gaussian view's scatter plot on a desk (CSS px).
pub(super) const SCATTER_PX: f64 = 400.0;

/// "—" for a missing or non-finite number, else the number with `d` decimals.
fn num(v: Option<f64>, d: usize) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.d$}"),
        _ => "—".to_string(),
    }
}

/// The raw number for a `data-*` attribute ("" when missing or non-finite).
fn raw(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => x.to_string(),
        _ => String::new(),
    }
}

/// Sets `data-*` attributes of a read-out.
fn data(el: &HtmlElement, attrs: &[(&str, String)]) -> Result<(), JsValue> {
    for (k, v) in attrs {
        el.set_attribute(k, v)?;
    }
    Ok(())
}

impl RbmLab {
    /// Says once when the current model has finished training.
    fn announce(&mut self, finished: bool) {
        if finished && !self.announced {
            self.announced = true;
            let h = self.session.history();
            let msg = match self.session.view() {
                View::Dbn => "deep belief net pretrained (both layers); generating top-down — press Generate for fresh chains".to_string(),
                View::Labels => format!(
                    "label RBM trained: held-out accuracy {} % — raise Epochs to continue",
                    num(h.last_metric().map(|a| 100.0 * a), 1)
                ),
                _ => format!(
                    "training finished: reconstruction error {} — the chains keep sampling; raise Epochs to continue",
                    num(h.last_error(), 4)
                ),
            };
            status::info(&msg);
        } else if !finished {
            self.announced = false;
        }
    }

    pub(super) fn draw_side(&mut self) -> Result<(), JsValue> {
        let sm = self.session.summary();
        let p = sm.progress.clamp(0.0, 1.0);
        let f = &self.figs;
        f.progress.set_value(p);
        f.progress.set_attribute("data-progress", &p.to_string())?;
        let h = self.session.history();
        let (err, err0, metric) = (h.last_error(), h.first_error(), h.last_metric());
        let mut text = format!(
            "{} · epoch {} of {} · {} mini-batches · reconstruction error {}",
            sm.model,
            sm.epoch,
            sm.epochs,
            sm.batches,
            num(err, 4)
        );
        if !sm.metric_name.is_empty() {
            text.push_str(&format!(
                " · {} {}",
                sm.metric_name,
                num(metric, sm.metric_digits)
            ));
        }
        if sm.finished {
            text.push_str(" · finished");
        }
        if sm.origin != crate::core::rbm::session::Origin::Fresh {
            text.push_str(&format!(" · {}", sm.origin.words()));
        }
        let view = self.session.view();
        let r = &f.train_readout;
        r.set_text_content(Some(&text));
        data(
            r,
            &[
                ("data-model", view.id().to_string()),
                ("data-origin", sm.origin.id().to_string()),
                ("data-epoch", sm.epoch.to_string()),
                ("data-epochs", sm.epochs.to_string()),
                ("data-batches", sm.batches.to_string()),
                ("data-err", raw(err)),
                ("data-err0", raw(err0)),
                ("data-metric", raw(metric)),
                (
                    "data-finished",
                    if sm.finished { "1" } else { "0" }.to_string(),
                ),
            ],
        )?;
        self.announce(sm.finished);
        if self.session.take_history_dirty() || self.charts_dirty {
            self.charts_dirty = false;
            self.draw_charts(sm.epochs);
        }
        Ok(())
    }

    fn draw_charts(&self, epochs: usize) {
        let (view, h, f) = (self.session.view(), self.session.history(), &self.figs);
        let xr = Some((0.0, epochs.max(1) as f64));
        let err_title = match view {
            View::Gauss => "Reconstruction error (v − E[v | h])²",
            View::Dbn => "Reconstruction error: layer 1 | layer 2",
            _ => "Reconstruction error per pixel (v − P(v | h))²",
        };
        let layer2 = [RefLine {
            at: (epochs / 2) as f64,
            label: "",
            color: "#888",
        }];
        f.err_chart.line_chart(
            &Axes {
                title: err_title,
                x_label: "epoch",
                y_label: "error",
                x_range: xr,
                y_range: None,
            },
            &[
                Series {
                    name: "mini-batches (moving average)",
                    color: PALETTE[4],
                    data: SeriesData::Points(h.smooth.points()),
                    dashed: false,
                },
                Series {
                    name: "epoch mean",
                    color: PALETTE[0],
                    data: SeriesData::Points(&h.epochs),
                    dashed: false,
                },
            ],
            &[],
            if view == View::Dbn { &layer2 } else { &[] },
        );
        if view == View::Dbn {
            return;
        }
        let (title, y_range, y_label) = match view {
            View::Labels => ("Held-out accuracy", Some((0.0, 1.0)), "accuracy"),
            View::Gauss => ("Exact log-likelihood (nats per point)", None, "log p"),
            _ => ("Held-out pseudo-log-likelihood (estimate)", None, "PL"),
        };
        let chance = [RefLine {
            at: 0.1,
            label: "chance",
            color: "#888",
        }];
        f.metric_chart.line_chart(
            &Axes {
                title,
                x_label: "epoch",
                y_label,
                x_range: xr,
                y_range,
            },
            &[Series {
                name: "",
                color: PALETTE[2],
                data: SeriesData::Points(&h.metric),
                dashed: false,
            }],
            if view == View::Labels { &chance } else { &[] },
            &[],
        );
    }

    pub(super) fn draw_train(&mut self) -> Result<(), JsValue> {
        let (run, f) = (self.session.main(), &mut self.figs);
        paint_filters(&mut f.filters, &run.rbm, &mut f.filter_scale, 380)?;
        paint_probabilities(
            &mut f.samples,
            run.chains.visible_probs(),
            SAMPLE_CHAINS,
            SAMPLE_CHAINS,
            PIXELS,
            TILE_SCALE,
        )?;
        let src = &self.session.data().examples;
        let n = src.len() / PIXELS;
        let g = Grid::digits(2 * n, n);
        g.fit(&mut f.recon, TILE_SCALE);
        let rec = &run.recon;
        g.paint(&mut f.recon, |t, i| {
            if t < n {
                grey(src[t * PIXELS + i])
            } else {
                grey(rec[(t - n) * PIXELS + i])
            }
        });
        f.recon.blit()
    }

    pub(super) fn draw_complete(&mut self) -> Result<(), JsValue> {
        let (s, f) = (&self.session, &mut self.figs);
        let (c, image) = (s.completion(), s.image());
        let known_colour = |v: f32| if v > 0.5 { KNOWN_INK } else { KNOWN_PAPER };
        for (i, px) in f.comp.buf.chunks_exact_mut(4).enumerate() {
            let col = if c.mask[i] {
                known_colour(image[i])
            } else {
                grey(c.mean[i])
            };
            px[..3].copy_from_slice(&col);
            px[3] = 255;
        }
        f.comp.blit()?;
        let g = Grid::digits(COMPLETION_CHAINS, 8);
        g.fit(&mut f.comp_chains, TILE_SCALE);
        let (pv, mask) = (c.chain.visible_probs(), &c.mask);
        g.paint(&mut f.comp_chains, |t, i| {
            let p = pv[t * PIXELS + i];
            if mask[i] {
                known_colour(p)
            } else {
                grey(p)
            }
        });
        f.comp_chains.blit()?;
        let st = s.main().stats();
        let (known, free, matched) = (c.known_count(), c.free_mean(), s.completion_match());
        let truth = match (s.shown_example(), matched) {
            (Some((i, l)), Some(m)) => format!(
                " · held-out digit #{} (a {l}): the completion gets {:.0} % of the free pixels right",
                i + 1,
                100.0 * m
            ),
            _ => String::new(),
        };
        let r = &f.comp_readout;
        r.set_text_content(Some(&format!(
            "Gibbs step {} · {known} of 64 pixels known ({}) · mean P(ink) of the free pixels {} · \
             model: the Train view's RBM after {} of {} epochs ({}){truth}",
            c.chain.steps(),
            c.known.label(),
            num(free, 3),
            st.epoch,
            st.epochs,
            s.main().origin().words()
        )));
        data(
            r,
            &[
                ("data-steps", c.chain.steps().to_string()),
                ("data-known", known.to_string()),
                ("data-free-mean", raw(free)),
                ("data-region", c.known.id().to_string()),
                ("data-agree", raw(c.clamp_agreement(image))),
                ("data-match", raw(matched)),
            ],
        )
    }

    pub(super) fn draw_labels(&mut self) -> Result<(), JsValue> {
        let (s, f) = (&self.session, &mut self.figs);
        let lr = s.labels();
        let labels: [String; CLASSES] = std::array::from_fn(|c| c.to_string());
        let mut colors = [PALETTE[0]; CLASSES];
        colors[lr.predicted.min(CLASSES - 1)] = PALETTE[1];
        f.posterior.bars(
            &Axes {
                title: "P(c | v) of the drawn digit",
                x_label: "class c",
                y_label: "probability",
                y_range: Some((0.0, 1.0)),
                ..Default::default()
            },
            &labels,
            &lr.probs,
            &colors,
            &[],
        );
        let p = lr.probs.get(lr.predicted).copied();
        let truth = s.shown_example().map(|(_, l)| l);
        f.class_readout.set_text_content(Some(&format!(
            "most probable class: {} (P = {}; exact, from the free energies F(v, c)){}",
            lr.predicted,
            num(p, 3),
            truth.map_or(String::new(), |l| format!(" · the held-out digit is a {l}"))
        )));
        data(
            &f.class_readout,
            &[
                ("data-class", lr.predicted.to_string()),
                ("data-p", raw(p)),
                ("data-truth", truth.map_or(String::new(), |l| l.to_string())),
            ],
        )?;
        let st = lr.stats();
        let acc = lr.hist.last_metric();
        let text = match acc {
            Some(a) => format!(
                "Held-out accuracy {:.1} % ({} test digits, after {} of {} epochs)",
                100.0 * a,
                s.data().test_len(),
                st.epoch,
                st.epochs
            ),
            None => "Held-out accuracy — (press Play or Step to train the label RBM)".to_string(),
        };
        f.acc_readout.set_text_content(Some(&text));
        data(
            &f.acc_readout,
            &[("data-acc", raw(acc)), ("data-epoch", st.epoch.to_string())],
        )?;
        f.cond_readout.set_text_content(Some(&format!(
            "Gibbs step {} · the label RBM reads {} of the {COND_CHAINS} samples as a {}",
            lr.chains.steps(),
            lr.as_label,
            lr.label
        )));
        data(
            &f.cond_readout,
            &[
                ("data-label", lr.label.to_string()),
                ("data-steps", lr.chains.steps().to_string()),
                ("data-as-label", lr.as_label.to_string()),
                ("data-ink", lr.sample_ink().to_string()),
            ],
        )?;
        // The label chains' rows are pixels then the one-hot label: stride nv.
        paint_probabilities(
            &mut f.cond,
            lr.chains.visible_probs(),
            COND_CHAINS,
            COND_CHAINS,
            lr.model.rbm.nv(),
            TILE_SCALE,
        )
    }

    pub(super) fn draw_dbn(&mut self) -> Result<(), JsValue> {
        let (s, f) = (&self.session, &mut self.figs);
        let d = s.dbn();
        paint_probabilities(
            &mut f.dbn_samples,
            d.sampler.visible_probs(),
            DBN_CHAINS,
            10,
            PIXELS,
            TILE_SCALE,
        )?;
        paint_filters(&mut f.dbn_filters, &d.dbn.bottom, &mut f.filter_scale, 220)?;
        let layer = d.layer();
        let steps = d.sampler.top_chain().steps();
        let hidden = s.settings().hidden;
        let (ink, data_ink, distinct) = (d.ink(), s.data().ink(), d.distinct_samples());
        let text = match layer {
            2 => format!(
                "Pretrained ({}). Generating: Gibbs step {steps} in the top RBM ({hidden} ↔ {}), \
                 then one pass down to the pixels · ink {ink:.2} (data {data_ink:.2}) · \
                 {distinct} different samples of {DBN_CHAINS}",
                d.origin().words(),
                dbn_top(hidden)
            ),
            l => format!(
                "Greedy pretraining: layer {} of 2 ({}). Press Generate any time to sample the net as it is.",
                l + 1,
                if l == 0 {
                    "the bottom RBM learns the pixels"
                } else {
                    "the top RBM learns the bottom RBM's hidden probabilities"
                }
            ),
        };
        f.dbn_readout.set_text_content(Some(&text));
        data(
            &f.dbn_readout,
            &[
                ("data-layer", layer.to_string()),
                ("data-steps", steps.to_string()),
                ("data-ink", ink.to_string()),
                ("data-ink-data", data_ink.to_string()),
                ("data-distinct", distinct.to_string()),
            ],
        )
    }

    pub(super) fn draw_gauss(&mut self) -> Result<(), JsValue> {
        let (s, f) = (&self.session, &mut self.figs);
        let g = s.gauss();
        // 400 CSS px on a desk, larger with presenter mode's text (its legend must fit).
        f.scatter.set_size(SCATTER_PX * plot::scale().max(1.0))?;
        f.scatter
            .draw(3.5, &g.data, g.chain.visible(), &g.means, &g.weights);
        let st = g.stats();
        let ll = g.hist.last_metric();
        let heavy = g.weights.iter().filter(|&&w| w >= 0.01).count();
        let shown: Vec<String> = g
            .weights
            .iter()
            .filter(|&&w| w >= 0.01)
            .take(8)
            .map(|w| format!("{:.0}", 100.0 * w))
            .collect();
        let shares = g.shares();
        let share_text: Vec<String> = shares.iter().map(|x| format!("{:.0}", 100.0 * x)).collect();
        f.gauss_readout.set_text_content(Some(&format!(
            "{GAUSS_POINTS} points · {} hidden units → {} mixture components, {heavy} with weight \
             ≥ 1 % ({} %) · epoch {} of {} · exact log-likelihood {} nats per point · model \
             samples nearest each blob: {} % (σ = {BLOB_SD})",
            s.gauss_settings().hidden,
            g.weights.len(),
            shown.join(", "),
            st.epoch,
            st.epochs,
            num(ll, 3),
            share_text.join(", ")
        )));
        let least = shares.iter().copied().fold(f64::INFINITY, f64::min);
        data(
            &f.gauss_readout,
            &[
                ("data-epoch", st.epoch.to_string()),
                ("data-ll", raw(ll)),
                ("data-min-share", raw(Some(least))),
            ],
        )
    }
}
