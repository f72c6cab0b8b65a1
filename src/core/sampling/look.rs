//! What the plane draws for a sampler beyond its samples ([`Look`]), and the geometry it needs
//! in world coordinates, computed here so the browser only strokes lines: the proposal ellipse
//! of a Gaussian covariance ([`ellipse`]), an iso-energy line of the landscape ([`LevelSet`],
//! nested sampling's contour `E = E*`), and the exact `ln Z` by grid integration
//! ([`grid_log_z`]) that nested sampling and AIS are judged by.

use crate::landscape::{energy_grid, grid_moments, iso_segments, Bounds, Energy2d};

/// A sampler's own picture on the plane (read each frame, never per step).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Look<'a> {
    /// Nothing beyond the samples.
    #[default]
    Plain,
    /// A Gaussian proposal `N(at, cov)` (adaptive Metropolis), drawn as its 1σ and 2σ ellipses.
    Ellipse {
        /// The current state (the centre).
        at: [f64; 2],
        /// The proposal covariance.
        cov: [[f64; 2]; 2],
        /// Whether the covariance is learned from the history yet (else `σ₀² I`).
        adapted: bool,
    },
    /// SVGD's two forces at each particle (aligned with the engine's points).
    Forces {
        /// Kernel-weighted scores: pull towards mass.
        drive: &'a [[f64; 2]],
        /// Kernel gradients: push the particles apart.
        repulsion: &'a [[f64; 2]],
    },
    /// DE-MCMC-Z's past-states archive (drawn dimmed under the chains).
    Archive(&'a [[f64; 2]]),
    /// Parallel-tempering replicas (the engine's points, coldest first) at these temperatures.
    Ladder(&'a [f64]),
    /// Nested sampling's current contour: the iso-line `E = energy`.
    Contour {
        /// `E* = −T ln L*` (−∞ before the first iteration: nothing to draw).
        energy: f64,
    },
    /// Dual averaging's step size ε against iteration, and where the warm-up ends.
    StepSizes {
        /// `(iteration, ε)`, decimated.
        trace: &'a [(f64, f64)],
        /// The warm-up length.
        warmup: u64,
    },
    /// Annealed importance sampling's particles with their log-weights (aligned with points).
    Annealed {
        /// `ln w` of each particle.
        log_w: &'a [f64],
        /// The current β.
        beta: f64,
    },
}

/// What an engine wrapped by [`super::registry::chain_with`] or [`super::registry::crowd_with`] shows of its sampler: the step
/// size in use, its picture on the plane and its read-out.
pub struct Shows<S> {
    /// The step size it is using, if that varies.
    pub eps: fn(&S) -> Option<f64>,
    /// Its picture on the plane.
    pub look: for<'a> fn(&'a S) -> Look<'a>,
    /// Its read-out line.
    pub readout: fn(&S) -> Option<String>,
    /// Its named quantities ([`super::registry::Engine::figure`]).
    pub figure: fn(&S, &str) -> Option<f64>,
}

impl<S> Shows<S> {
    /// Nothing beyond the samples.
    pub fn none() -> Self {
        Self {
            eps: |_| None,
            look: |_| Look::Plain,
            readout: |_| None,
            figure: |_, _| None,
        }
    }
}

/// The names [`super::registry::Engine::figure`] answers to: the step size `eps`, `warmup` (1 while adapting),
/// the proposal covariance `c11`, `c12`, `c22` and `adapted`, `logz`, `logzerr`, `logzexact`,
/// the annealing `beta`, and the lowest per-pair swap acceptance `swapmin`.
pub const FIGURES: [&str; 11] = [
    "eps",
    "warmup",
    "c11",
    "c12",
    "c22",
    "adapted",
    "logz",
    "logzerr",
    "logzexact",
    "beta",
    "swapmin",
];

/// Points of the `k`σ ellipse `{x : (x − c)ᵀ C⁻¹ (x − c) = k²}` of a symmetric positive
/// semi-definite `cov`, written into `out` (closed: the last point equals the first). With the
/// eigen-decomposition `C = λ₁ v₁v₁ᵀ + λ₂ v₂v₂ᵀ` the ellipse is
/// `c + k(√λ₁ cos θ v₁ + √λ₂ sin θ v₂)`. Negative eigenvalues (round-off) count as 0.
pub fn ellipse(c: [f64; 2], cov: [[f64; 2]; 2], k: f64, out: &mut [[f64; 2]]) {
    let n = out.len();
    if n < 2 {
        return;
    }
    let (a, b, d) = (cov[0][0], 0.5 * (cov[0][1] + cov[1][0]), cov[1][1]);
    // Eigenvalues of [[a, b], [b, d]]: m ± √(((a − d)/2)² + b²).
    let m = 0.5 * (a + d);
    let r = (0.25 * (a - d) * (a - d) + b * b).sqrt();
    let (l1, l2) = ((m + r).max(0.0), (m - r).max(0.0));
    // The direction of the larger eigenvalue: angle φ with tan 2φ = 2b/(a − d).
    let phi = 0.5 * (2.0 * b).atan2(a - d);
    let (cs, sn) = (phi.cos(), phi.sin());
    let (s1, s2) = (k * l1.sqrt(), k * l2.sqrt());
    for (i, o) in out.iter_mut().enumerate() {
        let th = std::f64::consts::TAU * i as f64 / (n - 1) as f64;
        let (u, v) = (s1 * th.cos(), s2 * th.sin());
        *o = [c[0] + u * cs - v * sn, c[1] + u * sn + v * cs];
    }
}

/// `ln ∫_B exp(−E(x)/T) dx` over the box `B` by the midpoint rule on an `n × n` grid
/// ([`grid_moments`]); NaN if it cannot be integrated.
pub fn grid_log_z(target: &dyn Energy2d, t: f64, b: Bounds, n: usize) -> f64 {
    grid_moments(target, t, b, n).map_or(f64::NAN, |m| m.log_z)
}

/// The energy of a landscape on a grid over a view, kept to trace iso-energy lines in world
/// coordinates (nested sampling's contours) without evaluating the energy again.
#[derive(Clone, Debug, Default)]
pub struct LevelSet {
    n: usize,
    view: Option<Bounds>,
    energies: Vec<f64>,
    segs: Vec<[f64; 4]>,
}

impl LevelSet {
    /// Evaluates `target` on an `n × n` grid (2 ≤ n ≤ 1024) over `view`.
    pub fn fill(&mut self, target: &dyn Energy2d, view: Bounds, n: usize) {
        let n = n.clamp(2, 1024);
        self.energies.resize(n * n, 0.0);
        self.n = n;
        self.view = energy_grid(target, view, n, n, &mut self.energies)
            .ok()
            .map(|_| view);
    }

    /// Whether a grid is held.
    pub fn is_filled(&self) -> bool {
        self.view.is_some()
    }

    /// The segments `[x₁, y₁, x₂, y₂]` (world coordinates) of the iso-line `E = level`
    /// (empty if no grid is held or `level` is not finite). Reuses its buffer.
    pub fn segments(&mut self, level: f64) -> &[[f64; 4]] {
        self.segs.clear();
        let Some(view) = self.view else {
            return &self.segs;
        };
        // iso_segments counts `value ≥ level` as inside; the sign does not move the line.
        iso_segments(&self.energies, self.n, self.n, level, &mut self.segs);
        let n = self.n as f64;
        let (dx, dy) = (view.width() / n, view.height() / n);
        for s in self.segs.iter_mut() {
            // Grid point (i, j) is the centre of column i, row j (row 0 at the top).
            *s = [
                view.x_min + (s[0] + 0.5) * dx,
                view.y_max - (s[1] + 0.5) * dy,
                view.x_min + (s[2] + 0.5) * dx,
                view.y_max - (s[3] + 0.5) * dy,
            ];
        }
        &self.segs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;

    #[test]
    fn the_ellipse_is_the_k_sigma_level_of_the_covariance() {
        let cov = [[2.0, 0.8], [0.8, 0.5]];
        let det = cov[0][0] * cov[1][1] - cov[0][1] * cov[1][0];
        let inv = [
            [cov[1][1] / det, -cov[0][1] / det],
            [-cov[1][0] / det, cov[0][0] / det],
        ];
        let c = [1.0, -2.0];
        let mut pts = [[0.0; 2]; 33];
        ellipse(c, cov, 2.0, &mut pts);
        for p in pts {
            let d = [p[0] - c[0], p[1] - c[1]];
            let q = d[0] * (inv[0][0] * d[0] + inv[0][1] * d[1])
                + d[1] * (inv[1][0] * d[0] + inv[1][1] * d[1]);
            assert!((q - 4.0).abs() < 1e-9, "Mahalanobis² {q} ≠ 4");
        }
        assert!((pts[0][0] - pts[32][0]).abs() < 1e-12, "closed");
        // A wrong axis (swapping the eigenvalues) is caught.
        let mut bad = [[0.0; 2]; 9];
        ellipse(c, [[0.5, -0.8], [-0.8, 2.0]], 2.0, &mut bad);
        let d = [bad[0][0] - c[0], bad[0][1] - c[1]];
        let q = d[0] * (inv[0][0] * d[0] + inv[0][1] * d[1])
            + d[1] * (inv[1][0] * d[0] + inv[1][1] * d[1]);
        assert!((q - 4.0).abs() > 0.1);
    }

    #[test]
    fn grid_log_z_matches_a_gaussians_normaliser() {
        // ∫ exp(−|x − μ|²/(2σ²T)) = 2π σ² T.
        let g = Gaussian::isotropic([0.5, 0.0], 0.7).expect("gauss");
        let t = 1.5;
        let b = Bounds::new(-8.0, 8.0, -8.0, 8.0).expect("box");
        let exact = (std::f64::consts::TAU * 0.49 * t).ln();
        let got = grid_log_z(&g, t, b, 300);
        assert!((got - exact).abs() < 1e-3, "{got} vs {exact}");
    }

    #[test]
    fn the_level_set_traces_a_circle_of_the_right_radius() {
        // E = |x|²/2 for N(0, I): the level E = 2 is the circle of radius 2.
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("gauss");
        let mut ls = LevelSet::default();
        assert!(ls.segments(2.0).is_empty(), "no grid yet");
        ls.fill(&g, Bounds::new(-4.0, 4.0, -4.0, 4.0).expect("box"), 120);
        let e0 = g.energy([0.0, 0.0]);
        let segs = ls.segments(e0 + 2.0);
        assert!(segs.len() > 50);
        for s in segs {
            for p in [[s[0], s[1]], [s[2], s[3]]] {
                let r = (p[0] * p[0] + p[1] * p[1]).sqrt();
                assert!((r - 2.0).abs() < 0.05, "r = {r}");
            }
        }
        assert!(ls.segments(f64::NEG_INFINITY).is_empty());
    }
}
