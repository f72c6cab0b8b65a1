//! Many independent random streams advanced in lock-step, for kernels the compiler vectorises.
//!
//! [`RngLanes`] holds `W` xoshiro128++ generators (Blackman & Vigna, "Scrambled linear
//! pseudorandom number generators", ACM TOMS 2021) as a structure of arrays: word `k` of every
//! lane sits in one `[u32; W]`, so one step of all lanes is a handful of element-wise 32-bit
//! adds, xors, shifts and rotations on whole arrays — exactly what SIMD (wasm `simd128`, SSE2)
//! does, with no multiplication. The lanes are seeded from the caller's [`Rng`], so a run that
//! uses them is still replayed exactly from its `u64` seed, and the integer arithmetic gives
//! bit-identical streams on every target.

use crate::fastmath::F32Kernels;
use crate::rng::Rng;

/// Number of lanes the kernels in this crate use: 16 × 32 bits = four 128-bit vectors per word.
pub const LANES: usize = 16;

/// The uniform of [`RngLanes::uniform_open_f32`] from one random word: `(k + ½)·2⁻²³` for the
/// word's top 23 bits `k`, on the open interval (0, 1).
#[inline(always)]
pub fn open_unit_f32(word: u32) -> f32 {
    ((word >> 9) as f32 + 0.5) * (1.0 / 8_388_608.0)
}

/// The uniform of [`RngLanes::uniform_f64`] from two random words: the top 52 of their 64 bits
/// (`hi` first) as the mantissa under the exponent of 1.0, minus 1, on [0, 1).
#[inline(always)]
pub fn unit_f64(hi: u32, lo: u32) -> f64 {
    let bits = (u64::from(hi) << 32) | u64::from(lo);
    f64::from_bits((bits >> 12) | 0x3FF0_0000_0000_0000) - 1.0
}

/// `W` independent xoshiro128++ streams (structure of arrays), seeded from an [`Rng`].
#[derive(Clone, Debug)]
pub struct RngLanes<const W: usize = LANES> {
    s0: [u32; W],
    s1: [u32; W],
    s2: [u32; W],
    s3: [u32; W],
}

impl<const W: usize> RngLanes<W> {
    /// `W` streams whose 128-bit states are drawn from `rng` (two `next_u64` per lane). A state
    /// that came out all-zero (probability 2⁻¹²⁸; xoshiro's one forbidden state) gets a 1.
    pub fn from_rng(rng: &mut Rng) -> Self {
        let mut l = Self {
            s0: [0; W],
            s1: [0; W],
            s2: [0; W],
            s3: [0; W],
        };
        for i in 0..W {
            let (a, b) = (rng.next_u64(), rng.next_u64());
            l.s0[i] = a as u32;
            l.s1[i] = (a >> 32) as u32;
            l.s2[i] = b as u32;
            l.s3[i] = (b >> 32) as u32;
            if a == 0 && b == 0 {
                l.s0[i] = 1;
            }
        }
        l
    }

    /// The next 32 random bits of every lane, into `out` (lane i → `out[i]`).
    // One lane index into five arrays of length W reads best as a counted loop (and vectorises).
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    pub fn next_u32(&mut self, out: &mut [u32; W]) {
        for i in 0..W {
            let (s0, s1, s2, s3) = (self.s0[i], self.s1[i], self.s2[i], self.s3[i]);
            // xoshiro128++ output: rotl(s0 + s3, 7) + s0
            out[i] = s0.wrapping_add(s3).rotate_left(7).wrapping_add(s0);
            // state transition
            let t = s1 << 9;
            let s2 = s2 ^ s0;
            let s3 = s3 ^ s1;
            let s1 = s1 ^ s2;
            let s0 = s0 ^ s3;
            let s2 = s2 ^ t;
            let s3 = s3.rotate_left(11);
            self.s0[i] = s0;
            self.s1[i] = s1;
            self.s2[i] = s2;
            self.s3[i] = s3;
        }
    }

    /// Fills `out` with random 32-bit words, `W` at a time (lane i writes positions ≡ i mod W);
    /// a final partial block draws one full step and keeps its first entries.
    #[inline]
    pub fn fill_u32(&mut self, out: &mut [u32]) {
        let mut chunks = out.chunks_exact_mut(W);
        // each step written straight into its block: through a copy, the wasm build called
        // `memory.copy` (a runtime call in the browser) for every 4W bytes
        for c in &mut chunks {
            if let Ok(c) = <&mut [u32; W]>::try_from(c) {
                self.next_u32(c);
            }
        }
        let rest = chunks.into_remainder();
        if !rest.is_empty() {
            let mut block = [0u32; W];
            self.next_u32(&mut block);
            rest.copy_from_slice(&block[..rest.len()]);
        }
    }

    /// Fills `out` with random bytes: each step of the `W` lanes gives `4W` bytes (the words'
    /// little-endian bytes, lane after lane); a final partial block keeps the first bytes of
    /// one more step.
    #[inline]
    pub fn fill_bytes(&mut self, out: &mut [u8]) {
        let mut block = [0u32; W];
        let mut chunks = out.chunks_exact_mut(4 * W);
        for c in &mut chunks {
            self.next_u32(&mut block);
            for (b, w) in c.chunks_exact_mut(4).zip(block) {
                b.copy_from_slice(&w.to_le_bytes());
            }
        }
        let rest = chunks.into_remainder();
        if !rest.is_empty() {
            self.next_u32(&mut block);
            for (b, w) in rest
                .iter_mut()
                .zip(block.iter().flat_map(|w| w.to_le_bytes()))
            {
                *b = w;
            }
        }
    }

    /// Uniform `f32` on the open interval (0, 1) in every lane: `(k + ½)·2⁻²³` for a uniform
    /// 23-bit `k` (every value exact in `f32`, never 0 or 1, so safe to take the logarithm of
    /// either `u` or `1 − u`; `P(u < p)` is within 2⁻²⁴ of `p` and exactly 0 or 1 at `p = 0, 1`).
    #[inline(always)]
    pub fn uniform_open_f32(&mut self, out: &mut [f32; W]) {
        let mut bits = [0u32; W];
        self.next_u32(&mut bits);
        for (o, b) in out.iter_mut().zip(bits) {
            *o = open_unit_f32(b);
        }
    }

    /// Uniform `f64` on [0, 1) in every lane with 52 random bits (two words per lane).
    #[inline(always)]
    pub fn uniform_f64(&mut self, out: &mut [f64; W]) {
        let (mut hi, mut lo) = ([0u32; W], [0u32; W]);
        self.next_u32(&mut hi);
        self.next_u32(&mut lo);
        for ((o, h), l) in out.iter_mut().zip(hi).zip(lo) {
            *o = unit_f64(h, l);
        }
    }

    /// Two standard normal draws per lane (Box–Muller, [`F32Kernels::box_muller`]) into `z0`
    /// and `z1`, from two steps of the lanes. A loop over many blocks passes
    /// [`F32Kernels::for_loops`], read once before it (see [`F32Kernels`]).
    #[inline(always)]
    pub fn normals_f32(&mut self, k: &F32Kernels, z0: &mut [f32; W], z1: &mut [f32; W]) {
        let (mut u1, mut u2) = ([0.0f32; W], [0.0f32; W]);
        self.uniform_open_f32(&mut u1);
        self.uniform_open_f32(&mut u2);
        for i in 0..W {
            let (a, b) = k.box_muller(u1[i], u2[i]);
            z0[i] = a;
            z1[i] = b;
        }
    }

    /// `out[k] = 1` with probability `p[k]`, else 0 (`p` in [0, 1]; see
    /// [`RngLanes::uniform_open_f32`] for the resolution), `W` units per step of the lanes.
    #[inline]
    pub fn bernoulli_f32(&mut self, p: &[f32], out: &mut [f32]) {
        let mut u = [0.0f32; W];
        for (pc, oc) in p.chunks(W).zip(out.chunks_mut(W)) {
            self.uniform_open_f32(&mut u);
            for ((o, &pk), &uk) in oc.iter_mut().zip(pc).zip(&u) {
                *o = if uk < pk { 1.0 } else { 0.0 };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng as _, SeedableRng};

    /// xoshiro128++ written out for one lane, independently of the array version.
    fn reference(mut s: [u32; 4], n: usize) -> Vec<u32> {
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(s[0].wrapping_add(s[3]).rotate_left(7).wrapping_add(s[0]));
            let t = s[1] << 9;
            s[2] ^= s[0];
            s[3] ^= s[1];
            s[1] ^= s[2];
            s[0] ^= s[3];
            s[2] ^= t;
            s[3] = s[3].rotate_left(11);
        }
        out
    }

    #[test]
    fn each_lane_is_xoshiro128pp() {
        // First outputs of xoshiro128++ from state {1, 2, 3, 4}, as pinned by rand_xoshiro's
        // own tests (from the reference C implementation).
        assert_eq!(reference([1, 2, 3, 4], 3), [641, 1_573_767, 3_222_811_527]);
        let mut rng = Rng::new(9);
        let mut lanes = RngLanes::<8>::from_rng(&mut rng);
        let mut seeds = Rng::new(9);
        let states: Vec<[u32; 4]> = (0..8)
            .map(|_| {
                let (a, b) = (seeds.next_u64(), seeds.next_u64());
                [a as u32, (a >> 32) as u32, b as u32, (b >> 32) as u32]
            })
            .collect();
        let mut got = vec![[0u32; 8]; 5];
        for g in &mut got {
            lanes.next_u32(g);
        }
        for (i, st) in states.iter().enumerate() {
            // the same lane from rand_xoshiro, an independent implementation
            let mut seed = [0u8; 16];
            for (k, w) in st.iter().enumerate() {
                seed[4 * k..4 * k + 4].copy_from_slice(&w.to_le_bytes());
            }
            let mut x = rand_xoshiro::Xoshiro128PlusPlus::from_seed(seed);
            let want: Vec<u32> = (0..5).map(|_| x.next_u32()).collect();
            assert_eq!(want, reference(*st, 5));
            let lane: Vec<u32> = got.iter().map(|g| g[i]).collect();
            assert_eq!(lane, want, "lane {i}");
        }
    }

    #[test]
    fn fill_and_uniform_ranges() {
        let mut rng = Rng::new(3);
        let mut lanes = RngLanes::<LANES>::from_rng(&mut rng);
        let mut buf = vec![0u32; 37];
        lanes.fill_u32(&mut buf);
        assert!(buf.iter().any(|&x| x != buf[0]));
        // bytes are the words' little-endian bytes, in the same order
        let (mut a, mut b) = (lanes.clone(), lanes.clone());
        let mut words = vec![0u32; 2 * LANES];
        a.fill_u32(&mut words);
        let mut bytes = vec![0u8; 4 * 2 * LANES - 3];
        b.fill_bytes(&mut bytes);
        let want: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        assert_eq!(bytes[..], want[..bytes.len()]);
        let mut u = [0.0f32; LANES];
        let (mut sum, mut n) = (0.0f64, 0usize);
        for _ in 0..20_000 {
            lanes.uniform_open_f32(&mut u);
            for &x in &u {
                assert!(x > 0.0 && x < 1.0);
                sum += f64::from(x);
                n += 1;
            }
        }
        // sd of the mean = sqrt(1/12/n) ≈ 5.1e-4 for n = 320 000; 5 sd.
        assert!((sum / n as f64 - 0.5).abs() < 2.6e-3);
        // the extreme words map inside (0, 1): the conversion of uniform_open_f32
        let (lo, hi) = (
            open_unit_f32(std::hint::black_box(0)),
            open_unit_f32(std::hint::black_box(u32::MAX)),
        );
        assert!(lo > 0.0 && hi < 1.0, "{lo} {hi}");
        let p = [0.0f32, 1.0, 0.25, 0.9];
        let mut ones = [0usize; 4];
        let mut out = [0.0f32; 4];
        for _ in 0..40_000 {
            lanes.bernoulli_f32(&p, &mut out);
            for (c, &o) in ones.iter_mut().zip(&out) {
                *c += usize::from(o == 1.0);
            }
        }
        assert_eq!((ones[0], ones[1]), (0, 40_000));
        // binomial sd: √(40000·¼·¾) ≈ 87, √(40000·0.09) = 60; 5 sd
        assert!((ones[2] as f64 - 10_000.0).abs() < 435.0, "{}", ones[2]);
        assert!((ones[3] as f64 - 36_000.0).abs() < 300.0, "{}", ones[3]);
        // f64 uniforms and normals: ranges and moments
        let (mut s1, mut s2, mut m) = (0.0f64, 0.0f64, 0usize);
        let mut u = [0.0f64; LANES];
        let (mut a, mut b) = ([0.0f32; LANES], [0.0f32; LANES]);
        for _ in 0..10_000 {
            lanes.uniform_f64(&mut u);
            assert!(u.iter().all(|&x| (0.0..1.0).contains(&x)));
            lanes.normals_f32(&F32Kernels::CONST, &mut a, &mut b);
            for &z in a.iter().chain(&b) {
                s1 += f64::from(z);
                s2 += f64::from(z) * f64::from(z);
                m += 1;
            }
        }
        let mean = s1 / m as f64;
        let var = s2 / m as f64 - mean * mean;
        // n = 320 000: sd of the mean 1.8e-3, of the variance ≈ 2.5e-3; 5 sd
        assert!(
            mean.abs() < 9e-3 && (var - 1.0).abs() < 1.3e-2,
            "{mean} {var}"
        );
    }
}
