//! Energy landscapes on the plane (lecture part 3, "General Energy-Based Models").
//!
//! Conventions used throughout:
//! - A point is `x = [x₁, x₂]` (`x[0]` horizontal, `x[1]` vertical).
//! - An energy `E(x)` defines the target density `p(x) = exp(−E(x)/T) / Z(T)`, with temperature
//!   `T > 0` and Boltzmann's constant k = 1 (lecture: `P(x) = exp(−E(x;θ))/Z` is the case T = 1).
//!   Additive constants in `E` do not change `p`; the Gaussians below have `E = 0` at their mean.
//! - Every landscape gives its energy, its analytic gradient `∇E` (checked against finite
//!   differences in the tests) and a default view box [`Bounds`].
//! - [`grid`] evaluates `E` or `p` on a W×H raster for heatmaps, and exact marginals and moments
//!   by numerical integration (references for the sampler tests and the histograms).
//! - [`raster`] resamples such a grid to the pixels of a picture (bilinear).
//! - [`posterior`] has two-parameter Bayesian posteriors on data (logistic regression, a
//!   Gaussian's mean and log-sd) for SGLD.
//! - [`contour`] traces iso-lines on such grids and finds the density levels that enclose
//!   given probability masses (for contour lines over a heatmap).

use crate::fastmath::ln;
use std::fmt;

pub mod banana;
pub mod contour;
pub mod donut;
pub mod double_well;
pub mod drawn;
pub mod funnel;
pub mod gaussian;
pub mod grid;
pub mod mixture;
pub mod posterior;
pub mod raster;
pub mod ring;

pub use banana::Banana;
pub use contour::{iso_segments, mass_levels};
pub use donut::Donut;
pub use double_well::DoubleWell;
pub use drawn::{Bump, DrawnLandscape};
pub use funnel::Funnel;
pub use gaussian::Gaussian;
pub use grid::{density_grid, energy_grid, grid_moments, marginals, GridMoments};
pub use mixture::GaussianMixture;
pub use posterior::{DataPosterior, GaussianPosterior, LogisticPosterior};
pub use raster::{paint_bilinear, upsample_bilinear};
pub use ring::RingOfModes;

/// Energy on the plane; target density `p(x) ∝ exp(−E(x)/T)`.
///
/// Implementations must be cheap and allocation-free: samplers call them in their hot loops.
///
/// ```
/// use energy_core::landscape::{Banana, Energy2d};
/// let banana = Banana::default();
/// let mut grad = [0.0; 2];
/// let e = banana.energy_and_grad([1.0, 0.5], &mut grad);
/// assert_eq!(e, banana.energy([1.0, 0.5]));
/// // The analytic gradient matches a central difference.
/// let h = 1e-6;
/// let fd = (banana.energy([1.0 + h, 0.5]) - banana.energy([1.0 - h, 0.5])) / (2.0 * h);
/// assert!((grad[0] - fd).abs() < 1e-5);
/// ```
pub trait Energy2d {
    /// The energy `E(x)`. May be `+∞` where the density is zero; never NaN for finite `x`.
    fn energy(&self, x: [f64; 2]) -> f64;

    /// The energy `E(x)`, writing its gradient `∇E(x)` into `grad`.
    fn energy_and_grad(&self, x: [f64; 2], grad: &mut [f64; 2]) -> f64;

    /// The default view box (where almost all the mass at T = 1 lies).
    fn bounds(&self) -> Bounds;

    /// If `E`, as a function of coordinate `axis` alone (the other coordinate fixed at
    /// `x[1 − axis]`), is the quadratic `a/2 · (x_axis − m)² + const`, returns `Some((m, a))`
    /// with `a > 0`. The conditional `p(x_axis | x_other)` at temperature T is then the normal
    /// `N(m, T/a)`, which Gibbs sampling draws exactly. Default: `None` (not Gaussian).
    fn axis_quadratic(&self, axis: usize, x: [f64; 2]) -> Option<(f64, f64)> {
        let _ = (axis, x);
        None
    }

    /// A short human-readable name ("banana", "donut", …).
    fn name(&self) -> &'static str {
        "energy"
    }

    /// The data model behind a Bayesian posterior (SGLD's mini-batches read it); `None` for a
    /// landscape without data.
    fn as_data(&self) -> Option<&dyn DataPosterior> {
        None
    }

    /// `out[k] = E((xs[k], ys[k]))` for many points at once (structure of arrays, over the
    /// shortest of the three slices). The default body is compiled for each landscape, so
    /// behind one dynamic call per batch its loop calls [`Energy2d::energy`] directly — inlined,
    /// and vectorised where the energy allows.
    fn energies(&self, xs: &[f64], ys: &[f64], out: &mut [f64]) {
        for ((e, &x), &y) in out.iter_mut().zip(xs).zip(ys) {
            *e = self.energy([x, y]);
        }
    }

    /// [`Energy2d::energies`] with the gradients: `e[k] = E(p_k)`, `(gx[k], gy[k]) = ∇E(p_k)`
    /// for `p_k = (xs[k], ys[k])`, over the shortest of the slices.
    fn energies_and_grads(
        &self,
        xs: &[f64],
        ys: &[f64],
        e: &mut [f64],
        gx: &mut [f64],
        gy: &mut [f64],
    ) {
        let n = xs
            .len()
            .min(ys.len())
            .min(e.len())
            .min(gx.len())
            .min(gy.len());
        for k in 0..n {
            let mut g = [0.0; 2];
            e[k] = self.energy_and_grad([xs[k], ys[k]], &mut g);
            gx[k] = g[0];
            gy[k] = g[1];
        }
    }
}

/// An axis-aligned box `[x_min, x_max] × [y_min, y_max]` (a view box, or an integration domain).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    /// Left edge (smallest x₁).
    pub x_min: f64,
    /// Right edge (largest x₁).
    pub x_max: f64,
    /// Bottom edge (smallest x₂).
    pub y_min: f64,
    /// Top edge (largest x₂).
    pub y_max: f64,
}

impl Bounds {
    /// A box; all edges finite and `x_min < x_max`, `y_min < y_max`.
    pub fn new(x_min: f64, x_max: f64, y_min: f64, y_max: f64) -> Result<Self, LandscapeError> {
        let b = Self {
            x_min,
            x_max,
            y_min,
            y_max,
        };
        // `!(a < b)` also catches NaN.
        let ordered = x_min < x_max && y_min < y_max;
        if ![x_min, x_max, y_min, y_max].iter().all(|v| v.is_finite()) || !ordered {
            return Err(LandscapeError::Bounds(b));
        }
        Ok(b)
    }

    /// The square `[−h, h]²` (internal constructor for fixed, valid sizes).
    pub(crate) fn square(h: f64) -> Self {
        Self {
            x_min: -h,
            x_max: h,
            y_min: -h,
            y_max: h,
        }
    }

    /// Lower edge along `axis` (0 → x₁, 1 → x₂).
    pub fn lo(&self, axis: usize) -> f64 {
        if axis == 0 {
            self.x_min
        } else {
            self.y_min
        }
    }

    /// Upper edge along `axis` (0 → x₁, 1 → x₂).
    pub fn hi(&self, axis: usize) -> f64 {
        if axis == 0 {
            self.x_max
        } else {
            self.y_max
        }
    }

    /// `x_max − x_min`.
    pub fn width(&self) -> f64 {
        self.x_max - self.x_min
    }

    /// `y_max − y_min`.
    pub fn height(&self) -> f64 {
        self.y_max - self.y_min
    }

    /// Whether `x` lies in the closed box.
    pub fn contains(&self, x: [f64; 2]) -> bool {
        (self.x_min..=self.x_max).contains(&x[0]) && (self.y_min..=self.y_max).contains(&x[1])
    }

    /// The box grown by `frac` of its width/height on every side (`frac ≥ 0`).
    pub fn expanded(&self, frac: f64) -> Self {
        let f = if frac.is_finite() { frac.max(0.0) } else { 0.0 };
        let (dx, dy) = (f * self.width(), f * self.height());
        Self {
            x_min: self.x_min - dx,
            x_max: self.x_max + dx,
            y_min: self.y_min - dy,
            y_max: self.y_max + dy,
        }
    }
}

/// What can be wrong with a requested landscape, grid or temperature.
#[derive(Clone, Debug, PartialEq)]
pub enum LandscapeError {
    /// A parameter is NaN or infinite.
    NotFinite {
        /// Which parameter.
        what: &'static str,
        /// Its value.
        value: f64,
    },
    /// A parameter that must be strictly positive is not.
    NotPositive {
        /// Which parameter.
        what: &'static str,
        /// Its value.
        value: f64,
    },
    /// A parameter is outside its allowed range.
    OutOfRange {
        /// Which parameter.
        what: &'static str,
        /// Its value.
        value: f64,
        /// The allowed range, in words.
        allowed: &'static str,
    },
    /// A covariance matrix is not symmetric positive definite.
    NotPositiveDefinite {
        /// Which matrix.
        what: &'static str,
    },
    /// Two lists that must have the same length do not, or a list is empty / too long.
    Length {
        /// Which list.
        what: &'static str,
        /// Expected length (or the maximum).
        expected: usize,
        /// Given length.
        got: usize,
    },
    /// The temperature is not a positive finite number.
    Temperature(f64),
    /// A box has non-finite edges or zero/negative width or height.
    Bounds(Bounds),
    /// A bump index does not exist.
    NoSuchBump {
        /// The index asked for.
        index: usize,
        /// How many bumps there are.
        len: usize,
    },
}

impl fmt::Display for LandscapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFinite { what, value } => {
                write!(f, "{what} must be a finite number, got {value}")
            }
            Self::NotPositive { what, value } => {
                write!(f, "{what} must be > 0 and finite, got {value}")
            }
            Self::OutOfRange {
                what,
                value,
                allowed,
            } => write!(f, "{what} must be {allowed}, got {value}"),
            Self::NotPositiveDefinite { what } => write!(
                f,
                "{what} must be a symmetric positive-definite covariance \
                 (variances > 0 and |correlation| < 1)"
            ),
            Self::Length {
                what,
                expected,
                got,
            } => write!(f, "{what} has {got} entries, expected {expected}"),
            Self::Temperature(t) => write!(f, "temperature must be > 0 and finite, got {t}"),
            Self::Bounds(b) => write!(
                f,
                "the box [{}, {}] × [{}, {}] must have finite edges with min < max",
                b.x_min, b.x_max, b.y_min, b.y_max
            ),
            Self::NoSuchBump { index, len } => {
                write!(f, "there is no bump number {index} (there are {len})")
            }
        }
    }
}

impl std::error::Error for LandscapeError {}

/// Checks `value` is finite.
pub(crate) fn finite(what: &'static str, value: f64) -> Result<f64, LandscapeError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(LandscapeError::NotFinite { what, value })
    }
}

/// Checks `value` is finite and > 0.
pub(crate) fn positive(what: &'static str, value: f64) -> Result<f64, LandscapeError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(LandscapeError::NotPositive { what, value })
    }
}

/// Checks a temperature is finite and > 0.
pub fn check_temperature(t: f64) -> Result<f64, LandscapeError> {
    if t.is_finite() && t > 0.0 {
        Ok(t)
    } else {
        Err(LandscapeError::Temperature(t))
    }
}

/// A 2×2 symmetric positive-definite matrix `[[a, b], [b, c]]` with its inverse and log-det.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Spd2 {
    /// Σ as `[a, b, c]` = `[Σ₁₁, Σ₁₂, Σ₂₂]`.
    pub cov: [f64; 3],
    /// Σ⁻¹ as `[Σ⁻¹₁₁, Σ⁻¹₁₂, Σ⁻¹₂₂]` (the precision).
    pub prec: [f64; 3],
    /// ln det Σ.
    pub log_det: f64,
}

impl Spd2 {
    /// Validates `[[a, b], [b, c]]` (a, c > 0, ac − b² > 0, all finite) and inverts it.
    pub fn new(what: &'static str, cov: [[f64; 2]; 2]) -> Result<Self, LandscapeError> {
        let [[a, b], [b2, c]] = cov;
        for v in [a, b, b2, c] {
            finite(what, v)?;
        }
        // Symmetric up to rounding.
        if (b - b2).abs() > 1e-12 * (1.0 + b.abs()) {
            return Err(LandscapeError::NotPositiveDefinite { what });
        }
        let det = a * c - b * b;
        // Relative test so that a nearly singular matrix (|ρ| → 1) is rejected.
        if !(a > 0.0 && c > 0.0 && det > 1e-12 * a * c) {
            return Err(LandscapeError::NotPositiveDefinite { what });
        }
        Ok(Self {
            cov: [a, b, c],
            // Σ⁻¹ = [[c, −b], [−b, a]] / det.
            prec: [c / det, -b / det, a / det],
            log_det: ln(det),
        })
    }

    /// Inverts a matrix already known to be valid (internal constants only; no checks).
    pub fn from_valid(cov: [[f64; 2]; 2]) -> Self {
        let [[a, b], [_, c]] = cov;
        let det = a * c - b * b;
        Self {
            cov: [a, b, c],
            prec: [c / det, -b / det, a / det],
            log_det: ln(det),
        }
    }

    /// The quadratic form `dᵀ Σ⁻¹ d`, and `Σ⁻¹ d` into `out`.
    #[inline]
    pub fn quad(&self, d: [f64; 2], out: &mut [f64; 2]) -> f64 {
        let [p, q, r] = self.prec;
        out[0] = p * d[0] + q * d[1];
        out[1] = q * d[0] + r * d[1];
        d[0] * out[0] + d[1] * out[1]
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Finite-difference gradient checks shared by the landscape tests.
    use super::Energy2d;
    use crate::rng::Rng;

    /// Checks `energy_and_grad` against central differences at `n` random points in the
    /// (1.2×) view box, and that `energy_and_grad` returns the same value as `energy`.
    pub fn check_gradient(e: &dyn Energy2d, n: usize, seed: u64, rel_tol: f64) {
        let b = e.bounds().expanded(0.1);
        let mut rng = Rng::new(seed);
        for _ in 0..n {
            let x = [rng.range(b.x_min, b.x_max), rng.range(b.y_min, b.y_max)];
            let mut g = [0.0; 2];
            let v = e.energy_and_grad(x, &mut g);
            let v0 = e.energy(x);
            assert!(
                (v - v0).abs() <= 1e-12 * (1.0 + v0.abs()),
                "{}: energy {v0} vs energy_and_grad {v} at {x:?}",
                e.name()
            );
            for k in 0..2 {
                // Central difference, step scaled to the coordinate; error O(h²).
                let h = 1e-5 * (1.0 + x[k].abs());
                let (mut xp, mut xm) = (x, x);
                xp[k] += h;
                xm[k] -= h;
                let fd = (e.energy(xp) - e.energy(xm)) / (2.0 * h);
                let scale = 1.0 + fd.abs().max(g[k].abs());
                assert!(
                    (fd - g[k]).abs() <= rel_tol * scale,
                    "{}: dE/dx{} analytic {} vs finite difference {fd} at {x:?}",
                    e.name(),
                    k + 1,
                    g[k]
                );
            }
        }
    }
}
