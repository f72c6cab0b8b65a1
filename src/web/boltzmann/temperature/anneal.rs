//! Simulated annealing in the temperature view: building the schedule from the controls,
//! running the resumable annealer a few sweeps per frame, and naming the final state.

use super::{TempView, SCHEDULES};
use crate::core::boltzmann::{Annealer, GibbsOrder, Schedule};
use crate::core::pattern;
use crate::web::boltzmann::fmt_t;
use crate::web::status;

impl TempView {
    pub(super) fn toggle_anneal(&mut self) {
        if self.annealer.is_some() {
            self.stop_anneal();
            status::info("annealing stopped; Play samples at the slider's T again");
        } else {
            self.start_anneal();
        }
    }

    fn schedule(&mut self) -> Result<Schedule, String> {
        let a = &mut self.anneal;
        if a.t_min > a.t_max {
            status::warn(&format!(
                "T_min = {} was above T_max = {}; used T_min = T_max",
                fmt_t(a.t_min),
                fmt_t(a.t_max)
            ));
            a.t_min = a.t_max;
        }
        let geometric = Schedule::geometric(a.t_max, a.t_min, a.alpha, a.k);
        let s = match SCHEDULES[a.schedule.min(2)].0 {
            "geometric" => geometric,
            "linear" => {
                // As many levels as the geometric schedule, so the two compare at equal cost.
                let levels = geometric
                    .as_ref()
                    .map(|g| g.levels().clamp(2.0, 1.0e6) as u64)
                    .unwrap_or(2);
                Schedule::linear(a.t_max, a.t_min, levels, a.k)
            }
            _ => Schedule::logarithmic(a.t_max, a.t_min, a.k),
        };
        s.map_err(|e| e.to_string())
    }

    fn start_anneal(&mut self) {
        let schedule = match self.schedule() {
            Ok(s) => s,
            Err(e) => {
                status::warn(&format!("cannot anneal: {e}"));
                return;
            }
        };
        let annealer = match Annealer::new(schedule, GibbsOrder::Sequential) {
            Ok(a) => a,
            Err(e) => {
                status::warn(&format!("cannot anneal: {e}"));
                return;
            }
        };
        let planned = schedule.planned_sweeps();
        if planned > 1.0e6 {
            status::warn(&format!(
                "annealing started, but this schedule needs about {planned:.1e} sweeps to reach T_min — \
                 it will not finish (the reason practice uses the geometric schedule); press Anneal again to stop"
            ));
        } else {
            status::info(&format!(
                "annealing from T = {} to {}: {planned:.0} sweeps planned, then T = 0 until nothing flips — press Play",
                fmt_t(self.anneal.t_max),
                fmt_t(self.anneal.t_min)
            ));
        }
        self.annealer = Some(annealer);
        self.anneal_result = false;
        self.energy.clear();
        self.temps.clear();
        self.sweeps = 0;
        self.avg.clear();
        self.energy.push(0.0, self.state.energy());
        if let Some(c) = &self.ctl {
            c.anneal_btn.set_text_content(Some("Stop annealing"));
        }
        self.dirty = true;
    }

    pub(super) fn stop_anneal(&mut self) {
        self.annealer = None;
        if let Some(c) = &self.ctl {
            c.anneal_btn.set_text_content(Some("Anneal"));
        }
        self.dirty = true;
    }

    /// What the state is: a stored memory, the inverse of one, or something else.
    pub(super) fn classify(&self) -> (&'static str, String) {
        let y = self.state.y();
        let mut best: Option<(usize, f64)> = None;
        for (k, m) in self.memories.iter().enumerate() {
            let o = pattern::overlap(m, y).unwrap_or(0.0);
            if o == 1.0 {
                return ("stored", format!("stored memory {}", self.names[k]));
            }
            if o == -1.0 {
                return (
                    "inverse",
                    format!("the inverse of memory {}", self.names[k]),
                );
            }
            if best.is_none_or(|(_, b)| o.abs() > b.abs()) {
                best = Some((k, o));
            }
        }
        match best {
            Some((k, o)) => (
                "other",
                format!(
                    "another state (a spurious minimum or mixture; nearest memory {}, overlap {o:.2})",
                    self.names[k]
                ),
            ),
            None => ("other", "a state (no memories stored)".into()),
        }
    }

    pub(super) fn anneal_sweeps(&mut self, k: usize) -> bool {
        for _ in 0..k {
            let Some(a) = self.annealer.as_mut() else {
                return false;
            };
            let point = match a.step(&self.net, &mut self.state, 1, &mut self.rng) {
                Ok(p) => p.first().copied(),
                Err(e) => {
                    status::warn(&format!("annealing stopped: {e}"));
                    self.stop_anneal();
                    return false;
                }
            };
            let Some(p) = point else { break };
            let (converged, capped) = (a.is_converged(), a.status().quench_capped);
            self.sweeps = p.t;
            self.last_flips = p.flips;
            if !self.after_sweep(p.temperature) {
                self.stop_anneal();
                return false;
            }
            if converged {
                let (_, what) = self.classify();
                status::info(&format!(
                    "annealing converged after {} sweeps: the final state is {what}, E = {:.2}{}",
                    p.t,
                    self.state.energy(),
                    if capped {
                        " (the T = 0 quench hit its sweep cap)"
                    } else {
                        ""
                    }
                ));
                self.annealer = None;
                self.anneal_result = true;
                if let Some(c) = &self.ctl {
                    c.anneal_btn.set_text_content(Some("Anneal"));
                }
                return false;
            }
        }
        true
    }
}
