//! Raster helpers for heatmaps: a grid of values at cell centres (as [`super::energy_grid`]
//! fills it) resampled to the pixels of a picture.

/// Bilinear upsampling of the `n × n` grid `src` (row-major, values at cell centres, `n ≥ 1`) to
/// a `side × side` picture: `put(k, v)` receives pixel `k = row·side + col` and the value
/// interpolated at that pixel's centre. Pixel centres beyond the outermost cell centres take the
/// edge value (no extrapolation). No allocation.
///
/// Pixel `b` (0-based) has its centre at grid coordinate `u = (b + ½)·n/side − ½`, so a grid of
/// the picture's own size (`n = side`) is copied unchanged.
pub fn upsample_bilinear(src: &[f32], n: usize, side: usize, mut put: impl FnMut(usize, f32)) {
    if n == 0 || src.len() < n * n {
        return;
    }
    let scale = n as f64 / side.max(1) as f64;
    let last = (n - 1) as f64;
    // (lower index, upper index, weight of the upper one) along one axis.
    let at = |b: usize| {
        let u = ((b as f64 + 0.5) * scale - 0.5).clamp(0.0, last);
        let i0 = (u.floor() as usize).min(n.saturating_sub(2));
        let i1 = (i0 + 1).min(n - 1);
        (i0, i1, (u - i0 as f64) as f32)
    };
    for by in 0..side {
        let (j0, j1, fy) = at(by);
        for bx in 0..side {
            let (i0, i1, fx) = at(bx);
            let top = src[j0 * n + i0] * (1.0 - fx) + src[j0 * n + i1] * fx;
            let bottom = src[j1 * n + i0] * (1.0 - fx) + src[j1 * n + i1] * fx;
            put(by * side + bx, top * (1.0 - fy) + bottom * fy);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(src: &[f32], n: usize, side: usize) -> Vec<f32> {
        let mut out = vec![f32::NAN; side * side];
        upsample_bilinear(src, n, side, |k, v| out[k] = v);
        out
    }

    #[test]
    fn same_size_copies_and_a_linear_ramp_stays_linear() {
        let src: Vec<f32> = (0..16).map(|k| k as f32).collect();
        assert_eq!(up(&src, 4, 4), src);
        // f(i, j) = i + 10 j sampled at cell centres; doubling the resolution interpolates
        // exactly between centres and holds the edge values outside them.
        let ramp: Vec<f32> = (0..9)
            .map(|k| (k % 3) as f32 + 10.0 * (k / 3) as f32)
            .collect();
        let out = up(&ramp, 3, 6);
        // Pixel (2, 2) has its centre at grid (0.75, 0.75).
        assert!(
            (out[2 * 6 + 2] - (0.75 + 7.5)).abs() < 1e-6,
            "{}",
            out[2 * 6 + 2]
        );
        assert_eq!(out[0], 0.0, "edge held");
        assert_eq!(out[35], 22.0, "far corner held");
        assert!(out.iter().all(|v| v.is_finite()), "every pixel written");
    }

    #[test]
    fn a_single_cell_fills_the_picture_and_bad_input_writes_nothing() {
        assert_eq!(up(&[3.5], 1, 3), vec![3.5; 9]);
        let out = up(&[1.0, 2.0], 2, 2);
        assert!(out.iter().all(|v| v.is_nan()), "a short grid is ignored");
    }
}
