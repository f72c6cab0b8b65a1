//! Two-dimensional training sets: seeded presets and user-drawn points.
//!
//! Points are stored flat and interleaved `[x₀, y₀, x₁, y₁, …]` as `f32`. Every preset fits well
//! inside the default training box `[−4, 4]²`. The shapes follow the toy densities common in the
//! generative-modelling literature (e.g. the "8 Gaussians", "two moons", "rings" and "spiral"
//! sets used by Grathwohl et al. 2019, FFJORD).

use super::EbmError;
use crate::fastmath::sin_cos;
use crate::rng::Rng;
use std::f64::consts::{PI, TAU};

/// Largest number of points a dataset may hold.
pub const MAX_POINTS: usize = 100_000;

/// Largest absolute coordinate a user point may have (anything larger cannot be in any box).
pub const MAX_COORDINATE: f32 = 1.0e4;

/// Built-in 2-D datasets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Preset {
    /// Two interleaved half circles (radius 1.5), Gaussian noise σ = 0.1.
    TwoMoons,
    /// Two concentric rings of radius 1 and 2.5 (equal mass), radial noise σ = 0.08.
    Rings,
    /// Eight Gaussians (σ = 0.15) evenly spaced on a circle of radius 2.5.
    EightGaussians,
    /// A spiral of 1.5 turns from radius 0.3 to 3, noise σ = 0.08.
    Spiral,
    /// Two equal Gaussians at (±2, 0) with σ = 0.3.
    TwoGaussians,
}

impl Preset {
    /// All presets, in menu order.
    pub const ALL: [Preset; 5] = [
        Preset::TwoMoons,
        Preset::Rings,
        Preset::EightGaussians,
        Preset::Spiral,
        Preset::TwoGaussians,
    ];

    /// A short human-readable name.
    pub fn name(self) -> &'static str {
        match self {
            Preset::TwoMoons => "two moons",
            Preset::Rings => "concentric rings",
            Preset::EightGaussians => "8 Gaussians",
            Preset::Spiral => "spiral",
            Preset::TwoGaussians => "two Gaussians",
        }
    }

    /// One point drawn from this preset's distribution.
    pub fn draw(self, rng: &mut Rng) -> [f64; 2] {
        let noise = |rng: &mut Rng, s: f64| s * rng.normal();
        match self {
            Preset::TwoMoons => {
                // upper moon (cos t, sin t), lower moon (1 − cos t, ½ − sin t), t ∈ [0, π];
                // centred at (½, ¼) and scaled by 1.5
                let t = PI * rng.uniform();
                let (sin, cos) = sin_cos(t);
                let (x, y) = if rng.bernoulli(0.5) {
                    (cos, sin)
                } else {
                    (1.0 - cos, 0.5 - sin)
                };
                [
                    1.5 * (x - 0.5) + noise(rng, 0.1),
                    1.5 * (y - 0.25) + noise(rng, 0.1),
                ]
            }
            Preset::Rings => {
                let r = if rng.bernoulli(0.5) { 1.0 } else { 2.5 } + noise(rng, 0.08);
                let (sin, cos) = sin_cos(TAU * rng.uniform());
                [r * cos, r * sin]
            }
            Preset::EightGaussians => {
                let (sin, cos) = sin_cos(TAU * rng.below(8) as f64 / 8.0);
                [2.5 * cos + noise(rng, 0.15), 2.5 * sin + noise(rng, 0.15)]
            }
            Preset::Spiral => {
                // r = 0.3 + 2.7 s, angle = 3π s, s ∼ U(0, 1)
                let s = rng.uniform();
                let (r, (sin, cos)) = (0.3 + 2.7 * s, sin_cos(3.0 * PI * s));
                [r * cos + noise(rng, 0.08), r * sin + noise(rng, 0.08)]
            }
            Preset::TwoGaussians => {
                let cx = if rng.bernoulli(0.5) { 2.0 } else { -2.0 };
                [cx + noise(rng, 0.3), noise(rng, 0.3)]
            }
        }
    }
}

/// A validated set of 2-D points (finite, 1 to [`MAX_POINTS`] of them).
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    points: Vec<f32>,
}

impl Dataset {
    /// `n` points (1..=100 000) drawn from a preset with `rng`.
    pub fn preset(preset: Preset, n: usize, rng: &mut Rng) -> Result<Self, EbmError> {
        check_count(n)?;
        let mut points = Vec::with_capacity(2 * n);
        for _ in 0..n {
            let p = preset.draw(rng);
            points.push(p[0] as f32);
            points.push(p[1] as f32);
        }
        Ok(Self { points })
    }

    /// User points, e.g. clicked on the canvas: 1 to 100 000 of them, every coordinate finite
    /// and within ±10⁴.
    pub fn from_points(points: &[[f32; 2]]) -> Result<Self, EbmError> {
        check_count(points.len())?;
        for (index, p) in points.iter().enumerate() {
            if !p.iter().all(|c| c.is_finite() && c.abs() <= MAX_COORDINATE) {
                return Err(EbmError::NotFinite { index });
            }
        }
        Ok(Self {
            points: points.iter().flat_map(|p| [p[0], p[1]]).collect(),
        })
    }

    /// User points given flat and interleaved `[x₀, y₀, x₁, y₁, …]` (even length); as
    /// [`Dataset::from_points`].
    pub fn from_flat(xy: &[f32]) -> Result<Self, EbmError> {
        if xy.len() % 2 != 0 {
            return Err(EbmError::Shape {
                what: "flat point list",
                expected: xy.len() + 1,
                got: xy.len(),
            });
        }
        let pts: Vec<[f32; 2]> = xy.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
        Self::from_points(&pts)
    }

    /// The points, flat and interleaved.
    pub fn points(&self) -> &[f32] {
        &self.points
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.points.len() / 2
    }

    /// Always false (a dataset has at least one point); present for API symmetry.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Point `i` (`None` if out of range).
    pub fn point(&self, i: usize) -> Option<[f32; 2]> {
        let p = self.points.get(2 * i..2 * i + 2)?;
        Some([p[0], p[1]])
    }
}

fn check_count(n: usize) -> Result<(), EbmError> {
    if (1..=MAX_POINTS).contains(&n) {
        Ok(())
    } else {
        Err(EbmError::PointCount {
            got: n,
            max: MAX_POINTS,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_seeded_and_inside_the_box() {
        for preset in Preset::ALL {
            let a = Dataset::preset(preset, 2000, &mut Rng::new(1)).expect("valid");
            let b = Dataset::preset(preset, 2000, &mut Rng::new(1)).expect("valid");
            assert_eq!(a, b, "{}", preset.name());
            assert_eq!(a.len(), 2000);
            assert!(
                a.points().iter().all(|c| c.abs() < 4.0),
                "{}",
                preset.name()
            );
        }
    }

    #[test]
    fn two_gaussians_moments() {
        let d = Dataset::preset(Preset::TwoGaussians, 20_000, &mut Rng::new(2)).expect("valid");
        let n = d.len() as f64;
        let (mut right, mut var_y) = (0.0, 0.0);
        for i in 0..d.len() {
            let p = d.point(i).expect("in range");
            if p[0] > 0.0 {
                right += 1.0;
            }
            var_y += f64::from(p[1]).powi(2) / n;
        }
        // P(right) = ½ ± 0.0035 sd; Var(y) = 0.09 ± 0.0009 sd
        assert!((right / n - 0.5).abs() < 0.02);
        assert!((var_y - 0.09).abs() < 0.005, "{var_y}");
    }

    #[test]
    fn user_points_are_validated() {
        assert!(Dataset::from_points(&[]).is_err());
        assert!(Dataset::from_points(&[[0.0, f32::NAN]]).is_err());
        assert!(Dataset::from_points(&[[f32::INFINITY, 0.0]]).is_err());
        assert!(Dataset::from_points(&[[2e4, 0.0]]).is_err());
        assert!(Dataset::from_flat(&[1.0, 2.0, 3.0]).is_err());
        let d = Dataset::from_flat(&[1.0, 2.0, 3.0, 4.0]).expect("valid");
        assert_eq!(d.point(1), Some([3.0, 4.0]));
        assert_eq!(d.point(2), None);
        let too_many = vec![[0.0f32; 2]; MAX_POINTS + 1];
        assert!(matches!(
            Dataset::from_points(&too_many),
            Err(EbmError::PointCount { .. })
        ));
    }
}
