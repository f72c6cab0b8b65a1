//! Learning W for the Hopfield lab: once per change of the memories, rule or size, in slices
//! that a caller fits into its frame budget ([`HopfieldRun::learn_for`]), with progress
//! ([`HopfieldRun::learning`]) and a Cancel ([`HopfieldRun::cancel_learning`]).
//!
//! A one-shot rule builds the new W as a [`Learner`] job beside the old one, which the engine
//! keeps (and shows) until the job is done; small jobs (at most [`SYNC_WORK`] multiply-adds,
//! e.g. Storkey with 4 memories at 32 × 32) finish at once. Recall waits while W is being
//! built. The gradient rules start from Hebbian weights and then train [`GRADIENT_STEPS`]
//! iterations, each itself cut into units of at most O(N²) work, so even at N = 64² no slice
//! overruns a frame by more than one unit.

use super::{Engine, HopfieldRun, Memory, Rule, Training, GRADIENT_STEPS};
use crate::hopfield::{GradientTrainer, HebbianScale, Learner, OneShot};

/// Work (multiply-adds) up to which a one-shot rule is done at once rather than in slices:
/// about 10–15 ms in the browser.
pub const SYNC_WORK: u64 = 16_000_000;

/// The memories, rule and side the engine's W was learnt from.
#[derive(Clone, Debug)]
pub struct Learned {
    /// The memories.
    pub memories: Vec<Memory>,
    /// The rule.
    pub rule: Rule,
    /// The grid side.
    pub side: usize,
}

/// Learning under way, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Learning {
    /// The rule's name.
    pub rule: &'static str,
    /// Memories being learnt.
    pub patterns: usize,
    /// Fraction done, in [0, 1].
    pub fraction: f64,
}

impl HopfieldRun {
    /// Rebuilds W from the memories with the current rule (gradient rules start from Hebbian
    /// weights and then train [`GRADIENT_STEPS`] iterations in slices). Recall restarts now and
    /// again when a W built in slices is ready.
    pub fn relearn(&mut self) -> Result<(), String> {
        let r = self.learn();
        if self.job.is_none() {
            // (A job restarts recall when its W is ready.)
            self.restart_from_start();
        }
        r
    }

    pub(super) fn relearn_quiet(&mut self) {
        let _ = self.relearn();
    }

    fn learn(&mut self) -> Result<(), String> {
        self.changes.weights = true;
        self.trainer = None;
        self.training = None;
        self.job = None;
        // A count of fake memories belongs to the W it started on.
        self.counting = None;
        let pats: Vec<&[i8]> = self.memories.iter().map(|m| m.y.as_slice()).collect();
        let rule_name = self.rule_name();
        let rule = self.rule;
        match &mut self.engine {
            Engine::Dense { net, .. } => {
                if pats.is_empty() {
                    // (relearn's restart recomputes the fields.)
                    net.clear();
                    self.learned_now();
                    return Ok(());
                }
                let one_shot = match rule {
                    Rule::Hebbian | Rule::Gradient(_) => OneShot::Hebbian(HebbianScale::PerPattern),
                    Rule::Storkey => OneShot::Storkey,
                    Rule::PseudoInverse => OneShot::PseudoInverse,
                };
                match Learner::new(one_shot, net.n(), &pats) {
                    Ok(job) => {
                        let small = job.work() <= SYNC_WORK;
                        self.job = Some(job);
                        if small {
                            self.finish_job(&mut || true);
                        }
                        Ok(())
                    }
                    Err(e) => {
                        net.clear();
                        self.learned_now();
                        Err(format!("{rule_name}: {e}; the weights are left at zero"))
                    }
                }
            }
            Engine::Overlap { net, y } => {
                let cur = net
                    .as_ref()
                    .map(|o| o.y().to_vec())
                    .unwrap_or_else(|| y.clone());
                let built = if pats.is_empty() {
                    Ok(None)
                } else {
                    crate::hopfield::OverlapNetwork::new(&pats, &cur)
                        .map(Some)
                        .map_err(|e| e.to_string())
                };
                *y = cur;
                let r = match built {
                    Ok(o) => {
                        *net = o;
                        Ok(())
                    }
                    Err(e) => {
                        *net = None;
                        Err(e)
                    }
                };
                self.learned_now();
                r
            }
        }
    }

    /// Records that W now holds the memories, rule and side shown.
    fn learned_now(&mut self) {
        self.learned = Learned {
            memories: self.memories.clone(),
            rule: self.rule,
            side: self.side,
        };
    }

    /// Works on the one-shot job while `more()`; when it is done, swaps the new W in, starts
    /// gradient training if the rule asks for it, and restarts recall. Returns whether no job
    /// is left.
    fn finish_job(&mut self, more: &mut dyn FnMut() -> bool) -> bool {
        let Some(job) = self.job.as_mut() else {
            return true;
        };
        if !job.advance(more) {
            self.changes.views = true;
            return false;
        }
        let built = self.job.take().and_then(Learner::into_network);
        if let (Engine::Dense { net, .. }, Some(new)) = (&mut self.engine, built) {
            *net = new; // (the restart below recomputes the fields)
        }
        self.learned_now();
        if let Rule::Gradient(v) = self.rule {
            // η, mini-batch and sweeps as the lecture's SGD form; validated constants.
            if let Ok(t) = GradientTrainer::new(v, 0.01, 16, 3) {
                self.trainer = Some(t);
                self.training = Some(Training {
                    iterations: 0,
                    stable: 0,
                    patterns: self.memories.len(),
                    left: GRADIENT_STEPS,
                });
            }
        }
        self.changes.weights = true;
        self.restart_from_start();
        true
    }

    /// A one-shot rule building W, with its progress (`None` when W is ready).
    pub fn learning(&self) -> Option<Learning> {
        self.job.as_ref().map(|j| Learning {
            rule: self.rule_name(),
            patterns: j.patterns(),
            fraction: j.fraction(),
        })
    }

    /// Whether W is still being built or trained (recall waits meanwhile).
    pub fn training_pending(&self) -> bool {
        self.job.is_some()
            || self.training.is_some_and(|t| t.left > 0)
            || self.trainer.as_ref().is_some_and(GradientTrainer::in_step)
    }

    /// Builds and trains W while `more()` says the frame has time (asked after every unit of
    /// at most O(N²) work).
    pub fn learn_for(&mut self, more: &mut dyn FnMut() -> bool) -> Result<(), String> {
        let had_job = self.job.is_some();
        if !self.finish_job(more) || (had_job && !more()) {
            return Ok(());
        }
        self.train_for(more)
    }

    /// Gradient steps (in units) while `more()`, until the planned iterations are done.
    fn train_for(&mut self, more: &mut dyn FnMut() -> bool) -> Result<(), String> {
        let super::Engine::Dense { net, state } = &mut self.engine else {
            return Ok(());
        };
        let (Some(trainer), Some(t)) = (self.trainer.as_mut(), self.training.as_mut()) else {
            return Ok(());
        };
        if t.left == 0 && !trainer.in_step() {
            return Ok(());
        }
        let pats: Vec<&[i8]> = self.memories.iter().map(|m| m.y.as_slice()).collect();
        let mut result = Ok(());
        let mut completed = 0;
        loop {
            match trainer.advance(net, &pats, &mut self.rng, more) {
                Ok(Some(s)) => {
                    completed += 1;
                    t.stable = s.stable;
                    t.iterations += 1;
                    t.left = t.left.saturating_sub(1);
                    if t.left == 0 || !more() {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    result = Err(format!("gradient rule stopped: {e}"));
                    t.left = 0;
                    break;
                }
            }
        }
        self.changes.views = true;
        // Views show W after every slice that completed an iteration (the next one may have
        // begun its update: recall, which needs consistent fields, waits for the end).
        self.changes.weights |= completed > 0;
        if !trainer.in_step() && t.left == 0 {
            // Training is over: the fields follow the final W.
            state.refresh(net);
            self.changes.weights = true;
            self.restart_from_start();
        }
        result
    }

    /// Trains the gradient rule for `iters` more iterations (in slices across frames).
    pub fn train_more(&mut self, iters: usize) -> Result<(), String> {
        match self.training.as_mut() {
            Some(t) if self.trainer.is_some() => {
                t.left += iters;
                Ok(())
            }
            _ => Err("choose one of the gradient rules first (the others are one-shot)".into()),
        }
    }

    /// Stops a count of fake memories under way, or else learning. A one-shot rule part-way through is dropped and the memories and rule
    /// go back to what W holds (the change that started it is undone; if the grid size changed
    /// meanwhile, W stays empty and the memories stay). Gradient training stops after the
    /// iteration under way (W is only consistent between iterations). Returns what happened.
    pub fn cancel_learning(&mut self) -> Option<String> {
        if let Some((c, _)) = self.counting.take() {
            self.changes.views = true;
            let (done, all) = c.progress();
            return Some(format!("counting stopped after {done} of {all} starts"));
        }
        if self.job.take().is_some() {
            if self.learned.side == self.side {
                let side = self.side;
                self.memories = self.learned.memories.clone();
                for m in &mut self.memories {
                    m.y = m.at(side);
                }
                self.rule = self.learned.rule;
                self.library_edited();
                self.changes.weights = true;
                self.restart_from_start();
                return Some(format!(
                    "learning cancelled: back to the {} memories W holds ({})",
                    self.memories.len(),
                    self.rule_name()
                ));
            }
            if let Engine::Dense { net, state } = &mut self.engine {
                net.clear();
                state.refresh(net);
            }
            self.learned_now();
            self.learned.memories.clear();
            self.changes.weights = true;
            self.restart_from_start();
            return Some(
                "learning cancelled: W is empty at this size; choose the rule again to learn \
                 the memories"
                    .into(),
            );
        }
        match self.training.as_mut() {
            Some(t) if t.left > 0 => {
                t.left = 0;
                let under_way = self.trainer.as_ref().is_some_and(GradientTrainer::in_step);
                Some(format!(
                    "gradient training stopped after {} iterations",
                    t.iterations + usize::from(under_way)
                ))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hopfield::{storkey, GradientVariant, Network};

    fn at_64(rule: Rule) -> HopfieldRun {
        let mut r = HopfieldRun::new(7);
        r.set_side(64).expect("64 is offered");
        r.set_rule(rule).expect("dense rule");
        r
    }

    fn weights(r: &HopfieldRun) -> Vec<f32> {
        r.network()
            .map(|n| n.weights().to_vec())
            .unwrap_or_default()
    }

    /// Runs the learning to the end in slices of `units` units; returns the slices taken.
    fn in_slices(r: &mut HopfieldRun, units: usize) -> usize {
        let mut slices = 0;
        while r.training_pending() {
            let mut left = units;
            r.learn_for(&mut || {
                left = left.saturating_sub(1);
                left > 0
            })
            .expect("learns");
            slices += 1;
            assert!(slices < 1_000_000, "learning ends");
        }
        slices
    }

    #[test]
    fn many_glyphs_at_64_are_learnt_once_in_slices_with_progress() {
        let text = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        let mut r = at_64(Rule::Storkey);
        let before = weights(&r);
        let (added, refused) = r.store_glyphs(text);
        assert_eq!((added.len(), refused.len()), (36, 0));
        // One job for the 36 glyphs (learning once, not once per glyph): 2·N²·K multiply-adds.
        let job = r.job.as_ref().expect("too big to do at once");
        assert_eq!(job.patterns(), 36);
        assert_eq!(job.work(), 2 * 4096 * 4096 * 36);
        assert_eq!(
            weights(&r),
            before,
            "the old W stays until the new one is ready"
        );
        // Recall waits meanwhile.
        let y0 = r.y().to_vec();
        r.recall(10_000).expect("waits");
        assert_eq!((r.y(), r.updates()), (y0.as_slice(), 0));
        let mut last = 0.0;
        let mut slices = 0;
        while let Some(l) = r.learning() {
            assert!(l.fraction >= last && l.fraction <= 1.0);
            last = l.fraction;
            let mut left = 2000; // rows
            r.learn_for(&mut || {
                left -= 1;
                left > 0
            })
            .expect("learns");
            slices += 1;
        }
        assert!(slices >= 2 * 36 * 4096 / 2000, "cut into slices: {slices}");
        let mut whole = Network::new(4096).expect("n");
        let pats: Vec<&[i8]> = r.memories().iter().map(|m| m.y.as_slice()).collect();
        storkey(&mut whole, &pats).expect("storkey");
        assert_eq!(weights(&r), whole.weights(), "bitwise the one-shot W");
        r.recall(4096).expect("recall runs again");
        assert!(r.updates() > 0);
    }

    #[test]
    fn small_changes_are_learnt_at_once() {
        let mut r = HopfieldRun::new(3);
        r.set_side(32).expect("32");
        r.set_rule(Rule::Storkey).expect("storkey");
        r.store_glyphs("AHOU");
        assert!(r.learning().is_none() && !r.training_pending());
        let mut whole = Network::new(1024).expect("n");
        let pats: Vec<&[i8]> = r.memories().iter().map(|m| m.y.as_slice()).collect();
        storkey(&mut whole, &pats).expect("storkey");
        assert_eq!(weights(&r), whole.weights());
    }

    #[test]
    fn cancel_returns_to_the_memories_w_holds() {
        let mut r = at_64(Rule::Hebbian);
        r.store_glyphs("AH");
        in_slices(&mut r, 4096);
        let w = weights(&r);
        r.store_glyphs("OUXYZ0123456789");
        assert!(r.learning().is_some());
        r.learn_for(&mut || false).expect("one row");
        let msg = r.cancel_learning().expect("something to cancel");
        assert!(msg.contains("back to the 2 memories"), "{msg}");
        assert_eq!(r.memories().len(), 2);
        assert_eq!(weights(&r), w, "W untouched");
        assert!(!r.training_pending());
        assert!(r.cancel_learning().is_none(), "nothing left to cancel");
    }

    #[test]
    fn gradient_training_at_64_runs_in_units_and_stops_on_cancel() {
        let mut r = at_64(Rule::Gradient(GradientVariant::Neighbourhood));
        r.store_glyphs("AHOU");
        while r.learning().is_some() {
            r.learn_for(&mut || false)
                .expect("the Hebbian start, a row at a time");
        }
        assert!(r.training_pending());
        // A slice of one unit (one sweep, one energy, one row …) leaves the step under way.
        r.learn_for(&mut || false).expect("one unit");
        assert!(r.training().is_some_and(|t| t.iterations == 0));
        let y0 = r.y().to_vec();
        r.recall(100).expect("waits");
        assert_eq!(r.y(), y0.as_slice(), "recall waits for training");
        let msg = r.cancel_learning().expect("training to stop");
        assert!(msg.contains("after 1 iterations"), "{msg}");
        let slices = in_slices(&mut r, 64);
        assert!(
            slices > 4096 / 64,
            "the rest of the step is still cut: {slices}"
        );
        assert_eq!(r.training().map(|t| (t.iterations, t.left)), Some((1, 0)));
    }

    #[test]
    fn fake_memories_of_a_large_network_are_counted_across_slices() {
        let mut r = HopfieldRun::new(2);
        r.set_side(32).expect("32");
        r.store_glyphs("AHOU");
        assert!(!r.training_pending());
        assert_eq!(
            r.count_spurious(),
            Ok(None),
            "N² · 300 is too much for one frame"
        );
        assert_eq!(r.counting(), Some((0, 300)));
        r.count_for(&mut || false).expect("one sweep");
        let msg = r.cancel_learning().expect("a count to stop");
        assert!(msg.starts_with("counting stopped after 0 of 300"), "{msg}");
        assert!(r.counting().is_none());
        assert_eq!(r.count_spurious(), Ok(None));
        let mut slices = 0;
        let msg = loop {
            let m = r.count_for(&mut || false).expect("sweeps");
            slices += 1;
            if !m.is_empty() {
                break m;
            }
        };
        assert!(msg.starts_with("300 random starts with Hebbian"), "{msg}");
        assert!(slices >= 600, "a sweep per slice: {slices}");
        // A change of W drops a count that started on the old one.
        assert_eq!(r.count_spurious(), Ok(None));
        r.store_glyphs("X");
        assert!(r.counting().is_none());
    }
}
