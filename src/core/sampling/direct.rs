//! The "Direct sampling" view's run: the lecture's idea (1) draw from an easy distribution,
//! (2) apply a mathematical transform — four constructions drawn together from one seeded
//! stream: a categorical by inverse CDF, a normal from coin flips (central limit), Box–Muller,
//! and `x = Lz + μ` beside the slide's `x = Σz + μ`.

use crate::rng::Rng;
use crate::sampler::direct::{
    box_muller, clt_normal, normal_pdf, BoxMuller, Categorical, CategoricalDraw, CltDraw, MvNormal,
};
use crate::sampler::RunningMoments;
use crate::settings::{opt, Opt};

use super::ring::Ring;

/// The categorical presets (link key, label) and their weights.
pub const CAT_OPTS: [Opt; 3] = [
    opt("0", "10 / 20 / 20 / 30 / 20 %"),
    opt("1", "skewed: 60 / 25 / 10 / 5 %"),
    opt("2", "uniform over 6"),
];
const CAT_WEIGHTS: [&[f64]; 3] = [
    &[0.1, 0.2, 0.2, 0.3, 0.2],
    &[0.6, 0.25, 0.1, 0.05],
    &[1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
];
/// Histogram bins on [−4, 4].
pub const BINS: usize = 64;
/// Points of the exact normal curves.
pub const CURVE: usize = 161;
/// Box–Muller pairs kept for drawing.
const BM_KEEP: usize = 1500;
/// Multivariate draws kept for drawing.
const MV_KEEP: usize = 3000;

/// Draws of the four constructions.
pub struct DirectRun {
    rng: Rng,
    cat_preset: usize,
    /// The categorical distribution.
    pub cat: Categorical,
    /// Draws per category.
    pub cat_counts: Vec<u64>,
    /// The last categorical draw (u and the category it fell in).
    pub cat_last: Option<CategoricalDraw>,
    clt_n: u64,
    clt_lo: f64,
    clt_w: f64,
    /// Central-limit histogram (bins of width `DirectRun::clt_bins`).
    pub clt_counts: Vec<f64>,
    /// N(0, 1) on the central-limit histogram's range.
    pub clt_curve: Vec<f64>,
    /// Moments of the central-limit values.
    pub clt_moments: RunningMoments,
    /// The last central-limit value.
    pub clt_last: Option<CltDraw>,
    /// Recent Box–Muller pairs.
    pub bm: Ring<BoxMuller>,
    /// The last pair.
    pub bm_last: Option<BoxMuller>,
    /// Pairs drawn.
    pub bm_count: u64,
    /// Histogram of n₁ and n₂ pooled on [−4, 4].
    pub bm_hist: Vec<f64>,
    /// N(0, 1) on [−4, 4].
    pub curve: Vec<f64>,
    mv_sig: [f64; 3],
    /// N(0, Σ) with Σ from σ₁, σ₂, ρ.
    pub mv: Option<MvNormal>,
    mv_wrong: bool,
    /// Recent draws of Lz + μ.
    pub mv_pts: Ring<[f64; 2]>,
    /// Recent draws of the slide's Σz + μ (same z).
    pub mv_wrong_pts: Ring<[f64; 2]>,
    /// Moments of Lz + μ.
    pub mv_m: RunningMoments,
    /// Moments of Σz + μ.
    pub mv_wrong_m: RunningMoments,
}

impl DirectRun {
    /// The defaults, drawing from `seed`.
    pub fn new(seed: u64) -> Self {
        let cat = Categorical::new(CAT_WEIGHTS[0]).unwrap_or_else(|e| panic!("{e}"));
        let mut d = Self {
            rng: Rng::new(seed),
            cat_preset: 0,
            cat_counts: vec![0; CAT_WEIGHTS[0].len()],
            cat,
            cat_last: None,
            clt_n: 10,
            clt_lo: -4.0,
            clt_w: 8.0 / BINS as f64,
            clt_counts: Vec::new(),
            clt_curve: Vec::new(),
            clt_moments: RunningMoments::new(),
            clt_last: None,
            bm: Ring::new(BM_KEEP),
            bm_last: None,
            bm_count: 0,
            bm_hist: vec![0.0; BINS],
            curve: (0..CURVE)
                .map(|i| normal_pdf(-4.0 + 8.0 * i as f64 / (CURVE - 1) as f64))
                .collect(),
            mv_sig: [1.5, 0.7, 0.6],
            mv: None,
            mv_wrong: true,
            mv_pts: Ring::new(MV_KEEP),
            mv_wrong_pts: Ring::new(MV_KEEP),
            mv_m: RunningMoments::new(),
            mv_wrong_m: RunningMoments::new(),
        };
        d.restart(seed);
        d
    }

    /// Forgets every draw and starts the stream again from `seed`.
    pub fn restart(&mut self, seed: u64) {
        self.rng = Rng::new(seed);
        self.cat_counts = vec![0; self.cat.cdf().len()];
        self.cat_last = None;
        self.set_clt_n(self.clt_n);
        self.bm.clear();
        self.bm_last = None;
        self.bm_count = 0;
        self.bm_hist.fill(0.0);
        let _ = self.rebuild_mv();
    }

    /// The categorical preset (an index into [`CAT_OPTS`]).
    pub fn cat_preset(&self) -> usize {
        self.cat_preset
    }

    /// Chooses categorical preset `i`; its counts start again.
    pub fn set_cat(&mut self, i: usize) -> Result<(), String> {
        let w = CAT_WEIGHTS.get(i).ok_or("no such preset")?;
        self.cat = Categorical::new(w).map_err(|e| e.to_string())?;
        self.cat_preset = i;
        self.cat_counts = vec![0; w.len()];
        self.cat_last = None;
        Ok(())
    }

    /// Coin flips N per central-limit value.
    pub fn clt_n(&self) -> u64 {
        self.clt_n
    }

    /// Sets N and lays the histogram bins on the lattice of possible values
    /// `(2·ones − N)/√N` (spacing h = 2/√N): each bin holds m ≥ 1 whole lattice points, its
    /// edges half-way between points, so the density histogram never shows empty "comb" bins.
    pub fn set_clt_n(&mut self, n: u64) {
        self.clt_n = n.clamp(1, crate::sampler::direct::MAX_CLT_N);
        let rn = (self.clt_n as f64).sqrt();
        let h = 2.0 / rn;
        let m = ((8.0 / 60.0) / h).ceil().max(1.0);
        let w = m * h;
        // Lattice points are −√N + j·h; the first edge at or below −4 is half a step before one.
        let j0 = ((rn - 4.0) / h + 0.5).floor();
        let lo = -rn + (j0 - 0.5) * h;
        let bins = ((4.0 - lo) / w).ceil().clamp(1.0, 4096.0) as usize;
        self.clt_lo = lo;
        self.clt_w = w;
        self.clt_counts = vec![0.0; bins];
        let hi = self.clt_hi();
        self.clt_curve = (0..CURVE)
            .map(|i| normal_pdf(lo + (hi - lo) * i as f64 / (CURVE - 1) as f64))
            .collect();
        self.clt_moments.reset();
        self.clt_last = None;
    }

    /// Left edge of the central-limit histogram.
    pub fn clt_lo(&self) -> f64 {
        self.clt_lo
    }

    /// Right edge of the central-limit histogram.
    pub fn clt_hi(&self) -> f64 {
        self.clt_lo + self.clt_w * self.clt_counts.len() as f64
    }

    /// σ₁, σ₂ and ρ of Σ.
    pub fn mv_sig(&self) -> [f64; 3] {
        self.mv_sig
    }

    /// Sets σ₁ (`k = 0`), σ₂ (1) or ρ (2); the draws start again. A Σ that is not positive
    /// definite is refused.
    pub fn set_mv(&mut self, k: usize, v: f64) -> Result<(), String> {
        let old = self.mv_sig;
        self.mv_sig[k.min(2)] = v;
        self.rebuild_mv().inspect_err(|_| {
            self.mv_sig = old;
            let _ = self.rebuild_mv();
        })
    }

    /// Whether the slide's `Σz + μ` is drawn too.
    pub fn mv_wrong(&self) -> bool {
        self.mv_wrong
    }

    /// Draws the slide's `Σz + μ` too (or not).
    pub fn set_mv_wrong(&mut self, on: bool) {
        self.mv_wrong = on;
    }

    /// Σ as `[Σ₁₁, Σ₁₂, Σ₂₂]`.
    pub fn mv_cov(&self) -> [f64; 3] {
        let [s1, s2, rho] = self.mv_sig;
        [s1 * s1, rho * s1 * s2, s2 * s2]
    }

    fn rebuild_mv(&mut self) -> Result<(), String> {
        let [a, c, b] = self.mv_cov();
        let m = MvNormal::new(&[0.0, 0.0], &[a, c, c, b]).map_err(|e| e.to_string())?;
        self.mv = Some(m);
        self.mv_pts.clear();
        self.mv_wrong_pts.clear();
        self.mv_m.reset();
        self.mv_wrong_m.reset();
        Ok(())
    }

    /// `k` draws in every construction.
    pub fn draw_many(&mut self, k: u32) {
        for _ in 0..k {
            let d = self.cat.sample(&mut self.rng);
            self.cat_counts[d.index] += 1;
            self.cat_last = Some(d);
            if let Ok(c) = clt_normal(self.clt_n, &mut self.rng) {
                let k = ((c.value - self.clt_lo) / self.clt_w).floor();
                if k >= 0.0 && (k as usize) < self.clt_counts.len() {
                    self.clt_counts[k as usize] += 1.0;
                }
                self.clt_moments.push([c.value, 0.0]);
                self.clt_last = Some(c);
            }
            let b = box_muller(&mut self.rng);
            self.bm.push(b);
            self.bm_count += 1;
            for v in [b.n1, b.n2] {
                let f = (v + 4.0) / 8.0;
                if (0.0..1.0).contains(&f) {
                    self.bm_hist[(f * BINS as f64) as usize] += 1.0;
                }
            }
            self.bm_last = Some(b);
            if let Some(m) = &self.mv {
                // z ~ N(0, I) by Box–Muller; the same z goes through both formulas.
                let zb = box_muller(&mut self.rng);
                let z = [zb.n1, zb.n2];
                let mut x = [0.0; 2];
                if m.transform(&z, &mut x) {
                    self.mv_pts.push(x);
                    self.mv_m.push(x);
                }
                if m.transform_by_covariance(&z, &mut x) {
                    self.mv_wrong_pts.push(x);
                    self.mv_wrong_m.push(x);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clt_bins_hold_whole_lattice_points() {
        let mut d = DirectRun::new(1);
        for n in [1, 4, 10, 1000] {
            d.set_clt_n(n);
            let h = 2.0 / (n as f64).sqrt();
            let w = (d.clt_hi() - d.clt_lo()) / d.clt_counts.len() as f64;
            let m = w / h;
            assert!(
                (m - m.round()).abs() < 1e-9 && m >= 1.0 - 1e-9,
                "N = {n}: {m}"
            );
            // An edge lies half-way between lattice points −√N + j·h.
            let j = (d.clt_lo() + (n as f64).sqrt()) / h;
            assert!((j - j.floor() - 0.5).abs() < 1e-9, "N = {n}");
        }
    }

    #[test]
    fn the_constructions_match_their_targets() {
        let mut d = DirectRun::new(3);
        d.draw_many(20_000);
        let n: u64 = d.cat_counts.iter().sum();
        assert_eq!(n, 20_000);
        for (k, &c) in d.cat_counts.iter().enumerate() {
            let f = c as f64 / n as f64;
            assert!((f - d.cat.prob(k)).abs() < 0.015, "category {k}: {f}");
        }
        let var = d.clt_moments.cov().expect("cov")[0][0];
        assert!((var - 1.0).abs() < 0.05 && d.clt_moments.mean()[0].abs() < 0.03);
        // Lz + μ has covariance Σ; Σz + μ has Σ².
        let [a, c, b] = d.mv_cov();
        let cov = d.mv_m.cov().expect("cov");
        assert!(
            (cov[0][0] - a).abs() < 0.1 && (cov[0][1] - c).abs() < 0.05,
            "{cov:?}"
        );
        let wrong = d.mv_wrong_m.cov().expect("cov");
        let sq = [a * a + c * c, a * c + c * b, c * c + b * b];
        assert!((wrong[0][0] - sq[0]).abs() < 0.25 && (wrong[1][1] - sq[2]).abs() < 0.1);
    }

    #[test]
    fn a_restart_replays_and_a_bad_covariance_is_refused() {
        let mut a = DirectRun::new(5);
        a.draw_many(10);
        let first = a.cat_counts.clone();
        a.restart(5);
        a.draw_many(10);
        assert_eq!(a.cat_counts, first);
        assert!(a.set_cat(2).is_ok() && a.cat_counts.len() == 6);
        assert!(a.set_cat(9).is_err());
        // ρ = 1 makes Σ singular: refused, Σ kept.
        assert!(a.set_mv(2, 1.0).is_err());
        assert_eq!(a.mv_sig()[2], 0.6);
        assert!(a.mv.is_some());
    }
}
