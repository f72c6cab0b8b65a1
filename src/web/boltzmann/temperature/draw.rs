//! Painting of the temperature view: the two grids, the overlap bars, the energy and temperature
//! traces and the read-outs.

use wasm_bindgen::prelude::*;

use super::TempView;
use crate::core::pattern;
use crate::web::boltzmann::{fmt_t, readout};
use crate::web::canvas::paint_spins;
use crate::web::plot::{Axes, RefLine, Series, SeriesData, PALETTE};

impl TempView {
    /// Repaints grids, bars, traces and read-outs (when something changed).
    pub(in crate::web::boltzmann) fn draw(&mut self) -> Result<(), JsValue> {
        if !self.dirty {
            return Ok(());
        }
        self.dirty = false;
        paint_spins(&mut self.grid.buf, self.state.y(), None);
        self.grid.blit()?;
        if self.avg.count() > 0 {
            let _ = self.avg.retrieve(&mut self.avg_out);
        } else {
            self.avg_out.copy_from_slice(self.state.y());
        }
        paint_spins(&mut self.avg_grid.buf, &self.avg_out, None);
        self.avg_grid.blit()?;

        for (k, m) in self.memories.iter().enumerate() {
            self.overlaps[2 * k] = pattern::overlap(m, self.state.y()).unwrap_or(0.0);
            self.overlaps[2 * k + 1] = pattern::overlap(m, &self.avg_out).unwrap_or(0.0);
        }
        self.bars.bars(
            &Axes {
                title: "Overlap m = ξ·y / N with each memory",
                y_label: "m",
                y_range: Some((-1.1, 1.1)),
                ..Default::default()
            },
            &self.labels,
            &self.overlaps,
            &self.colors,
            &[RefLine {
                at: 0.0,
                label: "",
                color: "#888",
            }],
        );

        let x_hi = (self.sweeps as f64).max(10.0);
        let hl = self.e_stored.map(|e| RefLine {
            at: e,
            label: "E of the memories",
            color: PALETTE[2],
        });
        self.e_plot.line_chart(
            &Axes {
                title: "Energy E(y) after each sweep",
                x_label: "sweeps t",
                y_label: "E",
                x_range: Some((0.0, x_hi)),
                ..Default::default()
            },
            &[Series {
                name: "E(y)",
                color: PALETTE[0],
                data: SeriesData::Points(self.energy.points()),
                dashed: false,
            }],
            hl.as_slice(),
            &[],
        );
        let t_hi = self
            .temps
            .points()
            .iter()
            .map(|p| p.1)
            .fold(self.t, f64::max)
            .max(0.1);
        self.t_plot.line_chart(
            &Axes {
                title: "Temperature T(t) (the schedule)",
                x_label: "sweeps t",
                y_label: "T",
                x_range: Some((0.0, x_hi)),
                y_range: Some((0.0, t_hi * 1.3)),
            },
            &[Series {
                name: "T",
                color: PALETTE[5],
                data: SeriesData::Points(self.temps.points()),
                dashed: false,
            }],
            &[],
            &[],
        );

        let e = self.state.energy();
        let t_now = match &self.annealer {
            Some(a) => a.temperature(),
            None => self.t,
        };
        let cap = match self.capped {
            Some(c) => format!(" · at most {c} sweeps/frame at this size"),
            None => String::new(),
        };
        readout(
            &self.readout,
            &format!(
                "sweep {} · E = {e:.2} · T = {} · {} flips in the last sweep · M = {} ({} averaged){cap}",
                self.sweeps,
                fmt_t(t_now),
                self.last_flips,
                self.window,
                self.avg.count()
            ),
            &[
                ("sweeps", self.sweeps.to_string()),
                ("energy", format!("{e}")),
                ("t", format!("{t_now}")),
                ("flips", self.last_flips.to_string()),
            ],
        );
        self.draw_anneal_status(e);
        Ok(())
    }

    fn draw_anneal_status(&mut self, e: f64) {
        match &self.annealer {
            Some(a) => {
                let st = a.status();
                self.anneal_bar.set_value(st.progress);
                let plan = a.schedule().planned_sweeps();
                let phase = if st.temperature == 0.0 {
                    "final quench at T = 0".to_string()
                } else {
                    format!("level {} at T = {}", st.level, fmt_t(st.temperature))
                };
                readout(
                    &self.anneal_out,
                    &format!(
                        "annealing: {phase} · {} of ≈{} sweeps",
                        st.t,
                        if plan < 1.0e6 {
                            format!("{plan:.0}")
                        } else {
                            format!("{plan:.1e}")
                        }
                    ),
                    &[
                        ("state", "running".into()),
                        ("result", String::new()),
                        ("energy", format!("{e}")),
                    ],
                );
            }
            None if self.anneal_result => {
                self.anneal_bar.set_value(1.0);
                let (kind, what) = self.classify();
                readout(
                    &self.anneal_out,
                    &format!("converged: the final state is {what}, E = {e:.2}"),
                    &[
                        ("state", "converged".into()),
                        ("result", kind.into()),
                        ("energy", format!("{e}")),
                    ],
                );
            }
            None => {
                self.anneal_bar.set_value(0.0);
                readout(
                    &self.anneal_out,
                    "not annealing — press Anneal, then Play",
                    &[
                        ("state", "idle".into()),
                        ("result", String::new()),
                        ("energy", format!("{e}")),
                    ],
                );
            }
        }
    }
}
