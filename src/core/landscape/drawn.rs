//! A user-drawn landscape: Gaussian bumps on a quadratic bowl.
//!
//! `E(x) = ½ k |x − c|² + Σⱼ aⱼ exp(−|x − cⱼ|² / (2 sⱼ²))`
//!
//! Each bump has a centre `cⱼ`, an amplitude `aⱼ` (negative: a well the density piles into;
//! positive: a hill it avoids) and a width `sⱼ`. The bowl (`k > 0`) keeps the density
//! normalisable whatever the user draws, since the bumps are bounded.
//! `∇E(x) = k (x − c) − Σⱼ aⱼ exp(−|x − cⱼ|²/(2sⱼ²)) (x − cⱼ)/sⱼ²`.

use super::{finite, positive, Bounds, Energy2d, LandscapeError};
use crate::fastmath::{exp, hypot};

/// Largest number of bumps.
pub const MAX_BUMPS: usize = 64;

/// Largest allowed |amplitude| (keeps `exp(−E/T)` representable at any sensible T).
pub const MAX_AMPLITUDE: f64 = 500.0;

/// One Gaussian bump `a · exp(−|x − centre|²/(2 width²))`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bump {
    /// Where the bump sits.
    pub centre: [f64; 2],
    /// Height (> 0: hill) or depth (< 0: well); |a| ≤ [`MAX_AMPLITUDE`].
    pub amplitude: f64,
    /// Standard deviation of the bump, > 0.
    pub width: f64,
}

impl Bump {
    /// A validated bump (finite centre, |amplitude| ≤ 500, width > 0).
    pub fn new(centre: [f64; 2], amplitude: f64, width: f64) -> Result<Self, LandscapeError> {
        let b = Self {
            centre,
            amplitude,
            width,
        };
        b.validate()?;
        Ok(b)
    }

    fn validate(&self) -> Result<(), LandscapeError> {
        finite("bump centre x₁", self.centre[0])?;
        finite("bump centre x₂", self.centre[1])?;
        let a = finite("bump amplitude", self.amplitude)?;
        if a.abs() > MAX_AMPLITUDE {
            return Err(LandscapeError::OutOfRange {
                what: "bump amplitude",
                value: a,
                allowed: "between −500 and 500",
            });
        }
        positive("bump width", self.width)?;
        Ok(())
    }
}

/// Gaussian bumps on a quadratic bowl, editable (add / move / remove) while sampling.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawnLandscape {
    k: f64,
    centre: [f64; 2],
    bounds: Bounds,
    bumps: Vec<Bump>,
}

impl DrawnLandscape {
    /// An empty drawing: bowl stiffness `k > 0` centred at the middle of `bounds` (the canvas,
    /// which is also the default view).
    pub fn new(k: f64, bounds: Bounds) -> Result<Self, LandscapeError> {
        let bounds = Bounds::new(bounds.x_min, bounds.x_max, bounds.y_min, bounds.y_max)?;
        Ok(Self {
            k: positive("bowl stiffness k", k)?,
            centre: [
                0.5 * (bounds.x_min + bounds.x_max),
                0.5 * (bounds.y_min + bounds.y_max),
            ],
            bounds,
            bumps: Vec::with_capacity(MAX_BUMPS),
        })
    }

    /// The bumps, in insertion order (indices are those used by the editing methods).
    pub fn bumps(&self) -> &[Bump] {
        &self.bumps
    }

    /// Bowl stiffness k.
    pub fn stiffness(&self) -> f64 {
        self.k
    }

    /// Changes the bowl stiffness (`k > 0`).
    pub fn set_stiffness(&mut self, k: f64) -> Result<(), LandscapeError> {
        self.k = positive("bowl stiffness k", k)?;
        Ok(())
    }

    /// Adds a bump; returns its index. At most [`MAX_BUMPS`].
    pub fn add_bump(&mut self, bump: Bump) -> Result<usize, LandscapeError> {
        bump.validate()?;
        if self.bumps.len() >= MAX_BUMPS {
            return Err(LandscapeError::Length {
                what: "bumps (at most 64)",
                expected: MAX_BUMPS,
                got: self.bumps.len() + 1,
            });
        }
        self.bumps.push(bump);
        Ok(self.bumps.len() - 1)
    }

    /// Moves bump `index` to `centre`.
    pub fn move_bump(&mut self, index: usize, centre: [f64; 2]) -> Result<(), LandscapeError> {
        let len = self.bumps.len();
        let b = self
            .bumps
            .get_mut(index)
            .ok_or(LandscapeError::NoSuchBump { index, len })?;
        let moved = Bump { centre, ..*b };
        moved.validate()?;
        *b = moved;
        Ok(())
    }

    /// Replaces bump `index` (e.g. to change its amplitude or width).
    pub fn set_bump(&mut self, index: usize, bump: Bump) -> Result<(), LandscapeError> {
        bump.validate()?;
        let len = self.bumps.len();
        let b = self
            .bumps
            .get_mut(index)
            .ok_or(LandscapeError::NoSuchBump { index, len })?;
        *b = bump;
        Ok(())
    }

    /// Removes bump `index` and returns it; later bumps shift down by one.
    pub fn remove_bump(&mut self, index: usize) -> Result<Bump, LandscapeError> {
        if index >= self.bumps.len() {
            return Err(LandscapeError::NoSuchBump {
                index,
                len: self.bumps.len(),
            });
        }
        Ok(self.bumps.remove(index))
    }

    /// Removes every bump.
    pub fn clear(&mut self) {
        self.bumps.clear();
    }

    /// The bump whose centre is closest to `x`, if within `max_dist` (for picking with a
    /// pointer).
    pub fn nearest_bump(&self, x: [f64; 2], max_dist: f64) -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for (i, b) in self.bumps.iter().enumerate() {
            let d = hypot(b.centre[0] - x[0], b.centre[1] - x[1]);
            if d <= max_dist && best.is_none_or(|(_, bd)| d < bd) {
                best = Some((i, d));
            }
        }
        best.map(|(i, _)| i)
    }
}

impl Energy2d for DrawnLandscape {
    fn energy(&self, x: [f64; 2]) -> f64 {
        let mut g = [0.0; 2];
        self.energy_and_grad(x, &mut g)
    }

    fn energy_and_grad(&self, x: [f64; 2], grad: &mut [f64; 2]) -> f64 {
        let d = [x[0] - self.centre[0], x[1] - self.centre[1]];
        // Bowl: ½ k |x − c|², gradient k (x − c).
        let mut e = 0.5 * self.k * (d[0] * d[0] + d[1] * d[1]);
        grad[0] = self.k * d[0];
        grad[1] = self.k * d[1];
        for b in &self.bumps {
            let u = [x[0] - b.centre[0], x[1] - b.centre[1]];
            let s2 = b.width * b.width;
            // Bump: a exp(−|u|²/(2s²)), gradient −a exp(…) u/s².
            let g = b.amplitude * exp(-(u[0] * u[0] + u[1] * u[1]) / (2.0 * s2));
            e += g;
            grad[0] -= g * u[0] / s2;
            grad[1] -= g * u[1] / s2;
        }
        e
    }

    fn bounds(&self) -> Bounds {
        self.bounds
    }

    fn name(&self) -> &'static str {
        "drawn"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::testutil::check_gradient;

    fn canvas() -> DrawnLandscape {
        DrawnLandscape::new(0.3, Bounds::square(4.0)).expect("valid")
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let mut d = canvas();
        check_gradient(&d, 50, 14, 1e-6);
        d.add_bump(Bump::new([-1.5, 0.5], -4.0, 0.7).expect("bump"))
            .expect("add");
        d.add_bump(Bump::new([1.0, -1.0], -2.5, 0.4).expect("bump"))
            .expect("add");
        d.add_bump(Bump::new([0.0, 0.0], 3.0, 0.5).expect("bump"))
            .expect("add");
        check_gradient(&d, 300, 15, 1e-6);
    }

    #[test]
    fn edit_operations() {
        let mut d = canvas();
        let e0 = d.energy([1.0, 1.0]);
        let i = d
            .add_bump(Bump::new([1.0, 1.0], -3.0, 0.5).expect("bump"))
            .expect("add");
        assert!((d.energy([1.0, 1.0]) - (e0 - 3.0)).abs() < 1e-12);
        d.move_bump(i, [-1.0, -1.0]).expect("move");
        // Bowl at (−1, −1) is ½·0.3·2 = 0.3; the bump adds −3 there.
        assert!((d.energy([-1.0, -1.0]) - (0.3 - 3.0)).abs() < 1e-3);
        assert!((d.energy([1.0, 1.0]) - e0).abs() < 1e-3);
        assert_eq!(d.nearest_bump([-0.8, -1.1], 0.5), Some(0));
        assert_eq!(d.nearest_bump([3.0, 3.0], 0.5), None);
        assert!(d.move_bump(5, [0.0, 0.0]).is_err());
        assert!(d.move_bump(0, [f64::NAN, 0.0]).is_err());
        let b = d.remove_bump(0).expect("remove");
        assert_eq!(b.centre, [-1.0, -1.0]);
        assert!(d.remove_bump(0).is_err());
        assert!((d.energy([1.0, 1.0]) - e0).abs() < 1e-15);
        for _ in 0..MAX_BUMPS {
            d.add_bump(Bump::new([0.0, 0.0], 1.0, 1.0).expect("bump"))
                .expect("add");
        }
        assert!(d
            .add_bump(Bump::new([0.0, 0.0], 1.0, 1.0).expect("bump"))
            .is_err());
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(Bump::new([0.0, 0.0], 1e4, 1.0).is_err());
        assert!(Bump::new([0.0, 0.0], 1.0, 0.0).is_err());
        assert!(Bump::new([0.0, f64::INFINITY], 1.0, 1.0).is_err());
        assert!(DrawnLandscape::new(0.0, Bounds::square(1.0)).is_err());
        let mut d = canvas();
        let bad = Bump {
            centre: [0.0, 0.0],
            amplitude: f64::NAN,
            width: 1.0,
        };
        assert!(d.add_bump(bad).is_err());
    }
}
