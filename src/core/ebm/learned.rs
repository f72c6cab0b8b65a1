//! The trained network as an energy on the plane: [`LearnedEnergy`] implements [`Energy2d`], so
//! the plane view draws it and every sampler of the Sampling lab runs on it.
//!
//! The network was trained on points inside the box `[−w, w]²` (its negatives never leave it),
//! so it means nothing outside. Outside the box the energy is the network's value at the nearest
//! point of the box plus a quadratic wall,
//!
//! `E(x) = E_θ(clamp(x)) + (k/2) Σᵢ max(0, |xᵢ| − w)²`,  k = [`WALL`],
//!
//! which keeps `p ∝ exp(−E/T)` normalisable (a SiLU network alone can fall without bound) and
//! every evaluation finite: the network only ever sees points of the box.

use std::cell::RefCell;
use std::rc::Rc;

use super::{Mlp, Workspace};
use crate::landscape::{Bounds, Energy2d};

/// Stiffness k of the wall outside the training box (energy units per unit length²).
pub const WALL: f64 = 100.0;

/// A trained network `E_θ` confined to its training box `[−w, w]²`.
#[derive(Debug)]
pub struct LearnedEnergy {
    mlp: Mlp,
    ws: RefCell<Workspace>,
    half_width: f64,
    iteration: usize,
}

impl Clone for LearnedEnergy {
    fn clone(&self) -> Self {
        Self::new(self.mlp.clone(), self.half_width as f32, self.iteration)
    }
}

impl LearnedEnergy {
    /// The network `mlp` trained in the box `[−w, w]²` (`w` > 0 and finite; anything else is
    /// taken as the default 4) after `iteration` training iterations.
    pub fn new(mlp: Mlp, half_width: f32, iteration: usize) -> Self {
        let w = f64::from(half_width);
        let ws = RefCell::new(mlp.workspace());
        Self {
            mlp,
            ws,
            half_width: if w.is_finite() && w > 0.0 { w } else { 4.0 },
            iteration,
        }
    }

    /// The network.
    pub fn model(&self) -> &Mlp {
        &self.mlp
    }

    /// Training iterations behind this energy.
    pub fn iteration(&self) -> usize {
        self.iteration
    }

    /// Half-width w of the training box.
    pub fn half_width(&self) -> f64 {
        self.half_width
    }

    /// The point of the box nearest to `x`, and the wall energy and its gradient at `x`.
    fn wall(&self, x: [f64; 2]) -> ([f32; 2], f64, [f64; 2]) {
        let w = self.half_width;
        let mut inside = [0.0f32; 2];
        let mut e = 0.0;
        let mut g = [0.0; 2];
        for k in 0..2 {
            let c = x[k].clamp(-w, w);
            inside[k] = c as f32;
            let d = x[k] - c;
            // (k/2)·d², gradient k·d.
            e += 0.5 * WALL * d * d;
            g[k] = WALL * d;
        }
        (inside, e, g)
    }
}

impl Energy2d for LearnedEnergy {
    fn energy(&self, x: [f64; 2]) -> f64 {
        let (c, wall, _) = self.wall(x);
        match self.mlp.energy(c, &mut self.ws.borrow_mut()) {
            Ok(e) if e.is_finite() => f64::from(e) + wall,
            _ => f64::INFINITY,
        }
    }

    fn energy_and_grad(&self, x: [f64; 2], grad: &mut [f64; 2]) -> f64 {
        let (c, wall, gw) = self.wall(x);
        match self.mlp.energy_and_grad_x(c, &mut self.ws.borrow_mut()) {
            Ok((e, g)) if e.is_finite() => {
                let w = self.half_width;
                for k in 0..2 {
                    // The network sees clamp(x): along an axis where x is outside the box its
                    // input does not move, so only the wall pulls.
                    let net = if x[k].abs() < w { f64::from(g[k]) } else { 0.0 };
                    grad[k] = net + gw[k];
                }
                f64::from(e) + wall
            }
            _ => {
                *grad = [0.0; 2];
                f64::INFINITY
            }
        }
    }

    fn bounds(&self) -> Bounds {
        let w = self.half_width;
        Bounds {
            x_min: -w,
            x_max: w,
            y_min: -w,
            y_max: w,
        }
    }

    fn name(&self) -> &'static str {
        "learned energy"
    }
}

/// Where the "Train an energy" lab leaves its current network for the Sampling lab: empty until
/// an energy has been trained.
pub type LearnedSlot = Rc<RefCell<Option<LearnedEnergy>>>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn random_energy(seed: u64) -> LearnedEnergy {
        let mut rng = Rng::new(seed);
        LearnedEnergy::new(Mlp::new(16, &mut rng).expect("net"), 2.0, 0)
    }

    #[test]
    fn gradient_matches_finite_differences_inside_and_outside_the_box() {
        let e = random_energy(3);
        let h = 1e-3;
        for x in [[0.3, -0.7], [1.2, 1.5], [3.0, 0.5], [-2.6, -3.1]] {
            let mut g = [0.0; 2];
            let v = e.energy_and_grad(x, &mut g);
            assert!((v - e.energy(x)).abs() < 1e-9);
            for k in 0..2 {
                let (mut a, mut b) = (x, x);
                a[k] += h;
                b[k] -= h;
                let fd = (e.energy(a) - e.energy(b)) / (2.0 * h);
                // f32 network: finite differences are good to about 1e-2 relative.
                assert!(
                    (fd - g[k]).abs() < 2e-2 * (1.0 + g[k].abs()),
                    "∂E/∂x{k} at {x:?}: analytic {} vs numeric {fd}",
                    g[k]
                );
            }
        }
    }

    #[test]
    fn outside_the_box_the_wall_confines_and_nothing_is_nan() {
        let e = random_energy(5);
        let edge = e.energy([2.0, 0.0]);
        let out = e.energy([3.0, 0.0]);
        assert!((out - edge - 0.5 * WALL).abs() < 1e-3, "{edge} → {out}");
        for x in [[1e300, -1e300], [0.0, 1e20]] {
            let v = e.energy(x);
            assert!(v.is_finite() || v == f64::INFINITY, "{v}");
        }
        assert_eq!(e.bounds().x_max, 2.0);
        assert_eq!(e.clone().model(), e.model());
    }
}
