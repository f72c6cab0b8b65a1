//! Binary patterns on a `w×h` grid: corruption, comparison, built-in glyphs, resampling.
//!
//! Conventions: a pattern is a `Vec<i8>` of spins `±1` (`+1` = ink / on, `−1` = background /
//! off), stored row-major (`index = row·w + col`, row 0 at the top). N = w·h. The overlap of two
//! patterns is `m = ξ·y / N ∈ [−1, 1]` (Amit, Gutfreund & Sompolinsky, Phys. Rev. A 32, 1985);
//! `m = 1 − 2·d/N` where `d` is the Hamming distance.
//!
//! Every corrupting function writes into the caller's buffer (no allocation) and draws only from
//! the `Rng` it is given, so a corruption is replayed from its seed.

use std::fmt;

use crate::rng::Rng;

/// Smallest grid side that [`glyph`] renders on.
pub const GLYPH_MIN_SIDE: usize = 8;
/// Largest grid side that [`glyph`] renders on.
pub const GLYPH_MAX_SIDE: usize = 256;
/// Largest number of cells a grid may have (256×256).
pub const MAX_GRID_CELLS: usize = 1 << 16;

/// What can be wrong with a pattern request.
#[derive(Clone, Debug, PartialEq)]
pub enum PatternError {
    /// A grid side is zero or the grid has more than [`MAX_GRID_CELLS`] cells.
    GridSize {
        /// Grid width.
        w: usize,
        /// Grid height.
        h: usize,
    },
    /// A buffer has the wrong length.
    Shape {
        /// Which quantity (a short name for the message).
        what: &'static str,
        /// What was expected.
        expected: usize,
        /// What was given.
        got: usize,
    },
    /// A probability or fraction is not in [0, 1] (or is NaN).
    Fraction {
        /// Which quantity (a short name for the message).
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// An entry is not ±1.
    NotSpin {
        /// Index of the offending entry.
        index: usize,
        /// The value given.
        value: i8,
    },
    /// A flip count exceeds the number of cells.
    Count {
        /// Flips asked for.
        count: usize,
        /// Number of cells.
        n: usize,
    },
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::GridSize { w, h } => write!(
                f,
                "grid {w}×{h} is not allowed: both sides must be ≥ 1 and w·h ≤ {MAX_GRID_CELLS}"
            ),
            Self::Shape {
                what,
                expected,
                got,
            } => write!(f, "{what} has {got} entries, expected {expected}"),
            Self::Fraction { what, value } => {
                write!(f, "{what} must be between 0 and 1, got {value}")
            }
            Self::NotSpin { index, value } => {
                write!(f, "pattern[{index}] = {value}; pixels must be −1 or +1")
            }
            Self::Count { count, n } => {
                write!(f, "cannot flip {count} pixels of a {n}-pixel pattern")
            }
        }
    }
}

impl std::error::Error for PatternError {}

/// Which half of the grid [`occlude_half`] covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Half {
    /// Columns `0..w/2`.
    Left,
    /// Columns `w/2..w` (the wider half when w is odd).
    Right,
    /// Rows `0..h/2`.
    Top,
    /// Rows `h/2..h`.
    Bottom,
}

/// What an occluded region is filled with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Fill {
    /// Every covered pixel set to −1 (blank, the lecture's "partial cue").
    Off,
    /// Every covered pixel set to +1.
    On,
    /// Every covered pixel set to a fresh random ±1.
    Random,
}

/// An axis-aligned rectangle of cells: columns `x..x+w`, rows `y..y+h` (clipped to the grid).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rect {
    /// Left column.
    pub x: usize,
    /// Top row.
    pub y: usize,
    /// Width in cells.
    pub w: usize,
    /// Height in cells.
    pub h: usize,
}

/// Checks a grid size: both sides ≥ 1 and `w·h ≤` [`MAX_GRID_CELLS`]. Returns N = w·h.
pub fn check_grid(w: usize, h: usize) -> Result<usize, PatternError> {
    match w.checked_mul(h) {
        Some(n) if w > 0 && h > 0 && n <= MAX_GRID_CELLS => Ok(n),
        _ => Err(PatternError::GridSize { w, h }),
    }
}

/// Checks that every entry of `y` is ±1.
pub fn check_spins(y: &[i8]) -> Result<(), PatternError> {
    match y.iter().position(|&v| v != 1 && v != -1) {
        Some(index) => Err(PatternError::NotSpin {
            index,
            value: y[index],
        }),
        None => Ok(()),
    }
}

fn check_len(what: &'static str, y: &[i8], n: usize) -> Result<(), PatternError> {
    if y.len() == n {
        Ok(())
    } else {
        Err(PatternError::Shape {
            what,
            expected: n,
            got: y.len(),
        })
    }
}

fn check_fraction(what: &'static str, p: f64) -> Result<(), PatternError> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(PatternError::Fraction { what, value: p })
    }
}

/// A uniformly random pattern of `n` independent ±1 pixels, P(+1) = ½.
pub fn random_pattern(n: usize, rng: &mut Rng) -> Vec<i8> {
    (0..n).map(|_| rng.spin()).collect()
}

/// Fills `y` with independent uniformly random ±1 pixels.
pub fn randomize(y: &mut [i8], rng: &mut Rng) {
    for v in y.iter_mut() {
        *v = rng.spin();
    }
}

/// Flips every pixel in place: `y ← −y` (the inverse pattern, which a Hopfield network stores
/// together with `y` because `E(−y) = E(y)` without bias).
pub fn invert(y: &mut [i8]) {
    for v in y.iter_mut() {
        *v = -*v;
    }
}

/// The overlap `m = ξ·y / N ∈ [−1, 1]` of two equally long ±1 patterns (N ≥ 1).
///
/// ```
/// use energy_core::pattern::{flip_exact, overlap};
/// use energy_core::rng::Rng;
/// let xi = vec![1i8; 100];
/// let mut y = xi.clone();
/// flip_exact(&mut y, 10, &mut Rng::new(1))?;
/// assert!((overlap(&xi, &y)? - 0.8).abs() < 1e-12); // m = (90 − 10)/100
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn overlap(xi: &[i8], y: &[i8]) -> Result<f64, PatternError> {
    check_len("second pattern", y, xi.len())?;
    if xi.is_empty() {
        return Err(PatternError::Shape {
            what: "pattern",
            expected: 1,
            got: 0,
        });
    }
    Ok(dot(xi, y) as f64 / xi.len() as f64) // m = ξ·y / N
}

/// `ξ·y` as an integer (unchecked lengths: zips to the shorter one).
#[inline]
pub(crate) fn dot(xi: &[i8], y: &[i8]) -> i64 {
    xi.iter()
        .zip(y)
        .map(|(&a, &b)| i64::from(a) * i64::from(b))
        .sum()
}

/// The Hamming distance: the number of pixels where `a` and `b` differ.
pub fn hamming(a: &[i8], b: &[i8]) -> Result<usize, PatternError> {
    check_len("second pattern", b, a.len())?;
    Ok(a.iter().zip(b).filter(|(x, y)| x != y).count())
}

/// Flips each pixel independently with probability `p ∈ [0, 1]` (binary symmetric channel).
/// Returns the number of flipped pixels, which is Binomial(N, p).
pub fn flip_noise(y: &mut [i8], p: f64, rng: &mut Rng) -> Result<usize, PatternError> {
    check_fraction("flip probability", p)?;
    let mut flips = 0;
    for v in y.iter_mut() {
        if rng.bernoulli(p) {
            *v = -*v;
            flips += 1;
        }
    }
    Ok(flips)
}

/// Flips exactly `count` distinct pixels chosen uniformly without replacement (Knuth's
/// selection sampling, TAOCP vol. 2, Algorithm 3.4.2 S: O(N), no buffer).
pub fn flip_exact(y: &mut [i8], count: usize, rng: &mut Rng) -> Result<usize, PatternError> {
    let n = y.len();
    if count > n {
        return Err(PatternError::Count { count, n });
    }
    let mut left = count;
    for (seen, v) in y.iter_mut().enumerate() {
        if left == 0 {
            break;
        }
        // Select this pixel with probability (still needed) / (still available).
        if rng.below(n - seen) < left {
            *v = -*v;
            left -= 1;
        }
    }
    Ok(count)
}

/// Flips exactly `round(p·N)` distinct pixels (the teaching-friendly form of flip noise:
/// "20 % noise" always means the same number of wrong pixels). `p ∈ [0, 1]`.
pub fn flip_fraction(y: &mut [i8], p: f64, rng: &mut Rng) -> Result<usize, PatternError> {
    check_fraction("flip fraction", p)?;
    let count = (p * y.len() as f64).round() as usize;
    flip_exact(y, count.min(y.len()), rng)
}

/// Replaces exactly `round(fraction·N)` distinct, uniformly chosen pixels of `y` by the
/// corresponding pixels of `other` (a blend of two memories). Returns how many pixels were taken
/// from `other` (some may already have been equal).
pub fn mix(
    y: &mut [i8],
    other: &[i8],
    fraction: f64,
    rng: &mut Rng,
) -> Result<usize, PatternError> {
    check_len("other pattern", other, y.len())?;
    check_fraction("mix fraction", fraction)?;
    let n = y.len();
    let count = ((fraction * n as f64).round() as usize).min(n);
    let mut left = count;
    for (seen, (v, &o)) in y.iter_mut().zip(other).enumerate() {
        if left == 0 {
            break;
        }
        if rng.below(n - seen) < left {
            *v = o;
            left -= 1;
        }
    }
    Ok(count)
}

fn fill_cell(v: &mut i8, fill: Fill, rng: &mut Rng) {
    *v = match fill {
        Fill::Off => -1,
        Fill::On => 1,
        Fill::Random => rng.spin(),
    };
}

/// Covers the rectangle `rect` (clipped to the grid) of the `w×h` pattern `y` with `fill`.
/// Returns the number of covered cells.
pub fn occlude_rect(
    y: &mut [i8],
    w: usize,
    h: usize,
    rect: Rect,
    fill: Fill,
    rng: &mut Rng,
) -> Result<usize, PatternError> {
    let n = check_grid(w, h)?;
    check_len("pattern", y, n)?;
    let x1 = rect.x.saturating_add(rect.w).min(w);
    let y1 = rect.y.saturating_add(rect.h).min(h);
    let mut covered = 0;
    for row in rect.y.min(h)..y1 {
        for v in &mut y[row * w + rect.x.min(w)..row * w + x1] {
            fill_cell(v, fill, rng);
            covered += 1;
        }
    }
    Ok(covered)
}

/// Covers one half of the `w×h` pattern `y` (the lecture's "partial cue") with `fill`.
/// Returns the number of covered cells.
pub fn occlude_half(
    y: &mut [i8],
    w: usize,
    h: usize,
    half: Half,
    fill: Fill,
    rng: &mut Rng,
) -> Result<usize, PatternError> {
    let rect = match half {
        Half::Left => Rect {
            x: 0,
            y: 0,
            w: w / 2,
            h,
        },
        Half::Right => Rect {
            x: w / 2,
            y: 0,
            w: w - w / 2,
            h,
        },
        Half::Top => Rect {
            x: 0,
            y: 0,
            w,
            h: h / 2,
        },
        Half::Bottom => Rect {
            x: 0,
            y: h / 2,
            w,
            h: h - h / 2,
        },
    };
    occlude_rect(y, w, h, rect, fill, rng)
}

/// Nearest-neighbour resampling of a `sw×sh` pattern onto a `dw×dh` grid, written into `dst`
/// (length `dw·dh`). Destination cell centre `(x+½)·sw/dw` picks its source column (same for rows),
/// so doubling then halving a grid returns the original.
pub fn resample_into(
    src: &[i8],
    sw: usize,
    sh: usize,
    dst: &mut [i8],
    dw: usize,
    dh: usize,
) -> Result<(), PatternError> {
    let sn = check_grid(sw, sh)?;
    let dn = check_grid(dw, dh)?;
    check_len("source pattern", src, sn)?;
    if dst.len() != dn {
        return Err(PatternError::Shape {
            what: "destination pattern",
            expected: dn,
            got: dst.len(),
        });
    }
    // u64: (2·row + 1)·sh can exceed 2³² on wasm32 for extreme grid shapes.
    let near =
        |k: usize, s: usize, d: usize| ((2 * k as u64 + 1) * s as u64 / (2 * d as u64)) as usize;
    for row in 0..dh {
        let sr = near(row, sh, dh); // ⌊(row + ½)·sh/dh⌋
        for col in 0..dw {
            let sc = near(col, sw, dw);
            dst[row * dw + col] = src[sr * sw + sc];
        }
    }
    Ok(())
}

/// Nearest-neighbour resampling into a new pattern (see [`resample_into`]); use it when the user
/// changes the grid size and the stored memories must follow.
pub fn resample(
    src: &[i8],
    sw: usize,
    sh: usize,
    dw: usize,
    dh: usize,
) -> Result<Vec<i8>, PatternError> {
    let dn = check_grid(dw, dh)?;
    let mut dst = vec![-1; dn];
    resample_into(src, sw, sh, &mut dst, dw, dh)?;
    Ok(dst)
}

/// Width of the built-in bitmap font, in font cells.
pub const FONT_W: usize = 5;
/// Height of the built-in bitmap font, in font cells.
pub const FONT_H: usize = 7;

/// The characters [`glyph`] knows: digits then capital letters.
pub const GLYPH_CHARS: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The default memories for the Hopfield lab. Glyphs share much background, so they are strongly
/// correlated and the Hebbian rule stores few of them: of all 4-glyph sets of this font, only
/// A, H, O, U are Hebbian fixed points together at every supported square grid (found by
/// exhaustive search; a test pins it), and they are recalled even from 30 % flip noise.
pub const TEACHING_SET: [char; 4] = ['A', 'H', 'O', 'U'];

/// A deliberately correlated set: the Hebbian rule keeps only one of these five letters as a fixed
/// point, while the projection rule and the lecture's gradient rule store all five.
pub const CORRELATED_SET: [char; 5] = ['A', 'B', 'C', 'D', 'E'];

/// A 5×7 bitmap font, one row per string, `#` = ink. Drawn for this project.
#[rustfmt::skip]
const FONT: [(char, [&str; FONT_H]); 36] = [
    ('0', [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."]),
    ('1', ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."]),
    ('2', [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"]),
    ('3', ["#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."]),
    ('4', ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."]),
    ('5', ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."]),
    ('6', ["..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."]),
    ('7', ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."]),
    ('8', [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."]),
    ('9', [".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."]),
    ('A', [".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"]),
    ('B', ["####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."]),
    ('C', [".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."]),
    ('D', ["###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###.."]),
    ('E', ["#####", "#....", "#....", "####.", "#....", "#....", "#####"]),
    ('F', ["#####", "#....", "#....", "####.", "#....", "#....", "#...."]),
    ('G', [".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"]),
    ('H', ["#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"]),
    ('I', [".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."]),
    ('J', ["..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."]),
    ('K', ["#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"]),
    ('L', ["#....", "#....", "#....", "#....", "#....", "#....", "#####"]),
    ('M', ["#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"]),
    ('N', ["#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"]),
    ('O', [".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."]),
    ('P', ["####.", "#...#", "#...#", "####.", "#....", "#....", "#...."]),
    ('Q', [".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"]),
    ('R', ["####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"]),
    ('S', [".####", "#....", "#....", ".###.", "....#", "....#", "####."]),
    ('T', ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."]),
    ('U', ["#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."]),
    ('V', ["#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."]),
    ('W', ["#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."]),
    ('X', ["#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"]),
    ('Y', ["#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."]),
    ('Z', ["#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"]),
];

fn font_rows(ch: char) -> Option<&'static [&'static str; FONT_H]> {
    let up = ch.to_ascii_uppercase();
    FONT.iter().find(|(c, _)| *c == up).map(|(_, rows)| rows)
}

/// Renders character `ch` (a digit or a letter, case-insensitive) onto a `w×h` grid with
/// `GLYPH_MIN_SIDE ≤ w, h ≤ GLYPH_MAX_SIDE`: the 5×7 font is scaled by the largest integer
/// factor `s` that fits inside a margin of `⌊min(w,h)/16⌋` cells (nearest neighbour, so strokes
/// stay crisp) and centred. Ink is +1, background −1.
/// Returns `None` for an unknown character or an unsupported grid size.
pub fn glyph(ch: char, w: usize, h: usize) -> Option<Vec<i8>> {
    let rows = font_rows(ch)?;
    if !(GLYPH_MIN_SIDE..=GLYPH_MAX_SIDE).contains(&w)
        || !(GLYPH_MIN_SIDE..=GLYPH_MAX_SIDE).contains(&h)
    {
        return None;
    }
    let margin = w.min(h) / 16;
    // Largest integer scale that fits the inner box; ≥ 1 because w, h ≥ 8 > 7.
    let s = ((w - 2 * margin) / FONT_W)
        .min((h - 2 * margin) / FONT_H)
        .max(1);
    let (bw, bh) = (FONT_W * s, FONT_H * s);
    let (ox, oy) = ((w - bw) / 2, (h - bh) / 2);
    let mut out = vec![-1i8; w * h];
    for (fr, line) in rows.iter().enumerate() {
        for (fc, cell) in line.bytes().enumerate() {
            if cell != b'#' {
                continue;
            }
            for r in oy + fr * s..oy + (fr + 1) * s {
                out[r * w + ox + fc * s..r * w + ox + (fc + 1) * s].fill(1);
            }
        }
    }
    Some(out)
}

/// The characters of `text` rendered on a `w×h` grid (see [`glyph`]); `None` if a character is
/// unknown or the grid size unsupported.
pub fn glyphs(text: &str, w: usize, h: usize) -> Option<Vec<Vec<i8>>> {
    text.chars().map(|c| glyph(c, w, h)).collect()
}

/// The default teaching memories ([`TEACHING_SET`]) rendered on a `w×h` grid;
/// `None` if the grid size is outside what [`glyph`] supports.
pub fn teaching_patterns(w: usize, h: usize) -> Option<Vec<Vec<i8>>> {
    TEACHING_SET.iter().map(|&c| glyph(c, w, h)).collect()
}

/// The correlated set ([`CORRELATED_SET`]) rendered on a `w×h` grid.
pub fn correlated_patterns(w: usize, h: usize) -> Option<Vec<Vec<i8>>> {
    CORRELATED_SET.iter().map(|&c| glyph(c, w, h)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_and_hamming_agree() {
        let mut rng = Rng::new(1);
        let a = random_pattern(100, &mut rng);
        let mut b = a.clone();
        flip_exact(&mut b, 13, &mut rng).expect("count");
        assert_eq!(hamming(&a, &b).expect("len"), 13);
        let m = overlap(&a, &b).expect("len");
        assert!((m - (1.0 - 2.0 * 13.0 / 100.0)).abs() < 1e-12);
        let mut c = a.clone();
        invert(&mut c);
        assert_eq!(overlap(&a, &c).expect("len"), -1.0);
    }

    #[test]
    fn flip_exact_is_uniform_over_positions() {
        // Each position is flipped with probability k/N; chi-square over positions.
        let (n, k, reps) = (10, 3, 20_000);
        let mut rng = Rng::new(2);
        let mut counts = [0usize; 10];
        for _ in 0..reps {
            let mut y = vec![1i8; n];
            assert_eq!(flip_exact(&mut y, k, &mut rng).expect("count"), k);
            assert_eq!(y.iter().filter(|&&v| v == -1).count(), k);
            for (c, &v) in counts.iter_mut().zip(&y) {
                *c += usize::from(v == -1);
            }
        }
        let e = (reps * k) as f64 / n as f64;
        let chi2: f64 = counts.iter().map(|&c| (c as f64 - e).powi(2) / e).sum();
        // 9 dof, 99.9 % quantile 27.88.
        assert!(chi2 < 27.88, "chi2 {chi2}");
    }

    #[test]
    fn flip_fraction_rounds() {
        let mut rng = Rng::new(3);
        let mut y = vec![1i8; 64];
        assert_eq!(flip_fraction(&mut y, 0.2, &mut rng).expect("p"), 13);
        assert_eq!(y.iter().filter(|&&v| v == -1).count(), 13);
    }

    #[test]
    fn occlusion_covers_the_right_cells() {
        let mut rng = Rng::new(4);
        let (w, h) = (5, 4);
        let mut y = vec![1i8; w * h];
        let c = occlude_half(&mut y, w, h, Half::Right, Fill::Off, &mut rng).expect("grid");
        assert_eq!(c, 3 * 4);
        for r in 0..h {
            assert_eq!(&y[r * w..r * w + 2], &[1, 1]);
            assert_eq!(&y[r * w + 2..r * w + 5], &[-1, -1, -1]);
        }
        let mut y = vec![-1i8; w * h];
        let rect = Rect {
            x: 3,
            y: 2,
            w: 10,
            h: 10,
        };
        let c = occlude_rect(&mut y, w, h, rect, Fill::On, &mut rng).expect("grid");
        assert_eq!(c, 2 * 2);
        assert_eq!(y.iter().filter(|&&v| v == 1).count(), 4);
        assert_eq!(y[2 * w + 3], 1);
        assert_eq!(y[3 * w + 4], 1);
    }

    #[test]
    fn mix_takes_the_requested_share() {
        let mut rng = Rng::new(5);
        let mut y = vec![1i8; 50];
        let other = vec![-1i8; 50];
        assert_eq!(mix(&mut y, &other, 0.3, &mut rng).expect("ok"), 15);
        assert_eq!(y.iter().filter(|&&v| v == -1).count(), 15);
    }

    #[test]
    fn resample_round_trip() {
        let mut rng = Rng::new(6);
        let a = random_pattern(12 * 9, &mut rng);
        let big = resample(&a, 12, 9, 36, 27).expect("grid");
        let back = resample(&big, 36, 27, 12, 9).expect("grid");
        assert_eq!(a, back);
        assert_eq!(resample(&a, 12, 9, 12, 9).expect("grid"), a);
        // Upsampled cell (x, y) copies source cell (x/3, y/3).
        assert_eq!(big[5 * 36 + 7], a[12 + 2]);
    }

    #[test]
    fn glyph_sizes_and_margins() {
        for &(w, h) in &[(8, 8), (16, 16), (64, 64), (256, 256), (20, 12)] {
            for ch in GLYPH_CHARS.chars() {
                let g = glyph(ch, w, h).expect("known glyph");
                assert_eq!(g.len(), w * h);
                assert!(g.contains(&1), "{ch} is blank at {w}×{h}");
                let m = w.min(h) / 16;
                for r in 0..h {
                    for c in 0..w {
                        if r < m || c < m || r >= h - m || c >= w - m {
                            assert_eq!(g[r * w + c], -1, "{ch} ink in margin");
                        }
                    }
                }
            }
        }
        assert_eq!(glyph('a', 16, 16), glyph('A', 16, 16));
        assert!(glyph('?', 16, 16).is_none());
        assert!(glyph('A', 7, 16).is_none());
        assert!(glyph('A', 16, 257).is_none());
        assert_eq!(teaching_patterns(32, 32).map(|v| v.len()), Some(4));
        assert_eq!(glyphs("HI5", 9, 30).map(|v| v.len()), Some(3));
        assert!(glyphs("H!", 9, 30).is_none());
    }

    #[test]
    fn validation() {
        let mut rng = Rng::new(7);
        let mut y = vec![1i8; 4];
        assert!(flip_noise(&mut y, f64::NAN, &mut rng).is_err());
        assert!(flip_noise(&mut y, 1.5, &mut rng).is_err());
        assert!(flip_exact(&mut y, 5, &mut rng).is_err());
        assert!(overlap(&y, &[1, 1]).is_err());
        assert!(overlap(&[], &[]).is_err());
        assert!(hamming(&y, &[1]).is_err());
        assert!(mix(&mut y, &[1], 0.5, &mut rng).is_err());
        assert!(occlude_half(&mut y, 3, 2, Half::Left, Fill::Off, &mut rng).is_err());
        assert!(occlude_half(&mut y, 0, 4, Half::Left, Fill::Off, &mut rng).is_err());
        assert!(resample(&y, 2, 2, 0, 3).is_err());
        assert!(resample(&y, 2, 2, 1 << 9, 1 << 9).is_err());
        // Extreme shapes: a 1×65536 column resampled to 65536×1.
        let col = vec![1i8; 1 << 16];
        assert_eq!(
            resample(&col, 1, 1 << 16, 1 << 16, 1).expect("ok").len(),
            1 << 16
        );
        assert!(check_spins(&[1, 0]).is_err());
        let e = PatternError::Fraction {
            what: "flip probability",
            value: f64::NAN,
        };
        assert_eq!(
            e.to_string(),
            "flip probability must be between 0 and 1, got NaN"
        );
    }
}
