//! Block Gibbs sampling in an RBM: all hidden units at once given v, then all visible units at
//! once given h (lecture, "Restricted Boltzmann Machine — Sampling").
//!
//! Conventions: 0/1 units stored as `f32` 0.0/1.0; a batch of B chains is flat row-major
//! (`B × nv` visibles, `B × nh` hiddens). One Gibbs step is `h ~ P(h|v)` then `v ~ P(v|h)`,
//! so after a step the buffers hold `(v_{t+1}, h_t)`. Because the units of one layer are
//! conditionally independent given the other, each half step is exact (no intra-layer sweep).
//!
//! Clamping (the lecture's "conditioned sampling", used for pattern completion): a mask marks
//! visible units that keep their current value; Gibbs then samples the free units from
//! `P(v_free | v_clamped)`. The mask has either nv entries (same for every chain) or B·nv.

use super::model::{check_len, check_unit_interval, Rbm, RbmError};
use crate::rng::Rng;

/// What a view can animate during [`GibbsChain::step_many`]: the state after each half step.
#[derive(Debug)]
pub enum GibbsEvent<'a> {
    /// The hidden layer was sampled (`probs` = P(h=1|v), `states` = the draw), step index `step`.
    Hidden {
        /// The step index.
        step: u64,
        /// The conditional probabilities.
        probs: &'a [f32],
        /// The sampled 0/1 states.
        states: &'a [f32],
    },
    /// The visible layer was sampled (`probs` = P(v=1|h), `states` = the draw).
    Visible {
        /// The step index.
        step: u64,
        /// The conditional probabilities.
        probs: &'a [f32],
        /// The sampled 0/1 states.
        states: &'a [f32],
    },
}

/// Draws `out[k] = 1` with probability `p[k]`, else 0 (one uniform per unit).
#[inline]
pub(crate) fn bernoulli_into(p: &[f32], out: &mut [f32], rng: &mut Rng) {
    for (o, &pk) in out.iter_mut().zip(p) {
        // u ∈ [0,1): P(u < p) = p. `u < p` is the sign bit of `u − p` (right in sign for any
        // u, p that are not NaN; `p = u` gives +0), and never for a NaN p: reading it keeps the
        // loop free of a branch on a coin flip, which is mispredicted half the time (natively a
        // CD-1 epoch took 7.15 ms with the branch, 5.67 ms without).
        let p = f64::from(pk);
        let below = ((rng.uniform() - p).to_bits() >> 63) & u64::from(!p.is_nan());
        *o = below as f32;
    }
}

/// Restores clamped visible units: where the mask is set, `v` keeps `keep` and `pv` shows it.
fn apply_clamp(mask: &[bool], keep: &[f32], v: &mut [f32], pv: &mut [f32], nv: usize) {
    if mask.is_empty() {
        return;
    }
    for (k, (vk, pk)) in v.iter_mut().zip(pv.iter_mut()).enumerate() {
        let m = if mask.len() == nv {
            mask[k % nv]
        } else {
            mask[k]
        };
        if m {
            *vk = keep[k];
            *pk = keep[k];
        }
    }
}

fn rows_of(rbm: &Rbm, v: &[f32]) -> Result<usize, RbmError> {
    let nv = rbm.nv();
    if v.is_empty() || v.len() % nv != 0 {
        return Err(RbmError::Shape {
            what: "visible batch (rows × nv)",
            expected: nv * (v.len() / nv).max(1),
            got: v.len(),
        });
    }
    Ok(v.len() / nv)
}

fn check_mask(mask: &[bool], nv: usize, rows: usize) -> Result<(), RbmError> {
    if mask.is_empty() || mask.len() == nv || mask.len() == rows * nv {
        Ok(())
    } else {
        Err(RbmError::Shape {
            what: "clamp mask (nv or rows × nv)",
            expected: rows * nv,
            got: mask.len(),
        })
    }
}

/// Samples `h ~ P(h|v)` for a batch: `ph ← σ(bₕ + Wᵀv)`, `h ← Bernoulli(ph)`.
/// `v` is `rows × nv`; `ph` and `h` are `rows × nh`.
pub fn sample_hidden(
    rbm: &Rbm,
    v: &[f32],
    ph: &mut [f32],
    h: &mut [f32],
    rng: &mut Rng,
) -> Result<(), RbmError> {
    let rows = rows_of(rbm, v)?;
    check_len("hidden probabilities", rows * rbm.nh(), ph.len())?;
    check_len("hidden states", rows * rbm.nh(), h.len())?;
    rbm.hidden_probs_into(v, ph);
    bernoulli_into(ph, h, rng);
    Ok(())
}

/// Samples `v ~ P(v|h)` for a batch: `pv ← σ(bᵥ + Wh)`, `v ← Bernoulli(pv)`, except visible
/// units set in `clamp` (length 0, nv or rows·nv), which keep their value in `v`.
pub fn sample_visible(
    rbm: &Rbm,
    h: &[f32],
    pv: &mut [f32],
    v: &mut [f32],
    clamp: &[bool],
    rng: &mut Rng,
) -> Result<(), RbmError> {
    let rows = rows_of(rbm, v)?;
    check_len("hidden states", rows * rbm.nh(), h.len())?;
    check_len("visible probabilities", rows * rbm.nv(), pv.len())?;
    check_mask(clamp, rbm.nv(), rows)?;
    sample_visible_unchecked(rbm, h, pv, v, clamp, rng);
    Ok(())
}

fn sample_visible_unchecked(
    rbm: &Rbm,
    h: &[f32],
    pv: &mut [f32],
    v: &mut [f32],
    clamp: &[bool],
    rng: &mut Rng,
) {
    rbm.visible_probs_into(h, pv);
    if clamp.is_empty() {
        bernoulli_into(pv, v, rng);
        return;
    }
    let nv = rbm.nv();
    for (k, (vk, pk)) in v.iter_mut().zip(pv.iter_mut()).enumerate() {
        let m = if clamp.len() == nv {
            clamp[k % nv]
        } else {
            clamp[k]
        };
        if m {
            // clamped: keep vₖ; show it as its own "probability"
            *pk = *vk;
        } else {
            *vk = if rng.uniform() < f64::from(*pk) {
                1.0
            } else {
                0.0
            };
        }
    }
}

/// One block Gibbs step v → h → v in caller buffers (no allocation): `h ~ P(h|v)`,
/// then `v ~ P(v|h)` with `clamp`ed visibles kept. Shapes: `v`, `pv` are `rows × nv`;
/// `h`, `ph` are `rows × nh`.
pub fn gibbs_step(
    rbm: &Rbm,
    v: &mut [f32],
    h: &mut [f32],
    ph: &mut [f32],
    pv: &mut [f32],
    clamp: &[bool],
    rng: &mut Rng,
) -> Result<(), RbmError> {
    sample_hidden(rbm, v, ph, h, rng)?;
    sample_visible(rbm, h, pv, v, clamp, rng)
}

/// One deterministic mean-field step in caller buffers: `ph ← P(h=1|v)`,
/// `pv ← P(v=1|h = ph)`, then `v ← pv` except clamped units (the "mean-field" or
/// deterministic reconstruction; probabilities stand in for samples).
pub fn mean_field_step(
    rbm: &Rbm,
    v: &mut [f32],
    ph: &mut [f32],
    pv: &mut [f32],
    clamp: &[bool],
) -> Result<(), RbmError> {
    let rows = rows_of(rbm, v)?;
    check_len("hidden probabilities", rows * rbm.nh(), ph.len())?;
    check_len("visible probabilities", rows * rbm.nv(), pv.len())?;
    check_mask(clamp, rbm.nv(), rows)?;
    rbm.hidden_probs_into(v, ph);
    rbm.visible_probs_into(ph, pv);
    let nv = rbm.nv();
    for (k, (vk, pk)) in v.iter_mut().zip(pv.iter_mut()).enumerate() {
        let m = match clamp.len() {
            0 => false,
            l if l == nv => clamp[k % nv],
            _ => clamp[k],
        };
        if m {
            *pk = *vk;
        } else {
            *vk = *pk;
        }
    }
    Ok(())
}

/// A batch of B persistent Gibbs chains with all buffers allocated once. The UI keeps one and
/// calls [`GibbsChain::step_many`] each frame.
#[derive(Clone, Debug)]
pub struct GibbsChain {
    nv: usize,
    nh: usize,
    batch: usize,
    v: Vec<f32>,
    h: Vec<f32>,
    pv: Vec<f32>,
    ph: Vec<f32>,
    /// Empty, nv or batch·nv entries.
    clamp: Vec<bool>,
    /// Values the clamped units hold.
    clamp_values: Vec<f32>,
    steps: u64,
}

/// Largest number of chains one [`GibbsChain`] holds.
pub const MAX_CHAINS: usize = 1 << 16;

impl GibbsChain {
    /// `batch` chains (1..=[`MAX_CHAINS`]) for `rbm`, all visibles 0.
    pub fn new(rbm: &Rbm, batch: usize) -> Result<Self, RbmError> {
        if batch == 0 || batch > MAX_CHAINS {
            return Err(RbmError::Size {
                what: "number of chains",
                n: batch,
                max: MAX_CHAINS,
            });
        }
        let (nv, nh) = (rbm.nv(), rbm.nh());
        Ok(Self {
            nv,
            nh,
            batch,
            v: vec![0.0; batch * nv],
            h: vec![0.0; batch * nh],
            pv: vec![0.0; batch * nv],
            ph: vec![0.0; batch * nh],
            clamp: Vec::new(),
            clamp_values: vec![0.0; batch * nv],
            steps: 0,
        })
    }

    /// `batch` chains started from uniformly random visible states (each unit on w.p. ½).
    pub fn random(rbm: &Rbm, batch: usize, rng: &mut Rng) -> Result<Self, RbmError> {
        let mut c = Self::new(rbm, batch)?;
        c.randomize(rng);
        Ok(c)
    }

    /// Chains started from the given visible rows (`batch × nv`, finite values in [0, 1]).
    pub fn from_visible(rbm: &Rbm, v: &[f32]) -> Result<Self, RbmError> {
        let rows = rows_of(rbm, v)?;
        let mut c = Self::new(rbm, rows)?;
        c.set_visible(v)?;
        Ok(c)
    }

    /// Re-draws every free visible unit uniformly (clamped units are kept) and resets the
    /// step counter.
    pub fn randomize(&mut self, rng: &mut Rng) {
        for x in &mut self.v {
            *x = if rng.next_u64() >> 63 == 1 { 1.0 } else { 0.0 };
        }
        let (nv, clamp, keep) = (self.nv, &self.clamp, &self.clamp_values);
        apply_clamp(clamp, keep, &mut self.v, &mut self.pv, nv);
        self.steps = 0;
    }

    /// Overwrites the visible states (`batch × nv`) and resets the step counter. Values must
    /// be finite and in [0, 1]; clamped units take these values as their new clamp.
    pub fn set_visible(&mut self, v: &[f32]) -> Result<(), RbmError> {
        check_len("visible states", self.batch * self.nv, v.len())?;
        check_unit_interval("visible states", v)?;
        self.v.copy_from_slice(v);
        self.clamp_values.copy_from_slice(v);
        self.pv.copy_from_slice(v);
        self.steps = 0;
        Ok(())
    }

    /// Clamps the visible units set in `mask` (nv entries for all chains, or batch·nv) at
    /// their current values; the others stay free. An empty mask clears the clamp.
    pub fn set_clamp(&mut self, mask: &[bool]) -> Result<(), RbmError> {
        check_mask(mask, self.nv, self.batch)?;
        self.clamp.clear();
        self.clamp.extend_from_slice(mask);
        self.clamp_values.copy_from_slice(&self.v);
        Ok(())
    }

    /// Removes any clamp.
    pub fn clear_clamp(&mut self) {
        self.clamp.clear();
    }

    /// The current clamp mask (empty when nothing is clamped).
    pub fn clamp(&self) -> &[bool] {
        &self.clamp
    }

    /// Number of chains B.
    pub fn batch(&self) -> usize {
        self.batch
    }

    /// Visible states `batch × nv`.
    pub fn visible(&self) -> &[f32] {
        &self.v
    }

    /// Hidden states `batch × nh` (drawn from the visibles before the last visible update).
    pub fn hidden(&self) -> &[f32] {
        &self.h
    }

    /// P(v=1|h) of the last visible update (`batch × nv`; clamped units show their value).
    pub fn visible_probs(&self) -> &[f32] {
        &self.pv
    }

    /// P(h=1|v) of the last hidden update (`batch × nh`).
    pub fn hidden_probs(&self) -> &[f32] {
        &self.ph
    }

    /// Gibbs steps done since the last reset.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    fn check_model(&self, rbm: &Rbm) -> Result<(), RbmError> {
        check_len(
            "model visible layer (chain was made for another RBM)",
            self.nv,
            rbm.nv(),
        )?;
        check_len(
            "model hidden layer (chain was made for another RBM)",
            self.nh,
            rbm.nh(),
        )
    }

    /// One block Gibbs step v → h → v on every chain.
    pub fn gibbs_step(&mut self, rbm: &Rbm, rng: &mut Rng) -> Result<(), RbmError> {
        self.step_many(rbm, 1, rng, &mut |_| {})
    }

    /// `k` block Gibbs steps; `on` receives the state after every half step (pass `&mut |_| {}`
    /// to ignore). At most `k` = 10⁶ per call so a frame cannot hang.
    pub fn step_many(
        &mut self,
        rbm: &Rbm,
        k: usize,
        rng: &mut Rng,
        on: &mut dyn FnMut(GibbsEvent),
    ) -> Result<(), RbmError> {
        self.check_model(rbm)?;
        if k > 1_000_000 {
            return Err(RbmError::Parameter {
                name: "steps per call",
                value: k as f64,
                constraint: "at most 1000000",
            });
        }
        for _ in 0..k {
            // h ~ P(h|v)
            rbm.hidden_probs_into(&self.v, &mut self.ph);
            bernoulli_into(&self.ph, &mut self.h, rng);
            on(GibbsEvent::Hidden {
                step: self.steps,
                probs: &self.ph,
                states: &self.h,
            });
            // v ~ P(v|h), clamped units kept
            sample_visible_unchecked(rbm, &self.h, &mut self.pv, &mut self.v, &self.clamp, rng);
            on(GibbsEvent::Visible {
                step: self.steps,
                probs: &self.pv,
                states: &self.v,
            });
            self.steps += 1;
        }
        Ok(())
    }

    /// `k` deterministic mean-field steps (`v ← P(v | h = P(h|v))`, clamped units kept): the
    /// visibles become grey levels in [0, 1] rather than 0/1 samples.
    pub fn mean_field_steps(&mut self, rbm: &Rbm, k: usize) -> Result<(), RbmError> {
        self.check_model(rbm)?;
        for _ in 0..k.min(1_000_000) {
            mean_field_step(rbm, &mut self.v, &mut self.ph, &mut self.pv, &self.clamp)?;
            self.h.copy_from_slice(&self.ph);
            self.steps += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bernoulli_into_draws_exactly_u_below_p() {
        // the sign-bit form against the comparison it replaces, uniform by uniform; a NaN
        // probability (of either sign bit) draws 0 as `u < NaN` does
        let mut p: Vec<f32> = vec![0.0, 1.0, 0.5, f32::NAN, -f32::NAN, f32::INFINITY];
        p.push(f32::NEG_INFINITY);
        let mut r = Rng::new(5);
        p.extend((0..2000).map(|_| r.uniform() as f32));
        let mut out = vec![0.5f32; p.len()];
        let (mut a, mut b) = (Rng::new(9), Rng::new(9));
        bernoulli_into(&p, &mut out, &mut a);
        for (k, (&pk, &o)) in p.iter().zip(&out).enumerate() {
            let want = if b.uniform() < f64::from(pk) {
                1.0
            } else {
                0.0
            };
            assert_eq!(o, want, "unit {k}, p = {pk}");
        }
    }

    fn model() -> Rbm {
        let mut rng = Rng::new(5);
        let mut m = Rbm::with_random_weights(4, 3, 1.5, &mut rng).expect("ok");
        for b in m.visible_bias_mut() {
            *b = rng.normal() as f32;
        }
        m
    }

    #[test]
    fn clamped_units_never_change() {
        let m = model();
        let mut rng = Rng::new(1);
        let mut c = GibbsChain::random(&m, 3, &mut rng).expect("ok");
        c.set_visible(&[1., 0., 1., 0., 0., 0., 0., 0., 1., 1., 1., 1.])
            .expect("ok");
        c.set_clamp(&[true, true, false, false]).expect("ok");
        for _ in 0..200 {
            c.gibbs_step(&m, &mut rng).expect("ok");
            let v = c.visible();
            assert_eq!(
                (v[0], v[1], v[4], v[5], v[8], v[9]),
                (1., 0., 0., 0., 1., 1.)
            );
        }
        c.mean_field_steps(&m, 5).expect("ok");
        assert_eq!(c.visible()[0], 1.0);
        assert!(c.set_clamp(&[true; 5]).is_err());
    }

    #[test]
    fn events_arrive_in_order_and_replay_from_seed() {
        let m = model();
        let run = |seed| {
            let mut rng = Rng::new(seed);
            let mut c = GibbsChain::random(&m, 2, &mut rng).expect("ok");
            let mut log = Vec::new();
            c.step_many(&m, 3, &mut rng, &mut |e| match e {
                GibbsEvent::Hidden { step, states, .. } => log.push((step, 'h', states.to_vec())),
                GibbsEvent::Visible { step, states, .. } => log.push((step, 'v', states.to_vec())),
            })
            .expect("ok");
            (log, c.visible().to_vec())
        };
        let (a, va) = run(9);
        assert_eq!(a.len(), 6);
        assert_eq!((a[0].0, a[0].1, a[5].0, a[5].1), (0, 'h', 2, 'v'));
        assert_eq!(a[5].2, va);
        assert_eq!(run(9), (a, va));
    }

    #[test]
    fn mean_field_step_is_p_v_given_p_h() {
        let m = model();
        let mut v = vec![1.0, 0.0, 1.0, 1.0];
        let (mut ph, mut pv) = (vec![0.0; 3], vec![0.0; 4]);
        let v0 = v.clone();
        mean_field_step(&m, &mut v, &mut ph, &mut pv, &[]).expect("ok");
        let mut ph2 = vec![0.0; 3];
        m.hidden_probs(&v0, &mut ph2).expect("ok");
        let mut pv2 = vec![0.0; 4];
        m.visible_probs(&ph2, &mut pv2).expect("ok");
        assert_eq!(v, pv2);
        assert_eq!(ph, ph2);
    }

    #[test]
    fn rejects_wrong_shapes_and_foreign_models() {
        let m = model();
        let other = Rbm::new(5, 3).expect("ok");
        let mut rng = Rng::new(2);
        let mut c = GibbsChain::new(&m, 2).expect("ok");
        assert!(c.gibbs_step(&other, &mut rng).is_err());
        assert!(GibbsChain::new(&m, 0).is_err());
        assert!(c.set_visible(&[0.5; 7]).is_err());
        assert!(c.set_visible(&[f32::NAN; 8]).is_err());
        let (mut v, mut h) = (vec![0.0; 8], vec![0.0; 6]);
        let (mut ph, mut pv) = (vec![0.0; 6], vec![0.0; 7]);
        assert!(gibbs_step(&m, &mut v, &mut h, &mut ph, &mut pv, &[], &mut rng).is_err());
    }
}
