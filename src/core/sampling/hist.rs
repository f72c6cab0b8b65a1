//! Marginal histograms of x₁ and x₂ over a view box, filled one sample at a time: plain counts
//! for a chain, importance weights for weighted draws (kept relative to the largest log-weight
//! so far, so nothing overflows), or rebuilt from a whole population.

use crate::landscape::Bounds;

/// Histograms of x₁ and x₂ over `view`, `bins` bins each.
#[derive(Clone, Debug)]
pub struct Marginals {
    view: Bounds,
    counts: [Vec<f64>; 2],
    /// Reference log-weight: the counts are of `w · e^{−shift}`.
    shift: f64,
}

impl Marginals {
    /// Empty histograms with `bins` (≥ 1) bins per axis over `view`.
    pub fn new(view: Bounds, bins: usize) -> Self {
        let bins = bins.max(1);
        Self {
            view,
            counts: [vec![0.0; bins], vec![0.0; bins]],
            shift: f64::NEG_INFINITY,
        }
    }

    /// The box the bins cover.
    pub fn view(&self) -> Bounds {
        self.view
    }

    /// Bin heights along `axis` (0 → x₁, 1 → x₂; relative weights for weighted draws).
    pub fn counts(&self, axis: usize) -> &[f64] {
        &self.counts[axis.min(1)]
    }

    /// Empties the bins (and moves them to `view`).
    pub fn clear(&mut self, view: Bounds) {
        self.view = view;
        for c in self.counts.iter_mut() {
            c.fill(0.0);
        }
        self.shift = f64::NEG_INFINITY;
    }

    fn bin(&self, axis: usize, v: f64) -> Option<usize> {
        let n = self.counts[axis].len();
        let (lo, hi) = (self.view.lo(axis), self.view.hi(axis));
        let f = (v - lo) / (hi - lo);
        (0.0..1.0)
            .contains(&f)
            .then(|| ((f * n as f64) as usize).min(n - 1))
    }

    /// Counts one sample (values outside the view are not counted).
    pub fn add(&mut self, x: [f64; 2]) {
        for (axis, &v) in x.iter().enumerate() {
            if let Some(b) = self.bin(axis, v) {
                self.counts[axis][b] += 1.0;
            }
        }
    }

    /// Adds one draw with weight `w = exp(log_w)`; a weight of zero (`−∞`) or NaN adds nothing.
    pub fn add_weighted(&mut self, x: [f64; 2], log_w: f64) {
        if log_w.is_nan() || log_w == f64::NEG_INFINITY {
            return;
        }
        if log_w > self.shift {
            // Rescale to the new reference: c·e^{−old} = c·e^{−new}·e^{new − old}.
            let r = crate::fastmath::exp(self.shift - log_w);
            for c in self.counts.iter_mut() {
                c.iter_mut().for_each(|v| *v *= r);
            }
            self.shift = log_w;
        }
        let w = crate::fastmath::exp(log_w - self.shift);
        for (axis, &v) in x.iter().enumerate() {
            if let Some(b) = self.bin(axis, v) {
                self.counts[axis][b] += w;
            }
        }
    }

    /// Replaces the counts with those of `points` (a population now, not a history).
    pub fn set_points(&mut self, points: &[[f64; 2]]) {
        let view = self.view;
        self.clear(view);
        for &p in points {
            self.add(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit() -> Bounds {
        Bounds::new(0.0, 1.0, 0.0, 2.0).expect("box")
    }

    #[test]
    fn counts_fall_in_their_bins_and_outliers_are_dropped() {
        let mut h = Marginals::new(unit(), 4);
        h.add([0.1, 1.9]);
        h.add([0.6, 0.1]);
        h.add([1.5, -1.0]);
        assert_eq!(h.counts(0), &[1.0, 0.0, 1.0, 0.0]);
        assert_eq!(h.counts(1), &[1.0, 0.0, 0.0, 1.0]);
        h.set_points(&[[0.9, 1.0]]);
        assert_eq!(h.counts(0), &[0.0, 0.0, 0.0, 1.0]);
    }

    #[test]
    fn log_weights_are_rescaled_without_overflow() {
        let mut h = Marginals::new(unit(), 2);
        // e^800 overflows an f64; relative to the largest weight the bins hold 1 and e^{−1}.
        h.add_weighted([0.2, 0.2], 799.0);
        h.add_weighted([0.7, 0.2], 800.0);
        h.add_weighted([0.7, 0.2], f64::NEG_INFINITY);
        h.add_weighted([0.7, 0.2], f64::NAN);
        let c = h.counts(0);
        assert!(
            (c[0] - (-1f64).exp()).abs() < 1e-12 && (c[1] - 1.0).abs() < 1e-12,
            "{c:?}"
        );
        assert!(h.counts(1).iter().all(|v| v.is_finite()));
        h.clear(unit());
        assert_eq!(h.counts(0), &[0.0, 0.0]);
    }
}
