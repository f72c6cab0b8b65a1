//! Simulated annealing in the temperature view (lecture, "Stochastic Hopfield Network:
//! Annealing"): the schedule built from the view's settings, the resumable [`Annealer`] run a
//! budget of sweeps per tick on the view's state, and what the final state is — a stored memory,
//! the inverse of one, or another local minimum.

use super::temperature::{ScheduleKind, TempRun};
use super::{Say, Tick};
use crate::boltzmann::{AnnealStatus, Annealer, GibbsOrder, Schedule};
use crate::pattern;

/// What the state is, with respect to the memories.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Final {
    /// Memory `k` itself.
    Stored(usize),
    /// The inverse of memory `k` (the same energy: E(−y) = E(y) without biases).
    Inverse(usize),
    /// Something else: a spurious minimum or a mixture; the nearest memory and its overlap.
    Other(Option<(usize, f64)>),
}

impl Final {
    /// `stored`, `inverse` or `other` (the read-out's `data-result`).
    pub fn key(self) -> &'static str {
        match self {
            Final::Stored(_) => "stored",
            Final::Inverse(_) => "inverse",
            Final::Other(_) => "other",
        }
    }
}

/// Formats a temperature for messages.
pub fn fmt_t(t: f64) -> String {
    if t == 0.0 {
        "0".into()
    } else if t < 0.1 {
        format!("{t:.3}")
    } else if t < 10.0 {
        format!("{t:.2}")
    } else {
        format!("{t:.0}")
    }
}

impl TempRun {
    /// The schedule the settings describe (the linear one has as many levels as the geometric,
    /// so the two compare at equal cost).
    pub fn schedule(&self) -> Result<Schedule, String> {
        let a = &self.anneal;
        let geometric = Schedule::geometric(a.t_max, a.t_min, a.alpha, a.k);
        match a.schedule {
            ScheduleKind::Geometric => geometric,
            ScheduleKind::Linear => {
                let levels = geometric
                    .as_ref()
                    .map(|g| g.levels().clamp(2.0, 1.0e6) as u64)
                    .unwrap_or(2);
                Schedule::linear(a.t_max, a.t_min, levels, a.k)
            }
            ScheduleKind::Logarithmic => Schedule::logarithmic(a.t_max, a.t_min, a.k),
        }
        .map_err(|e| e.to_string())
    }

    /// Whether an anneal is running.
    pub fn annealing(&self) -> bool {
        self.annealer.is_some()
    }

    /// Whether the last anneal converged (its result stands until the next one or a restart).
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// The running anneal's status and planned sweeps.
    pub fn anneal_status(&self) -> Option<(AnnealStatus, f64)> {
        self.annealer
            .as_ref()
            .map(|a| (a.status(), a.schedule().planned_sweeps()))
    }

    /// Starts annealing from the current state, or stops a running anneal; says what it did.
    pub fn toggle_anneal(&mut self) -> Say {
        if self.annealer.take().is_some() {
            return Say::Info("annealing stopped; Play samples at the slider's T again".into());
        }
        let started = self.schedule().and_then(|s| {
            Annealer::new(s, GibbsOrder::Sequential)
                .map(|a| (s, a))
                .map_err(|e| e.to_string())
        });
        let (schedule, annealer) = match started {
            Ok(x) => x,
            Err(e) => return Say::Warn(format!("cannot anneal: {e}")),
        };
        self.annealer = Some(annealer);
        self.converged = false;
        self.restart_traces();
        let planned = schedule.planned_sweeps();
        if planned > 1.0e6 {
            Say::Warn(format!(
                "annealing started, but this schedule needs about {planned:.1e} sweeps to reach \
                 T_min — it will not finish (the reason practice uses the geometric schedule); \
                 press Anneal again to stop"
            ))
        } else {
            Say::Info(format!(
                "annealing from T = {} to {}: {planned:.0} sweeps planned, then T = 0 until \
                 nothing flips — press Play",
                fmt_t(self.anneal.t_max),
                fmt_t(self.anneal.t_min)
            ))
        }
    }

    /// What the state is: a stored memory, the inverse of one, or something else.
    pub fn classify(&self) -> Final {
        let y = self.state().y();
        let mut best: Option<(usize, f64)> = None;
        for (k, m) in self.memories().iter().enumerate() {
            let o = pattern::overlap(m, y).unwrap_or(0.0);
            if o == 1.0 {
                return Final::Stored(k);
            }
            if o == -1.0 {
                return Final::Inverse(k);
            }
            if best.is_none_or(|(_, b)| o.abs() > b.abs()) {
                best = Some((k, o));
            }
        }
        Final::Other(best)
    }

    /// [`TempRun::classify`] in words.
    pub fn describe(&self, f: Final) -> String {
        let name = |k: usize| self.names().get(k).cloned().unwrap_or_default();
        match f {
            Final::Stored(k) => format!("stored memory {}", name(k)),
            Final::Inverse(k) => format!("the inverse of memory {}", name(k)),
            Final::Other(Some((k, o))) => format!(
                "another state (a spurious minimum or mixture; nearest memory {}, overlap {o:.2})",
                name(k)
            ),
            Final::Other(None) => "a state (no memories stored)".into(),
        }
    }

    /// Up to `k` annealing sweeps; stops (and says what the final state is) on convergence.
    pub(super) fn anneal_sweeps(&mut self, k: usize) -> Tick {
        for _ in 0..k {
            let Some(a) = self.annealer.as_mut() else {
                return Tick::stop(Say::Info("annealing stopped".into()));
            };
            let point = match a.step(&self.net, &mut self.state, 1, &mut self.rng) {
                Ok(p) => p.first().copied(),
                Err(e) => {
                    self.annealer = None;
                    return Tick::stop(Say::Warn(format!("annealing stopped: {e}")));
                }
            };
            let Some(p) = point else { break };
            let (converged, capped) = (a.is_converged(), a.status().quench_capped);
            self.sweeps = p.t;
            self.last_flips = p.flips;
            if let Some(stop) = self.after_sweep(p.temperature) {
                self.annealer = None;
                return stop;
            }
            if converged {
                self.annealer = None;
                self.converged = true;
                let what = self.describe(self.classify());
                return Tick::stop(Say::Info(format!(
                    "annealing converged after {} sweeps: the final state is {what}, E = {:.2}{}",
                    p.t,
                    self.state().energy(),
                    if capped {
                        " (the T = 0 quench hit its sweep cap)"
                    } else {
                        ""
                    }
                )));
            }
        }
        Tick::go()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn annealing_from_a_random_state_ends_in_a_minimum_and_says_which() {
        let mut r = TempRun::new(Rng::new(1));
        r.set_side(8).expect("side");
        r.randomize();
        assert!(matches!(r.toggle_anneal(), Say::Info(_)));
        assert!(r.annealing());
        assert_eq!(r.sweeps(), 0, "the traces start again");
        let mut ticks = 0;
        let said = loop {
            let t = r.tick(50);
            ticks += 1;
            if !t.go_on {
                break t.say;
            }
            assert!(ticks < 1000, "converges");
        };
        assert!(r.converged() && !r.annealing());
        let Some(Say::Info(msg)) = said else {
            panic!("{said:?}")
        };
        assert!(msg.contains("converged"), "{msg}");
        // Converged means a T = 0 sweep flipped nothing: every neuron agrees with its field.
        let (y, h) = (r.state().y(), r.state().fields());
        assert!(y.iter().zip(h).all(|(&y, &h)| (y > 0) == (h > 0.0)));
        let temps = r.temperature_trace().points();
        assert_eq!(temps[0].1, 5.0, "from T_max");
        assert_eq!(temps.last().map(|p| p.1), Some(0.0), "ends in the quench");
    }

    #[test]
    fn a_second_press_stops_and_bad_schedules_are_refused() {
        let mut r = TempRun::new(Rng::new(1));
        r.toggle_anneal();
        r.tick(2);
        assert!(matches!(r.toggle_anneal(), Say::Info(m) if m.contains("stopped")));
        assert!(!r.annealing() && !r.converged());
        r.anneal.t_min = 10.0;
        assert!(matches!(r.toggle_anneal(), Say::Warn(m) if m.contains("cannot anneal")));
        r.anneal.t_min = 0.01;
        r.anneal.schedule = ScheduleKind::Logarithmic;
        assert!(matches!(r.toggle_anneal(), Say::Warn(m) if m.contains("will not finish")));
    }

    #[test]
    fn the_final_state_is_named() {
        let mut r = TempRun::new(Rng::new(1));
        r.set_noise(0.0).expect("p");
        r.restart(Rng::new(2));
        assert_eq!(r.classify(), Final::Stored(0));
        assert_eq!(r.describe(Final::Stored(0)), "stored memory A");
        r.randomize();
        assert!(matches!(r.classify(), Final::Other(Some(_))));
    }
}
