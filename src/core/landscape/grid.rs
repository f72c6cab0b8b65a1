//! Rasters and exact reference quantities computed on a grid.
//!
//! Grid convention: a box [`Bounds`] is cut into cells of size `Δx₁ = width/W`,
//! `Δx₂ = height/H`; every function evaluates at cell centres (the midpoint rule, whose error
//! for the smooth, rapidly decaying densities here is far below the tolerances of any test).
//!
//! - [`energy_grid`] / [`density_grid`] fill an image-ordered buffer: index `j·W + i` holds the
//!   cell in column `i` (x₁ increasing left to right) and row `j` (row 0 at the **top**, i.e.
//!   x₂ decreasing), ready to blit as a heatmap.
//! - [`marginals`] and [`grid_moments`] integrate numerically: exact marginal densities for
//!   histograms, and exact mean/covariance/ln Z to test samplers against.

use super::{check_temperature, Bounds, Energy2d, LandscapeError};
use crate::fastmath::{exp, ln};

/// Largest number of cells any grid function accepts (4096 × 4096).
pub const MAX_GRID_CELLS: usize = 1 << 24;

fn check_dims(w: usize, h: usize) -> Result<(), LandscapeError> {
    let cells = w.saturating_mul(h);
    if w == 0 || h == 0 || cells > MAX_GRID_CELLS {
        return Err(LandscapeError::Length {
            what: "grid (W·H cells, W and H ≥ 1)",
            expected: MAX_GRID_CELLS,
            got: cells,
        });
    }
    Ok(())
}

fn check_buf(what: &'static str, buf: &[f64], n: usize) -> Result<(), LandscapeError> {
    if buf.len() != n {
        return Err(LandscapeError::Length {
            what,
            expected: n,
            got: buf.len(),
        });
    }
    Ok(())
}

fn check_box(b: Bounds) -> Result<Bounds, LandscapeError> {
    Bounds::new(b.x_min, b.x_max, b.y_min, b.y_max)
}

/// Fills `out` (length `w·h`, image order, row 0 at the top) with `E` at the cell centres of
/// `bounds`. Returns the smallest and largest **finite** energy seen (for a colour scale);
/// `(+∞, −∞)` if none was finite. No allocation.
pub fn energy_grid(
    target: &dyn Energy2d,
    bounds: Bounds,
    w: usize,
    h: usize,
    out: &mut [f64],
) -> Result<(f64, f64), LandscapeError> {
    check_dims(w, h)?;
    let b = check_box(bounds)?;
    check_buf("energy grid buffer", out, w * h)?;
    let (dx, dy) = (b.width() / w as f64, b.height() / h as f64);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (j, row) in out.chunks_exact_mut(w).enumerate() {
        // Row 0 is the top of the picture: x₂ = y_max − (j + ½)Δx₂.
        let y = b.y_max - (j as f64 + 0.5) * dy;
        for (i, o) in row.iter_mut().enumerate() {
            let x = b.x_min + (i as f64 + 0.5) * dx;
            let e = target.energy([x, y]);
            *o = e;
            if e.is_finite() {
                lo = lo.min(e);
                hi = hi.max(e);
            }
        }
    }
    Ok((lo, hi))
}

/// Fills `out` (length `w·h`, image order as in [`energy_grid`]) with the density
/// `p(x) = exp(−E(x)/T) / Z_box` normalised over the box (Σ p·Δx₁Δx₂ = 1). Returns the largest
/// value (for a colour scale). `T` must be > 0 and finite. No allocation.
pub fn density_grid(
    target: &dyn Energy2d,
    t: f64,
    bounds: Bounds,
    w: usize,
    h: usize,
    out: &mut [f64],
) -> Result<f64, LandscapeError> {
    let t = check_temperature(t)?;
    let (e_min, _) = energy_grid(target, bounds, w, h, out)?;
    if !e_min.is_finite() {
        out.fill(0.0);
        return Ok(0.0);
    }
    let cell = bounds.width() / w as f64 * bounds.height() / h as f64;
    let mut z = 0.0;
    for v in out.iter_mut() {
        // exp(−(E − E_min)/T) ≤ 1: no overflow. NaN energies count as zero density.
        let p = exp(-(*v - e_min) / t);
        *v = if p.is_nan() { 0.0 } else { p };
        z += *v;
    }
    z *= cell;
    let mut max = 0.0f64;
    for v in out.iter_mut() {
        *v /= z;
        max = max.max(*v);
    }
    Ok(max)
}

/// Smallest finite energy over the `nx × ny` cell centres (None if none is finite).
fn min_energy(target: &dyn Energy2d, b: Bounds, nx: usize, ny: usize) -> Option<f64> {
    let (dx, dy) = (b.width() / nx as f64, b.height() / ny as f64);
    let mut lo = f64::INFINITY;
    for j in 0..ny {
        let y = b.y_min + (j as f64 + 0.5) * dy;
        for i in 0..nx {
            let e = target.energy([b.x_min + (i as f64 + 0.5) * dx, y]);
            if e.is_finite() {
                lo = lo.min(e);
            }
        }
    }
    lo.is_finite().then_some(lo)
}

/// Exact marginal densities of `p ∝ exp(−E/T)` restricted to `bounds`, by numerical
/// integration on an `nx × ny` grid:
/// `px[i] ≈ p(x₁ = x_min + (i+½)Δx₁) = ∫ p(x₁, x₂) dx₂` (x₁ increasing) and
/// `py[j] ≈ p(x₂ = y_min + (j+½)Δx₂)` (x₂ **increasing**, unlike the image order). Each is
/// normalised to integrate to 1 over its interval, so it overlays a density histogram directly.
/// `px.len() == nx`, `py.len() == ny`. No allocation.
pub fn marginals(
    target: &dyn Energy2d,
    t: f64,
    bounds: Bounds,
    nx: usize,
    ny: usize,
    px: &mut [f64],
    py: &mut [f64],
) -> Result<(), LandscapeError> {
    let t = check_temperature(t)?;
    check_dims(nx, ny)?;
    let b = check_box(bounds)?;
    check_buf("x₁ marginal buffer", px, nx)?;
    check_buf("x₂ marginal buffer", py, ny)?;
    px.fill(0.0);
    py.fill(0.0);
    let Some(e_min) = min_energy(target, b, nx, ny) else {
        return Ok(());
    };
    let (dx, dy) = (b.width() / nx as f64, b.height() / ny as f64);
    let mut z = 0.0;
    for (j, pyj) in py.iter_mut().enumerate() {
        let y = b.y_min + (j as f64 + 0.5) * dy;
        for (i, pxi) in px.iter_mut().enumerate() {
            let e = target.energy([b.x_min + (i as f64 + 0.5) * dx, y]);
            let w = exp(-(e - e_min) / t);
            let w = if w.is_nan() { 0.0 } else { w };
            *pxi += w;
            *pyj += w;
            z += w;
        }
    }
    // p(x₁ᵢ) = Σⱼ wᵢⱼ Δx₂ / (Σ w Δx₁Δx₂) = Σⱼ wᵢⱼ / (Z Δx₁).
    for v in px.iter_mut() {
        *v /= z * dx;
    }
    for v in py.iter_mut() {
        *v /= z * dy;
    }
    Ok(())
}

/// Mean, covariance and normalising constant of `p ∝ exp(−E/T)` computed by grid integration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridMoments {
    /// `E[x]`.
    pub mean: [f64; 2],
    /// `Cov[x]` (symmetric).
    pub cov: [[f64; 2]; 2],
    /// `ln ∫_box exp(−E(x)/T) dx`.
    pub log_z: f64,
    /// Fraction of the mass in the outermost ring of cells: if it is not tiny, the box cuts off
    /// part of the distribution and the moments are those of the truncated density.
    pub edge_mass: f64,
}

/// Exact (to the midpoint rule) moments of `p ∝ exp(−E/T)` over `bounds` on an `n × n` grid,
/// `2 ≤ n ≤ 4096`. Used as the reference for sampler tests; O(n²) energy evaluations.
pub fn grid_moments(
    target: &dyn Energy2d,
    t: f64,
    bounds: Bounds,
    n: usize,
) -> Result<GridMoments, LandscapeError> {
    let t = check_temperature(t)?;
    if !(2..=4096).contains(&n) {
        return Err(LandscapeError::Length {
            what: "grid side n (2 ≤ n ≤ 4096)",
            expected: 4096,
            got: n,
        });
    }
    let b = check_box(bounds)?;
    let Some(e_min) = min_energy(target, b, n, n) else {
        return Err(LandscapeError::NotFinite {
            what: "energy everywhere on the grid",
            value: f64::INFINITY,
        });
    };
    let (dx, dy) = (b.width() / n as f64, b.height() / n as f64);
    // Moments about the box centre, to limit cancellation in E[x²] − E[x]².
    let (cx, cy) = (0.5 * (b.x_min + b.x_max), 0.5 * (b.y_min + b.y_max));
    let (mut z, mut s1, mut s2, mut s11, mut s12, mut s22, mut edge) =
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for j in 0..n {
        let y = b.y_min + (j as f64 + 0.5) * dy;
        for i in 0..n {
            let x = b.x_min + (i as f64 + 0.5) * dx;
            let w = exp(-(target.energy([x, y]) - e_min) / t);
            let w = if w.is_nan() { 0.0 } else { w };
            let (u, v) = (x - cx, y - cy);
            z += w;
            s1 += w * u;
            s2 += w * v;
            s11 += w * u * u;
            s12 += w * u * v;
            s22 += w * v * v;
            if i == 0 || j == 0 || i == n - 1 || j == n - 1 {
                edge += w;
            }
        }
    }
    let (m1, m2) = (s1 / z, s2 / z);
    let c12 = s12 / z - m1 * m2;
    Ok(GridMoments {
        mean: [m1 + cx, m2 + cy],
        cov: [[s11 / z - m1 * m1, c12], [c12, s22 / z - m2 * m2]],
        // ln ∫ exp(−E/T) = −E_min/T + ln(Σ w Δx₁Δx₂).
        log_z: -e_min / t + ln(z * dx * dy),
        edge_mass: edge / z,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;

    #[test]
    fn density_grid_integrates_to_one_and_is_image_ordered() {
        let g = Gaussian::isotropic([1.0, 2.0], 0.5).expect("valid");
        let b = Bounds::new(-1.0, 3.0, 0.0, 4.0).expect("box");
        let (w, h) = (40, 30);
        let mut buf = vec![0.0; w * h];
        let max = density_grid(&g, 1.0, b, w, h, &mut buf).expect("grid");
        let cell = b.width() / w as f64 * b.height() / h as f64;
        let total: f64 = buf.iter().sum::<f64>() * cell;
        assert!((total - 1.0).abs() < 1e-12);
        assert!(max > 0.5);
        // Mass above the mean (x₂ > 2) lives in the top rows (row 0 = top).
        let top: f64 = buf[..w * h / 2].iter().sum();
        let bottom: f64 = buf[w * h / 2..].iter().sum();
        assert!((top - bottom).abs() / top < 1e-9);
        let g2 = Gaussian::isotropic([1.0, 3.0], 0.5).expect("valid");
        density_grid(&g2, 1.0, b, w, h, &mut buf).expect("grid");
        let top: f64 = buf[..w * h / 2].iter().sum();
        assert!(top * cell > 0.95);
    }

    #[test]
    fn marginals_of_a_correlated_gaussian_are_normal() {
        let g = Gaussian::correlated(1.0, 2.0, 0.7).expect("valid");
        let b = g.bounds().expanded(0.2);
        let (nx, ny) = (300, 200);
        let (mut px, mut py) = (vec![0.0; nx], vec![0.0; ny]);
        marginals(&g, 1.0, b, nx, ny, &mut px, &mut py).expect("marginals");
        let dx = b.width() / nx as f64;
        for (i, p) in px.iter().enumerate() {
            let x = b.x_min + (i as f64 + 0.5) * dx;
            let exact = (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt();
            assert!((p - exact).abs() < 1e-6, "p(x₁={x}) {p} vs {exact}");
        }
        let dy = b.height() / ny as f64;
        for (j, p) in py.iter().enumerate() {
            let y = b.y_min + (j as f64 + 0.5) * dy;
            let exact = (-y * y / 8.0).exp() / (8.0 * std::f64::consts::PI).sqrt();
            assert!((p - exact).abs() < 1e-6, "p(x₂={y}) {p} vs {exact}");
        }
    }

    #[test]
    fn grid_functions_reject_bad_input() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let b = g.bounds();
        let mut buf = vec![0.0; 10];
        assert!(energy_grid(&g, b, 3, 3, &mut buf).is_err());
        assert!(energy_grid(&g, b, 0, 10, &mut []).is_err());
        assert!(density_grid(&g, 0.0, b, 2, 5, &mut buf).is_err());
        assert!(density_grid(&g, f64::NAN, b, 2, 5, &mut buf).is_err());
        let bad = Bounds {
            x_min: 1.0,
            x_max: 1.0,
            y_min: 0.0,
            y_max: 1.0,
        };
        assert!(energy_grid(&g, bad, 2, 5, &mut buf).is_err());
        assert!(grid_moments(&g, 1.0, b, 1).is_err());
        assert!(grid_moments(&g, -1.0, b, 10).is_err());
        assert!(marginals(&g, 1.0, b, 2, 5, &mut buf[..2], &mut []).is_err());
    }
}
