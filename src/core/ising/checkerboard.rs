//! The vectorised checkerboard sweep for even L, and the RGBA painter of the lattice.
//!
//! On an even `L×L` torus the sites with `x + y` even and those with `x + y` odd form two
//! sublattices ("planes"), and every neighbour of a site lies in the other plane. Given the
//! other plane, the spins of one plane are therefore conditionally independent under
//! `π(s) ∝ exp(−E(s)/T)`: updating all of them at once with the single-spin rule is the same
//! Markov kernel as updating them one after the other, and each half sweep satisfies detailed
//! balance with respect to π (the order used by parallel Ising codes). A sweep is: plane 0,
//! then plane 1 — the same order as the scalar sweep.
//!
//! Layout: for the duration of a batch of sweeps the spins are copied into two planes of
//! `L/2` entries per row (`plane_p[y·L/2 + j]` is the site `x = 2j + ((y + p) mod 2)`), so each
//! row of a plane is contiguous, and its four neighbours are the same index `j` in the rows
//! `y ± 1` of the other plane and the indices `j − 1 + o`, `j + o` (`o = (y + p) mod 2`) of row
//! `y` of the other plane. The inner loop is then straight-line, branch-free code over
//! contiguous `i8` rows that the compiler turns into SIMD (wasm `simd128`, SSE2).
//!
//! Acceptance: the flip probabilities `p(s, Σ neighbours)` (ten values, built for the
//! current `T, h` by the lattice) are turned into 31-bit integer thresholds
//! `θ = ⌊p·2³¹⌉ = θ_hi·2²⁴ + θ_lo` (`θ_hi ∈ 0..=128`, `θ_lo < 2²⁴`), and a site flips iff a
//! uniform `u ∈ 0..2³¹` is below θ. The vector loop draws only the top 7 bits `v` of `u` (one
//! random byte per site): `v < θ_hi` flips, `v > θ_hi` does not, and only a tie `v = θ_hi`
//! (probability 1/128) needs the low 24 bits `w`, drawn for those few sites after the row: flip
//! iff `w < θ_lo`. So `P(flip) = θ_hi/128 + θ_lo/2³¹ = θ/2³¹`, within 2⁻³² of `p`,
//! exactly 1 for `p = 1` and 0 for `p = 0`. The random bytes come from [`RngLanes`] seeded from
//! the caller's [`Rng`] once per sweep (the low bits from the [`Rng`] itself), so the run replays
//! from its seed and the integer-only kernel gives bit-identical results on every target.

use super::lattice::{table_index, FlipTable};
use crate::lanes::{RngLanes, LANES};
use crate::rng::Rng;

/// `2³¹`: the scale of the integer acceptance thresholds (31-bit uniforms).
const SCALE: f64 = 2_147_483_648.0;
/// `2²⁴`: the weight of one step of the 7-bit coarse uniform.
const LOW: u32 = 1 << 24;

/// Flip thresholds by spin and neighbour sum, split for the two-stage comparison (module doc).
/// The five entries of each array are for `nb = −4, −2, 0, 2, 4`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Thresholds {
    /// `θ_hi − 1` for `s = +1` (flip iff `v ≤` this; −1 never, 127 always).
    hi_plus: [i8; 5],
    /// `θ_hi − 1` for `s = −1`.
    hi_minus: [i8; 5],
    /// `θ_lo`, indexed like [`table_index`].
    lo: [u32; 10],
}

impl Thresholds {
    /// From a probability table (indexed like [`table_index`]).
    pub(crate) fn new(table: &FlipTable) -> Self {
        let mut t = Self {
            hi_plus: [0; 5],
            hi_minus: [0; 5],
            lo: [0; 10],
        };
        for (i, &p) in table.iter().enumerate() {
            // θ = ⌊p·2³¹⌉ = θ_hi·2²⁴ + θ_lo
            let theta = (p.clamp(0.0, 1.0) * SCALE).round() as u32;
            let (hi, lo) = (theta / LOW, theta % LOW);
            let hi_m1 = (hi as i32 - 1) as i8;
            // table_index(s, nb) = 5·(s+1)/2 + (nb+4)/2: entries 0..5 are s = −1, 5..10 are s = +1
            if i < 5 {
                t.hi_minus[i] = hi_m1;
            } else {
                t.hi_plus[i - 5] = hi_m1;
            }
            t.lo[i] = lo;
        }
        t
    }

    /// The threshold θ for spin `s` (±1) and neighbour sum `nb`, put back together (tests).
    #[cfg(test)]
    fn theta(&self, s: i8, nb: i8) -> u32 {
        let hi = if s > 0 { self.hi_plus } else { self.hi_minus };
        let k = ((nb + 4) / 2) as usize;
        let lo = self.lo[table_index(s, i32::from(nb))];
        assert!(lo < LOW && (lo == 0 || hi[k] < 127));
        (i32::from(hi[k]) + 1) as u32 * LOW + lo
    }
}

/// `t[(nb + 4)/2]` for `nb ∈ {−4, −2, 0, 2, 4}` by compare-and-select (no table lookup, so it
/// vectorises).
#[inline(always)]
fn pick(nb: i8, t: [i8; 5]) -> i8 {
    let mut x = t[4];
    x = if nb < 3 { t[3] } else { x };
    x = if nb < 1 { t[2] } else { x };
    x = if nb < -1 { t[1] } else { x };
    if nb < -3 {
        t[0]
    } else {
        x
    }
}

/// The planes and buffers of the plane sweep, allocated once per lattice size.
#[derive(Clone, Debug, Default)]
pub(crate) struct PlaneScratch {
    /// Plane 0 then plane 1, `L²/2` entries each.
    planes: Vec<i8>,
    /// Whether `planes` holds the current spins (cleared by every other change of the spins,
    /// so consecutive plane sweeps skip the copy into planes).
    fresh: bool,
    /// One row of the other plane with its periodic neighbours on both ends (`L/2 + 2`).
    pad: Vec<i8>,
    /// One random byte per site of a row (`L/2`).
    coarse: Vec<u8>,
    /// Per site of a row: bit 0 = flipped, bit 1 = needs the low random bits (`L/2`).
    flags: Vec<u8>,
}

impl PlaneScratch {
    /// Buffers for an `l×l` lattice (`l` even).
    pub(crate) fn new(l: usize) -> Self {
        Self {
            planes: vec![0; l * l],
            fresh: false,
            pad: vec![0; l / 2 + 2],
            coarse: vec![0; l / 2],
            flags: vec![0; l / 2],
        }
    }

    /// Marks the planes as stale: the spins were changed by something other than a plane sweep.
    #[inline]
    pub(crate) fn invalidate(&mut self) {
        self.fresh = false;
    }
}

/// What a batch of plane sweeps left: accepted flips and the recounted sums
/// `Σ_⟨ij⟩ sᵢsⱼ`, `Σ sᵢ`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SweepResult {
    pub flips: usize,
    pub bond_sum: i64,
    pub spin_sum: i64,
}

/// The rows around row `y` of a plane: the other plane's rows `y − 1`, `y`, `y + 1`.
struct Around<'a> {
    up: &'a [i8],
    down: &'a [i8],
    left: &'a [i8],
    right: &'a [i8],
}

/// Fills `pad` from the other plane's row `y` and returns the four neighbour rows of the sites of
/// row `y` of plane `parity` (module doc: left = `pad[j + o]`, right = `pad[j + o + 1]`).
#[inline(always)]
fn around<'a>(other: &'a [i8], pad: &'a mut [i8], l: usize, y: usize, parity: usize) -> Around<'a> {
    let hh = l / 2;
    let o = (y + parity) & 1;
    let row_of = |r: usize| &other[r * hh..(r + 1) * hh];
    let q = row_of(y);
    // periodic padding: pad[k] = q[k − 1]
    pad[0] = q[hh - 1];
    pad[1..=hh].copy_from_slice(q);
    pad[hh + 1] = q[0];
    let pad: &'a [i8] = pad;
    Around {
        up: row_of((y + l - 1) % l),
        down: row_of((y + 1) % l),
        left: &pad[o..o + hh],
        right: &pad[o + 1..o + 1 + hh],
    }
}

/// `sweeps` checkerboard sweeps of the even `l×l` lattice `spins` (row-major ±1) with
/// thresholds `thr`, drawing one [`RngLanes`] seed per sweep (and the rare low bits) from `rng`.
/// Returns the accepted flips and the recounted sums. `spins.len() == l²`, `l` even, scratch
/// made by `PlaneScratch::new(l)` and invalidated whenever `spins` changed since the last call.
pub(crate) fn plane_sweeps(
    spins: &mut [i8],
    l: usize,
    thr: &Thresholds,
    sweeps: usize,
    scratch: &mut PlaneScratch,
    rng: &mut Rng,
) -> SweepResult {
    debug_assert!(l % 2 == 0 && spins.len() == l * l);
    let hh = l / 2;
    let half = hh * l;
    if !scratch.fresh {
        split(spins, &mut scratch.planes, l);
        scratch.fresh = true;
    }
    let (p0, p1) = scratch.planes.split_at_mut(half);
    let pad = &mut scratch.pad[..hh + 2];
    let coarse = &mut scratch.coarse[..hh];
    let flags = &mut scratch.flags[..hh];
    let mut flips = 0usize;
    for _ in 0..sweeps {
        let mut lanes = RngLanes::<LANES>::from_rng(rng);
        for parity in 0..2 {
            let (cur, other): (&mut [i8], &[i8]) = if parity == 0 {
                (&mut *p0, &*p1)
            } else {
                (&mut *p1, &*p0)
            };
            for y in 0..l {
                let nbrs = around(other, pad, l, y, parity);
                lanes.fill_bytes(coarse);
                let row = &mut cur[y * hh..(y + 1) * hh];
                update_row(row, &nbrs, coarse, flags, thr);
                flips += finish_row(row, &nbrs, flags, thr, rng);
            }
        }
    }
    let (bond_sum, spin_sum) = recount(p0, p1, pad, l);
    merge(&scratch.planes, spins, l);
    SweepResult {
        flips,
        bond_sum,
        spin_sum,
    }
}

/// The vector loop over one plane row: decides every site from its random byte, flips the
/// sure ones and marks the ties (module doc). `flags[j]`: bit 0 = flipped, bit 1 = tie.
#[inline(always)]
fn update_row(row: &mut [i8], a: &Around, coarse: &[u8], flags: &mut [u8], thr: &Thresholds) {
    let n = row.len();
    let (up, down, left, right) = (&a.up[..n], &a.down[..n], &a.left[..n], &a.right[..n]);
    let (coarse, flags) = (&coarse[..n], &mut flags[..n]);
    let Thresholds {
        hi_plus, hi_minus, ..
    } = *thr;
    for j in 0..n {
        let s = row[j];
        // Σⱼ sⱼ over the four neighbours, in −4..=4
        let nb = up[j] + down[j] + left[j] + right[j];
        // the top 7 bits of u
        let v = (coarse[j] >> 1) as i8;
        let hi = if s > 0 {
            pick(nb, hi_plus)
        } else {
            pick(nb, hi_minus)
        };
        // v < θ_hi: u < θ whatever the low bits; v = θ_hi: a tie, settled by the low bits
        let flip = v <= hi;
        flags[j] = u8::from(flip) | (u8::from(v - 1 == hi) << 1);
        row[j] = if flip { -s } else { s };
    }
}

/// Counts the row's flips and settles its ties with 24 more random bits each: flip iff
/// `w < θ_lo`. Returns the row's flips.
#[inline(always)]
fn finish_row(row: &mut [i8], a: &Around, flags: &[u8], thr: &Thresholds, rng: &mut Rng) -> usize {
    const FLIP: u64 = 0x0101_0101_0101_0101;
    const TIE: u64 = FLIP << 1;
    let mut flips = 0usize;
    let mut tie = |j: usize, row: &mut [i8], flips: &mut usize| {
        let s = row[j];
        let nb = a.up[j] + a.down[j] + a.left[j] + a.right[j];
        // w uniform in 0..2²⁴: the low bits of u
        let w = (rng.next_u64() >> 40) as u32;
        if w < thr.lo[table_index(s, i32::from(nb))] {
            row[j] = -s;
            *flips += 1;
        }
    };
    let mut words = flags.chunks_exact(8);
    let mut base = 0;
    for c in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        let w = u64::from_le_bytes(b);
        flips += (w & FLIP).count_ones() as usize;
        if w & TIE != 0 {
            for (k, &f) in c.iter().enumerate() {
                if f & 2 != 0 {
                    tie(base + k, row, &mut flips);
                }
            }
        }
        base += 8;
    }
    for (k, &f) in words.remainder().iter().enumerate() {
        flips += usize::from(f & 1);
        if f & 2 != 0 {
            tie(base + k, row, &mut flips);
        }
    }
    flips
}

/// `(Σ_⟨ij⟩ sᵢsⱼ, Σ sᵢ)` from the planes: every bond has exactly one end in plane 0, so the bond
/// sum is `Σ_{i ∈ plane 0} sᵢ Σⱼ sⱼ`.
fn recount(p0: &[i8], p1: &[i8], pad: &mut [i8], l: usize) -> (i64, i64) {
    let hh = l / 2;
    let mut bonds = 0i64;
    for y in 0..l {
        let a = around(p1, pad, l, y, 0);
        let row = &p0[y * hh..(y + 1) * hh];
        let (up, down, left, right) = (&a.up[..hh], &a.down[..hh], &a.left[..hh], &a.right[..hh]);
        let mut acc = 0i32;
        for j in 0..hh {
            let nb = up[j] + down[j] + left[j] + right[j];
            // sᵢ Σⱼ sⱼ without a multiply (s = ±1)
            acc += i32::from(if row[j] > 0 { nb } else { -nb });
        }
        bonds += i64::from(acc);
    }
    let mut spins = 0i64;
    for row in p0.chunks_exact(hh).chain(p1.chunks_exact(hh)) {
        spins += i64::from(row.iter().map(|&s| i32::from(s)).sum::<i32>());
    }
    (bonds, spins)
}

/// Row-major spins → two planes (see the module doc). `l` even.
fn split(spins: &[i8], planes: &mut [i8], l: usize) {
    let hh = l / 2;
    let (p0, p1) = planes.split_at_mut(hh * l);
    for (y, row) in spins.chunks_exact(l).enumerate() {
        let (a, b) = (&mut p0[y * hh..(y + 1) * hh], &mut p1[y * hh..(y + 1) * hh]);
        // even rows: x = 2j is in plane 0; odd rows: x = 2j is in plane 1
        let (even_x, odd_x) = if y % 2 == 0 { (a, b) } else { (b, a) };
        for ((pair, e), o) in row
            .chunks_exact(2)
            .zip(even_x.iter_mut())
            .zip(odd_x.iter_mut())
        {
            *e = pair[0];
            *o = pair[1];
        }
    }
}

/// Two planes → row-major spins (inverse of [`split`]).
fn merge(planes: &[i8], spins: &mut [i8], l: usize) {
    let hh = l / 2;
    let (p0, p1) = planes.split_at(hh * l);
    for (y, row) in spins.chunks_exact_mut(l).enumerate() {
        let (a, b) = (&p0[y * hh..(y + 1) * hh], &p1[y * hh..(y + 1) * hh]);
        let (even_x, odd_x) = if y % 2 == 0 { (a, b) } else { (b, a) };
        for ((pair, &e), &o) in row.chunks_exact_mut(2).zip(even_x).zip(odd_x) {
            pair[0] = e;
            pair[1] = o;
        }
    }
}

/// Paints spins into an RGBA image without per-pixel branching: `out[i] = up` where
/// `spins[i] > 0`, else `down`. Colours are `u32` as stored in memory on a little-endian
/// machine (WebAssembly is little-endian): `u32::from_le_bytes([r, g, b, a])`. Pixels beyond
/// the shorter of the two slices are left unchanged.
pub fn paint_rgba(spins: &[i8], out: &mut [u32], up: u32, down: u32) {
    let diff = up ^ down;
    for (px, &s) in out.iter_mut().zip(spins) {
        // mask = all ones for s > 0, else 0; then down ^ (diff & mask) is up or down
        let mask = 0u32.wrapping_sub(u32::from(s > 0));
        *px = down ^ (diff & mask);
    }
}

/// [`paint_rgba`] into a byte buffer (4 bytes per pixel, as an `ImageData` holds them).
pub fn paint_rgba_bytes(spins: &[i8], out: &mut [u8], up: [u8; 4], down: [u8; 4]) {
    let (up, down) = (u32::from_le_bytes(up), u32::from_le_bytes(down));
    let diff = up ^ down;
    for (px, &s) in out.chunks_exact_mut(4).zip(spins) {
        let mask = 0u32.wrapping_sub(u32::from(s > 0));
        px.copy_from_slice(&(down ^ (diff & mask)).to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_and_merge_are_inverse_and_follow_the_layout() {
        let l = 6;
        let spins: Vec<i8> = (0..l * l)
            .map(|i| if i % 3 == 0 { 1 } else { -1 })
            .collect();
        let mut planes = vec![0; l * l];
        split(&spins, &mut planes, l);
        let hh = l / 2;
        for p in 0..2 {
            for y in 0..l {
                for j in 0..hh {
                    let x = 2 * j + ((y + p) & 1);
                    assert_eq!(planes[p * hh * l + y * hh + j], spins[y * l + x]);
                    assert_eq!((x + y) % 2, p);
                }
            }
        }
        let mut back = vec![0; l * l];
        merge(&planes, &mut back, l);
        assert_eq!(back, spins);
    }

    #[test]
    fn thresholds_split_and_rebuild_theta() {
        let mut table = [0.0; 10];
        for (k, t) in table.iter_mut().enumerate() {
            *t = (k as f64 / 9.0).powi(3);
        }
        table[9] = 1.0;
        table[3] = 0.5;
        let thr = Thresholds::new(&table);
        for s in [-1i8, 1] {
            for nb in [-4i8, -2, 0, 2, 4] {
                let p = table[table_index(s, i32::from(nb))];
                assert_eq!(
                    thr.theta(s, nb),
                    (p * SCALE).round() as u32,
                    "s {s} nb {nb}"
                );
                let k = ((nb + 4) / 2) as usize;
                let hi = if s > 0 { thr.hi_plus } else { thr.hi_minus };
                assert_eq!(pick(nb, hi), hi[k]);
            }
        }
        // p = 1 always flips on the byte (θ_hi = 128 > any v), p = 0 never (θ_hi = 0, θ_lo = 0)
        assert_eq!((thr.hi_plus[4], thr.lo[9]), (127, 0));
        assert_eq!((thr.hi_minus[0], thr.lo[0]), (-1, 0));
        // p = ½ = 64/128 exactly
        assert_eq!((thr.hi_minus[3], thr.lo[3]), (63, 0));
    }

    #[test]
    fn painter_picks_colours() {
        let spins = [1i8, -1, -1, 1, 1];
        let mut out = [7u32; 6];
        paint_rgba(&spins, &mut out, 0xAABB_CCDD, 0x1122_3344);
        assert_eq!(
            out,
            [
                0xAABB_CCDD,
                0x1122_3344,
                0x1122_3344,
                0xAABB_CCDD,
                0xAABB_CCDD,
                7
            ]
        );
        let mut bytes = [0u8; 8];
        paint_rgba_bytes(&spins[..2], &mut bytes, [1, 2, 3, 255], [9, 8, 7, 255]);
        assert_eq!(bytes, [1, 2, 3, 255, 9, 8, 7, 255]);
    }
}
