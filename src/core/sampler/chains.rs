//! Several chains of one sampler kind, stepped together once per animation frame.
//!
//! Positions are mirrored in one flat buffer `[x₁⁽⁰⁾, x₂⁽⁰⁾, x₁⁽¹⁾, x₂⁽¹⁾, …]` that a renderer
//! reads without copying. Chains share the caller's random stream in a fixed order (chain 0
//! first), so a run replays from its seed.

use super::diagnostics::AcceptanceCounter;
use super::{Event2d, Sampler2d, SamplerError};
use crate::landscape::Energy2d;
use crate::rng::Rng;

/// Largest number of chains.
pub const MAX_CHAINS: usize = 10_000;

/// `n` chains of sampler `S`.
#[derive(Clone, Debug)]
pub struct Chains<S> {
    chains: Vec<S>,
    xs: Vec<f64>,
}

impl<S: Sampler2d + Clone> Chains<S> {
    /// Clones `template` once per start point; `starts` is flat `[x₁, x₂, x₁, x₂, …]` with
    /// 1 to 10 000 finite points.
    pub fn new(template: &S, starts: &[f64]) -> Result<Self, SamplerError> {
        let n = starts.len() / 2;
        if starts.len() % 2 != 0 || n == 0 || n > MAX_CHAINS {
            return Err(SamplerError::Length {
                what: "start points (2 numbers per chain, 1 to 10000 chains)",
                expected: 2 * MAX_CHAINS,
                got: starts.len(),
            });
        }
        let mut chains = Vec::with_capacity(n);
        for p in starts.chunks_exact(2) {
            let mut c = template.clone();
            c.set_position([p[0], p[1]])?;
            chains.push(c);
        }
        Ok(Self {
            chains,
            xs: starts.to_vec(),
        })
    }

    /// Number of chains.
    pub fn len(&self) -> usize {
        self.chains.len()
    }

    /// Always false (there is at least one chain).
    pub fn is_empty(&self) -> bool {
        self.chains.is_empty()
    }

    /// Current positions, flat `[x₁, x₂, …]` (2 per chain).
    pub fn positions(&self) -> &[f64] {
        &self.xs
    }

    /// Chain `i`.
    pub fn chain(&self, i: usize) -> Option<&S> {
        self.chains.get(i)
    }

    /// Chain `i`, mutably (e.g. to change its step size). Call [`Chains::sync`] after moving it.
    pub fn chain_mut(&mut self, i: usize) -> Option<&mut S> {
        self.chains.get_mut(i)
    }

    /// Re-reads every chain's position into the flat buffer.
    pub fn sync(&mut self) {
        for (c, p) in self.chains.iter().zip(self.xs.chunks_exact_mut(2)) {
            let x = c.position();
            p[0] = x[0];
            p[1] = x[1];
        }
    }

    /// Steps every chain once; events are tagged with the chain index.
    pub fn step_all(
        &mut self,
        target: &dyn Energy2d,
        rng: &mut Rng,
        on: &mut dyn FnMut(usize, Event2d),
    ) {
        for (i, (c, p)) in self
            .chains
            .iter_mut()
            .zip(self.xs.chunks_exact_mut(2))
            .enumerate()
        {
            let x = c.step(target, rng, &mut |e| on(i, e));
            p[0] = x[0];
            p[1] = x[1];
        }
    }

    /// Steps every chain `k` times without events (a batch call for one frame).
    pub fn step_all_quiet(&mut self, k: usize, target: &dyn Energy2d, rng: &mut Rng) {
        for _ in 0..k {
            self.step_all(target, rng, &mut |_, _| {});
        }
    }

    /// How many chains the NaN guard stopped.
    pub fn halted_count(&self) -> usize {
        self.chains.iter().filter(|c| c.halted().is_some()).count()
    }

    /// Acceptance counts summed over chains (`None` for samplers without accept/reject).
    pub fn acceptance(&self) -> Option<AcceptanceCounter> {
        let mut total = AcceptanceCounter::default();
        for c in &self.chains {
            let a = c.acceptance()?;
            total.proposed += a.proposed;
            total.accepted += a.accepted;
        }
        Some(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;
    use crate::sampler::Metropolis;

    #[test]
    fn chains_step_together_and_mirror_positions() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let tpl = Metropolis::random_walk([0.0, 0.0], 0.5, 1.0).expect("valid");
        let mut cs = Chains::new(&tpl, &[0.0, 0.0, 1.0, 1.0, -1.0, 2.0]).expect("valid");
        assert_eq!(cs.len(), 3);
        let mut rng = Rng::new(1);
        let mut seen = [0usize; 3];
        cs.step_all(&g, &mut rng, &mut |i, _| seen[i] += 1);
        assert_eq!(seen, [2, 2, 2]);
        cs.step_all_quiet(10, &g, &mut rng);
        for i in 0..3 {
            let x = cs.chain(i).expect("exists").position();
            assert_eq!(&cs.positions()[2 * i..2 * i + 2], &x);
        }
        assert_eq!(cs.acceptance().expect("rwmh").proposed, 33);
        assert!(Chains::new(&tpl, &[0.0]).is_err());
        assert!(Chains::new(&tpl, &[]).is_err());
        assert!(Chains::new(&tpl, &[f64::NAN, 0.0]).is_err());
    }
}
