//! Raster helpers for heatmaps: a grid of values at cell centres (as [`super::energy_grid`]
//! fills it) resampled to the pixels of a picture.

/// Columns whose axis weights are computed once per block of the picture (not once per
/// pixel): a block of this many columns is upsampled row by row.
const COLUMN_BLOCK: usize = 256;

/// Bilinear upsampling of the `n × n` grid `src` (row-major, values at cell centres, `n ≥ 1`) to
/// a `side × side` picture: `put(k, v)` receives pixel `k = row·side + col` and the value
/// interpolated at that pixel's centre, once for every pixel (in blocks of 256 columns,
/// each row by row). Pixel centres beyond the outermost cell centres take the edge
/// value (no extrapolation). No allocation.
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
    let mut xs = [(0usize, 0usize, 0.0f32); COLUMN_BLOCK];
    for c0 in (0..side).step_by(COLUMN_BLOCK) {
        let cols = (side - c0).min(COLUMN_BLOCK);
        for (k, x) in xs[..cols].iter_mut().enumerate() {
            *x = at(c0 + k);
        }
        for by in 0..side {
            let (j0, j1, fy) = at(by);
            let (top_row, bottom_row) = (&src[j0 * n..j0 * n + n], &src[j1 * n..j1 * n + n]);
            for (k, &(i0, i1, fx)) in xs[..cols].iter().enumerate() {
                let top = top_row[i0] * (1.0 - fx) + top_row[i1] * fx;
                let bottom = bottom_row[i0] * (1.0 - fx) + bottom_row[i1] * fx;
                put(by * side + c0 + k, top * (1.0 - fy) + bottom * fy);
            }
        }
    }
}

/// The picture of a grid of values in [0, 1]: [`upsample_bilinear`] of `src` to
/// `side × side` pixels, each value `v` coloured `lut[round(255·clamp(v, 0, 1))]` (NaN as 0),
/// written as opaque RGBA into the first `4·side²` bytes of `rgba`. Does nothing if `lut` has
/// fewer than 256 colours or `rgba` is too short.
///
/// Not generic and never inlined, so it keeps this crate's optimisation (the browser shell is
/// built for size, and this loop runs over every pixel of a plane each time its picture
/// changes).
#[inline(never)]
pub fn paint_bilinear(src: &[f32], n: usize, side: usize, lut: &[[u8; 3]], rgba: &mut [u8]) {
    let (Some(lut), Some(out)) = (lut.get(..256), rgba.get_mut(..4 * side * side)) else {
        return;
    };
    upsample_bilinear(src, n, side, |k, v| {
        if let Some(p) = out.get_mut(4 * k..4 * k + 4) {
            // v ≥ 0 after the clamp, so adding ½ and truncating rounds half away from zero
            // as `round` does (without wasm's call to `roundf`); NaN converts to 0
            let c = lut[((v.clamp(0.0, 1.0) * 255.0 + 0.5) as usize).min(255)];
            p.copy_from_slice(&[c[0], c[1], c[2], 255]);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paint_bilinear_colours_the_upsampled_values() {
        let lut: Vec<[u8; 3]> = (0..256).map(|i| [i as u8, 255 - i as u8, 7]).collect();
        let src = [0.0, 0.25, 1.0, f32::NAN, 0.5, 2.0, -1.0, 0.999, 0.002];
        for side in [3, 5, 8] {
            let mut rgba = vec![1u8; 4 * side * side + 3];
            paint_bilinear(&src, 3, side, &lut, &mut rgba);
            let want = up(&src, 3, side);
            for (k, v) in want.iter().enumerate() {
                let i = (v.clamp(0.0, 1.0) * 255.0).round();
                let i = if i.is_nan() { 0 } else { i as usize };
                assert_eq!(
                    &rgba[4 * k..4 * k + 4],
                    &[lut[i][0], lut[i][1], lut[i][2], 255]
                );
            }
            // nothing past the picture is written
            assert_eq!(&rgba[4 * side * side..], &[1, 1, 1]);
        }
        // a short colour table or buffer leaves the buffer alone
        let mut rgba = vec![9u8; 4 * 9];
        paint_bilinear(&src, 3, 3, &lut[..255], &mut rgba);
        paint_bilinear(&src, 3, 4, &lut, &mut rgba);
        assert!(rgba.iter().all(|&b| b == 9));
    }

    fn up(src: &[f32], n: usize, side: usize) -> Vec<f32> {
        let mut out = vec![f32::NAN; side * side];
        upsample_bilinear(src, n, side, |k, v| out[k] = v);
        out
    }

    /// The value at pixel (bx, by) computed on its own, straight from the doc's formula.
    fn one_pixel(src: &[f32], n: usize, side: usize, bx: usize, by: usize) -> f32 {
        let scale = n as f64 / side as f64;
        let at = |b: usize| {
            let u = ((b as f64 + 0.5) * scale - 0.5).clamp(0.0, (n - 1) as f64);
            let i0 = (u.floor() as usize).min(n.saturating_sub(2));
            (i0, (i0 + 1).min(n - 1), (u - i0 as f64) as f32)
        };
        let ((i0, i1, fx), (j0, j1, fy)) = (at(bx), at(by));
        let top = src[j0 * n + i0] * (1.0 - fx) + src[j0 * n + i1] * fx;
        let bottom = src[j1 * n + i0] * (1.0 - fx) + src[j1 * n + i1] * fx;
        top * (1.0 - fy) + bottom * fy
    }

    #[test]
    fn column_blocks_give_every_pixel_once_with_its_own_value() {
        // 600 columns: two full blocks of 256 and a part block of 88.
        let n = 64;
        let src: Vec<f32> = (0..n * n)
            .map(|k| ((k * 7919) % 1000) as f32 / 999.0)
            .collect();
        for side in [255, 256, 257, 600] {
            let mut seen = vec![0u8; side * side];
            let mut out = vec![f32::NAN; side * side];
            upsample_bilinear(&src, n, side, |k, v| {
                seen[k] += 1;
                out[k] = v;
            });
            assert!(
                seen.iter().all(|&c| c == 1),
                "side {side}: every pixel once"
            );
            for by in 0..side {
                for bx in 0..side {
                    let want = one_pixel(&src, n, side, bx, by);
                    assert_eq!(
                        out[by * side + bx].to_bits(),
                        want.to_bits(),
                        "({bx}, {by}) of {side}"
                    );
                }
            }
        }
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
