//! Contour lines of a gridded field, for drawing over heatmaps.
//!
//! - [`iso_segments`]: the iso-line `f = level` of a `W × H` grid by marching squares (the
//!   2-D case of Lorensen & Cline, "Marching cubes", SIGGRAPH 1987): each cell whose corners
//!   straddle the level contributes one or two straight segments between the linearly
//!   interpolated edge crossings.
//! - [`mass_levels`]: the density thresholds whose super-level sets `{p ≥ c}` hold given
//!   fractions of the probability mass (highest-density regions), so that "the 90 % contour"
//!   means what it says for any target.
//!
//! Grid coordinates: point `(i, j)` is the centre of the cell in column `i` and row `j` of the
//! image-ordered buffers that [`super::energy_grid`] and [`super::density_grid`] fill.

/// Appends to `out` the segments `[i₀, j₀, i₁, j₁]` (grid coordinates, see the module doc) of
/// the iso-line `values = level` of a `w × h` row-major grid. A corner counts as inside when
/// its value is `≥ level`; a saddle cell (inside corners on one diagonal) is resolved by the
/// mean of its four corners. Cells with a non-finite corner are skipped. Does nothing if
/// `values.len() != w·h`. Allocates only by growing `out`.
pub fn iso_segments(values: &[f64], w: usize, h: usize, level: f64, out: &mut Vec<[f64; 4]>) {
    if w < 2 || h < 2 || values.len() != w * h || !level.is_finite() {
        return;
    }
    // Where the level crosses the edge from value a (at t = 0) to value b (at t = 1).
    let cross = |a: f64, b: f64| {
        let d = b - a;
        if d == 0.0 {
            0.5
        } else {
            ((level - a) / d).clamp(0.0, 1.0)
        }
    };
    for j in 0..h - 1 {
        for i in 0..w - 1 {
            // Corners: a = top-left, b = top-right, c = bottom-right, d = bottom-left.
            let va = values[j * w + i];
            let vb = values[j * w + i + 1];
            let vc = values[(j + 1) * w + i + 1];
            let vd = values[(j + 1) * w + i];
            if !(va.is_finite() && vb.is_finite() && vc.is_finite() && vd.is_finite()) {
                continue;
            }
            let (ia, ib, ic, id) = (va >= level, vb >= level, vc >= level, vd >= level);
            if ia == ib && ib == ic && ic == id {
                continue;
            }
            let (x, y) = (i as f64, j as f64);
            // Crossing points on the edges top (a–b), right (b–c), bottom (d–c), left (a–d),
            // in this order; None where the edge does not straddle the level.
            let top = (ia != ib).then(|| [x + cross(va, vb), y]);
            let right = (ib != ic).then(|| [x + 1.0, y + cross(vb, vc)]);
            let bottom = (id != ic).then(|| [x + cross(vd, vc), y + 1.0]);
            let left = (ia != id).then(|| [x, y + cross(va, vd)]);
            let mut seg = |p: [f64; 2], q: [f64; 2]| out.push([p[0], p[1], q[0], q[1]]);
            match (top, right, bottom, left) {
                (Some(t), Some(r), Some(b), Some(l)) => {
                    // Saddle: a and c on one side, b and d on the other. If the centre is on
                    // a's side, a and c connect through it and the lines cut off b and d.
                    let centre_in = 0.25 * (va + vb + vc + vd) >= level;
                    if centre_in == ia {
                        seg(t, r);
                        seg(b, l);
                    } else {
                        seg(t, l);
                        seg(r, b);
                    }
                }
                _ => {
                    let mut pts = [top, right, bottom, left].into_iter().flatten();
                    if let (Some(p), Some(q)) = (pts.next(), pts.next()) {
                        seg(p, q);
                    }
                }
            }
        }
    }
}

/// For each fraction `m` in `masses` (in (0, 1)), writes into `out` the largest threshold `c`
/// such that the cells with `density ≥ c` hold at least `m` of the total (the highest-density
/// region of mass m on the grid). Non-finite and negative values count as zero density.
/// Fractions outside (0, 1) and an all-zero grid give NaN. Sorts a copy of `density`
/// (allocates `density.len()` numbers), so call it once per change of the grid, not per frame.
/// `out.len()` must equal `masses.len()` (extra entries are left alone).
pub fn mass_levels(density: &[f64], masses: &[f64], out: &mut [f64]) {
    let mut v: Vec<f64> = density
        .iter()
        .map(|&p| if p.is_finite() && p > 0.0 { p } else { 0.0 })
        .collect();
    // Descending order: the densest cells first.
    v.sort_by(|a, b| b.total_cmp(a));
    let total: f64 = v.iter().sum();
    for (o, &m) in out.iter_mut().zip(masses) {
        *o = f64::NAN;
        if !(m > 0.0 && m < 1.0) || total <= 0.0 {
            continue;
        }
        let need = m * total;
        let mut acc = 0.0;
        for &p in &v {
            acc += p;
            if acc >= need {
                *o = p;
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::{density_grid, Bounds, Gaussian};

    #[test]
    fn circle_iso_line_has_the_right_radius_and_length() {
        // f = r² around the grid centre; the iso-line f = R² is a circle of radius R.
        let n = 101;
        let c = 50.0;
        let v: Vec<f64> = (0..n * n)
            .map(|k| {
                let (i, j) = ((k % n) as f64, (k / n) as f64);
                (i - c).powi(2) + (j - c).powi(2)
            })
            .collect();
        let r = 30.0;
        let mut segs = Vec::new();
        iso_segments(&v, n, n, r * r, &mut segs);
        assert!(segs.len() > 100);
        let mut len = 0.0;
        for s in &segs {
            for p in [[s[0], s[1]], [s[2], s[3]]] {
                let d = (p[0] - c).hypot(p[1] - c);
                assert!((d - r).abs() < 0.02, "point at distance {d}");
            }
            len += (s[2] - s[0]).hypot(s[3] - s[1]);
        }
        let circ = 2.0 * std::f64::consts::PI * r;
        assert!((len - circ).abs() < 0.01 * circ, "length {len} vs {circ}");
        // A level outside the range, or a malformed grid, gives nothing.
        let mut none = Vec::new();
        iso_segments(&v, n, n, -1.0, &mut none);
        iso_segments(&v, n, n - 1, 10.0, &mut none);
        assert!(none.is_empty());
    }

    #[test]
    fn saddle_cells_follow_the_centre_value() {
        // Corners a = 1, b = 0, c = 1, d = 0; level ½, centre value ½ ≥ ½ counts as inside,
        // so a and c connect and the segments cut off b (top–right) and d (bottom–left).
        let v = [1.0, 0.0, 0.0, 1.0];
        let mut segs = Vec::new();
        iso_segments(&v, 2, 2, 0.5, &mut segs);
        assert_eq!(segs, vec![[0.5, 0.0, 1.0, 0.5], [0.5, 1.0, 0.0, 0.5]]);
        // Just above the centre value, the other pairing.
        segs.clear();
        iso_segments(&v, 2, 2, 0.6, &mut segs);
        assert_eq!(segs.len(), 2);
        let want = [0.4, 0.0, 0.0, 0.4];
        assert!(segs[0].iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-12));
    }

    #[test]
    fn mass_levels_of_a_gaussian_match_the_closed_form() {
        // For N(0, I), {p ≥ c} is the disc r² ≤ −2 ln(1 − m) and c = (1 − m)/(2π).
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let b = Bounds::new(-6.0, 6.0, -6.0, 6.0).expect("box");
        let n = 400;
        let mut p = vec![0.0; n * n];
        density_grid(&g, 1.0, b, n, n, &mut p).expect("grid");
        let masses = [0.5, 0.9, 0.99];
        let mut lv = [0.0; 3];
        mass_levels(&p, &masses, &mut lv);
        for (m, c) in masses.iter().zip(lv) {
            let exact = (1.0 - m) / (2.0 * std::f64::consts::PI);
            assert!((c - exact).abs() < 0.01 * exact, "mass {m}: {c} vs {exact}");
        }
        let mut bad = [0.0; 2];
        mass_levels(&p, &[0.0, 1.5], &mut bad);
        assert!(bad.iter().all(|v| v.is_nan()));
        mass_levels(&[0.0; 4], &[0.5], &mut bad[..1]);
        assert!(bad[0].is_nan());
    }
}
