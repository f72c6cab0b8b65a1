//! Elementary functions computed by this crate, so they give the same bits on every target and
//! inline into hot loops.
//!
//! WebAssembly has no `exp` instruction: `f64::exp` and `f32::exp` become calls into the
//! compiler's bundled maths library, several times slower than the native C library's, never
//! inlined, and with last bits that may differ from a native build's. The functions here are
//! straight-line arithmetic (plus, for [`exp`], a 64-entry table), identical on every target,
//! and the `f32` ones are branch-free so loops over slices vectorise.

/// `2^(j/64)`, `j = 0..64`, correctly rounded (computed to 60 digits and rounded to nearest).
const EXP2_64THS: [u64; 64] = [
    0x3FF0000000000000,
    0x3FF02C9A3E778061,
    0x3FF059B0D3158574,
    0x3FF0874518759BC8,
    0x3FF0B5586CF9890F,
    0x3FF0E3EC32D3D1A2,
    0x3FF11301D0125B51,
    0x3FF1429AAEA92DE0,
    0x3FF172B83C7D517B,
    0x3FF1A35BEB6FCB75,
    0x3FF1D4873168B9AA,
    0x3FF2063B88628CD6,
    0x3FF2387A6E756238,
    0x3FF26B4565E27CDD,
    0x3FF29E9DF51FDEE1,
    0x3FF2D285A6E4030B,
    0x3FF306FE0A31B715,
    0x3FF33C08B26416FF,
    0x3FF371A7373AA9CB,
    0x3FF3A7DB34E59FF7,
    0x3FF3DEA64C123422,
    0x3FF4160A21F72E2A,
    0x3FF44E086061892D,
    0x3FF486A2B5C13CD0,
    0x3FF4BFDAD5362A27,
    0x3FF4F9B2769D2CA7,
    0x3FF5342B569D4F82,
    0x3FF56F4736B527DA,
    0x3FF5AB07DD485429,
    0x3FF5E76F15AD2148,
    0x3FF6247EB03A5585,
    0x3FF6623882552225,
    0x3FF6A09E667F3BCD,
    0x3FF6DFB23C651A2F,
    0x3FF71F75E8EC5F74,
    0x3FF75FEB564267C9,
    0x3FF7A11473EB0187,
    0x3FF7E2F336CF4E62,
    0x3FF82589994CCE13,
    0x3FF868D99B4492ED,
    0x3FF8ACE5422AA0DB,
    0x3FF8F1AE99157736,
    0x3FF93737B0CDC5E5,
    0x3FF97D829FDE4E50,
    0x3FF9C49182A3F090,
    0x3FFA0C667B5DE565,
    0x3FFA5503B23E255D,
    0x3FFA9E6B5579FDBF,
    0x3FFAE89F995AD3AD,
    0x3FFB33A2B84F15FB,
    0x3FFB7F76F2FB5E47,
    0x3FFBCC1E904BC1D2,
    0x3FFC199BDD85529C,
    0x3FFC67F12E57D14B,
    0x3FFCB720DCEF9069,
    0x3FFD072D4A07897C,
    0x3FFD5818DCFBA487,
    0x3FFDA9E603DB3285,
    0x3FFDFC97337B9B5F,
    0x3FFE502EE78B3FF6,
    0x3FFEA4AFA2A490DA,
    0x3FFEFA1BEE615A27,
    0x3FFF50765B6E4540,
    0x3FFFA7C1819E90D8,
];

/// `e^x` in double precision: at most 1 ulp from the C library's (near correctly rounded)
/// result over the tested range. Overflows to `+∞` above ≈ 709.78, underflows through the subnormals to `0` below
/// ≈ −745.13; `NaN` gives `NaN`.
///
/// Method (Tang 1989, "Table-driven implementation of the exponential function in IEEE
/// floating-point arithmetic", ACM TOMS 15): `x = (64e + j)·ln2/64 + r` with `|r| ≤ ln2/128`,
/// `e^x = 2^e · 2^(j/64) · e^r`, and `e^r − 1` by its Taylor polynomial of degree 6 (truncation
/// below 10⁻¹⁹ relative).
#[inline]
pub fn exp(x: f64) -> f64 {
    // ln2/64 split so that k·HI is exact for |k| < 2²¹ (fdlibm's ln2_hi has 21 trailing zeros)
    const LN2_64_HI: f64 = 6.931_471_803_691_238e-1 / 64.0;
    const LN2_64_LO: f64 = 1.908_214_929_270_587_7e-10 / 64.0;
    const INV_LN2_64: f64 = 92.332_482_616_893_66;
    // y + SHIFT rounds y to the nearest integer (ties to even) for |y| < 2⁵¹, and that integer
    // sits in the low bits of the sum
    const SHIFT: f64 = 6_755_399_441_055_744.0; // 1.5·2⁵²
                                                // beyond these e^x is ∞ or 0 in double precision; clamping keeps k small (NaN passes)
    let x = if x > 709.79 { 709.79 } else { x };
    let x = if x < -745.2 { -745.2 } else { x };
    let t = x * INV_LN2_64 + SHIFT;
    let kf = t - SHIFT;
    let k = (t.to_bits() as i64).wrapping_sub(SHIFT.to_bits() as i64);
    // r = x − k·ln2/64, |r| ≤ ln2/128
    let r = (x - kf * LN2_64_HI) - kf * LN2_64_LO;
    // q = e^r − 1 = r + r²/2 + r³/6 + r⁴/24 + r⁵/120 + r⁶/720
    let r2 = r * r;
    let a = 0.5 + r * (1.0 / 6.0);
    let b = 1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0));
    let q = r + r2 * (a + r2 * b);
    let tj = f64::from_bits(EXP2_64THS[(k & 63) as usize]);
    // 2^e in two factors, each a normal number even where e^x is subnormal
    let e = k >> 6;
    let e1 = e >> 1;
    let e2 = e - e1;
    let s1 = f64::from_bits((e1.wrapping_add(1023) as u64) << 52);
    let s2 = f64::from_bits((e2.wrapping_add(1023) as u64) << 52);
    // 2^(j/64)·(1 + q), rounded once at the end
    (tj + tj * q) * s1 * s2
}

// ----- single precision, branch-free ----------------------------------------------------------
//
// The `f32` functions are methods of [`F32Kernels`], the table of their coefficients, so that a
// hot loop can hold the table in registers (see [`F32Kernels::for_loops`]); the free
// functions below are the same methods with the table as compile-time constants.

/// The coefficients and masks of the single-precision functions ([`F32Kernels::exp`],
/// [`F32Kernels::ln`], [`F32Kernels::sincos_turns`], [`F32Kernels::box_muller`]).
///
/// Why a table: a loop that calls these over a slice compiles to SIMD with some 40 vector
/// constants. Natively they are operands read from memory; in WebAssembly each is a
/// `v128.const`, and Chromium's compiler, by the timings, builds them again on every iteration. A
/// stand-alone loop of Box–Muller pairs (16 lanes of [`crate::lanes::RngLanes`], 10 240 × 100
/// pairs) took 7.7–10.6 ms in Chromium 156 against 4.3–5.3 ms natively; read from the table
/// through [`F32Kernels::for_loops`], 6.0–7.9 ms (in one page with the old form, alternating:
/// 7.2 against 8.8 and 6.0 against 7.7 ms). A loop that reads the table once that way sees
/// plain values instead of constants, keeps them in registers (or stack slots) across
/// iterations, and computes bit for bit the same results.
#[derive(Clone, Copy, Debug)]
pub struct F32Kernels {
    // exp
    exp_max: f32,
    exp_min: f32,
    log2e: f32,
    ln2_hi: f32,
    ln2_lo: f32,
    round: f32,
    round_bits: i32,
    exp_poly: [f32; 6],
    exp_bias: i32,
    // ln
    exp_mask: u32,
    ln_bias: i32,
    mantissa: u32,
    one_bits: u32,
    sqrt2: f32,
    ln_poly: [f32; 9],
    ln2: f32,
    // sin and cos of turns
    four: f32,
    quarter: f32,
    tau: f32,
    sin_poly: [f32; 3],
    cos_poly: [f32; 3],
    // shared
    half: f32,
    one: f32,
    minus_two: f32,
}

impl F32Kernels {
    /// The table as compile-time constants (what the free functions use).
    pub const CONST: Self = Self {
        exp_max: 88.3,
        exp_min: -87.3,
        log2e: std::f32::consts::LOG2_E,
        // ln2 split so that k·ln2_hi is exact (0.693359375 has 9 significant bits)
        ln2_hi: 0.693_359_4,
        ln2_lo: -2.121_944_4e-4,
        // 1.5·2²³: rounds to the nearest integer and leaves it in the low mantissa bits
        round: 12_582_912.0,
        round_bits: 0x4B40_0000,
        // Cephes expf coefficients, highest degree first
        exp_poly: [
            1.987_569_2e-4,
            1.398_199_9e-3,
            8.333_452e-3,
            4.166_579_6e-2,
            1.666_666_5e-1,
            0.5,
        ],
        exp_bias: 127,
        exp_mask: 0xFF,
        ln_bias: 127,
        mantissa: 0x007F_FFFF,
        one_bits: 0x3F80_0000,
        sqrt2: 2.0 * std::f32::consts::FRAC_1_SQRT_2,
        // Cephes logf coefficients, highest degree first
        ln_poly: [
            7.037_683_6e-2,
            -1.151_461e-1,
            1.167_699_9e-1,
            -1.242_014_1e-1,
            1.424_932_3e-1,
            -1.666_805_8e-1,
            2.000_071_4e-1,
            -2.499_999_4e-1,
            3.333_333e-1,
        ],
        ln2: std::f32::consts::LN_2,
        four: 4.0,
        quarter: 0.25,
        tau: std::f32::consts::TAU,
        // Cephes sinf and cosf coefficients, highest degree first
        sin_poly: [-1.951_529_6e-4, 8.332_161e-3, -1.666_665_5e-1],
        cos_poly: [2.443_315_7e-5, -1.388_731_6e-3, 4.166_664_6e-2],
        half: 0.5,
        one: 1.0,
        minus_two: -2.0,
    };

    /// The table for a hot loop to read once before it starts. In WebAssembly these are values
    /// the compiler cannot see through, so the loop's iterations use registers instead of
    /// rebuilding constants (see the type's documentation); natively they stay constants, which
    /// x86 reads from memory as operands for free (through registers, the native build of the
    /// stand-alone Box–Muller loop above took 4.7–6.5 ms instead of 4.2–5.3 ms). The results are
    /// the same bits either way.
    #[inline(always)]
    pub fn for_loops() -> Self {
        #[cfg(target_arch = "wasm32")]
        {
            *std::hint::black_box(&Self::CONST)
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            Self::CONST
        }
    }

    /// `e^x` in single precision, branch-free (so loops over slices vectorise), within 2 ulp
    /// for `−87.3 ≤ x ≤ 88.3`. Outside that range it saturates instead of reaching `0` or `∞`:
    /// below it returns ≈ 1.2·10⁻³⁸ (the smallest normal scale), above it ≈ 2.4·10³⁸. `NaN`
    /// gives `NaN`.
    ///
    /// Method: `x = k·ln2 + r`, `|r| ≤ ln2/2`, `e^x = 2^k·e^r`, with the minimax polynomial of
    /// Cephes' `expf` (Moshier 1992) for `e^r`.
    #[inline(always)]
    pub fn exp(&self, x: f32) -> f32 {
        // keep 2^k a normal number: k in −126..=127
        let x = if x > self.exp_max { self.exp_max } else { x };
        let x = if x < self.exp_min { self.exp_min } else { x };
        let t = x * self.log2e + self.round;
        let kf = t - self.round;
        let k = (t.to_bits() as i32).wrapping_sub(self.round_bits);
        let r = (x - kf * self.ln2_hi) - kf * self.ln2_lo;
        let r2 = r * r;
        // e^r ≈ 1 + r + r²·P(r)
        let c = &self.exp_poly;
        let p = ((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5];
        let er = r2 * p + r + self.one;
        er * f32::from_bits((k.wrapping_add(self.exp_bias) as u32) << 23)
    }

    /// The logistic function `σ(x) = 1/(1 + e^{−x})` in single precision, branch-free (see
    /// [`F32Kernels::exp`]); within 3 ulp of the exact value for `x ≥ −87`, and a tiny positive
    /// number (below 10⁻³⁸) instead of the exact one further left.
    #[inline(always)]
    pub fn sigmoid(&self, x: f32) -> f32 {
        self.one / (self.one + self.exp(-x))
    }

    /// `ln x` in single precision for positive normal `x`, branch-free (vectorises), within 2
    /// ulp. Zero, negative, subnormal, infinite and NaN inputs give unspecified finite or NaN
    /// results: callers pass uniforms in (0, 1) or other positive normal numbers.
    ///
    /// Method: `x = m·2^e` with `m ∈ [√½, √2)`, `ln x = e·ln2 + ln m`, and `ln(1 + z)`,
    /// `z = m − 1`, by the minimax polynomial of Cephes' `logf` (Moshier 1992).
    #[inline(always)]
    pub fn ln(&self, x: f32) -> f32 {
        let bits = x.to_bits();
        // exponent and mantissa m ∈ [1, 2)
        let e = ((bits >> 23) & self.exp_mask) as i32 - self.ln_bias;
        let m = f32::from_bits((bits & self.mantissa) | self.one_bits);
        // fold m into [√½, √2): halve it (and add one to e) when m ≥ √2
        let big = m >= self.sqrt2;
        let m = if big { self.half * m } else { m };
        let e = (e + i32::from(big)) as f32;
        let z = m - self.one;
        let z2 = z * z;
        let mut p = self.ln_poly[0];
        for &c in &self.ln_poly[1..] {
            p = p * z + c;
        }
        // ln(1 + z) = z − z²/2 + z³·P(z)
        let ln_m = z - self.half * z2 + z * z2 * p;
        e * self.ln2 + ln_m
    }

    /// `(sin 2πt, cos 2πt)` in single precision for a number of turns `t ∈ [0, 1]`,
    /// branch-free (vectorises), within 2·10⁻⁷ absolute.
    ///
    /// Method: the nearest quarter turn `q/4` is taken out, the rest `r ∈ [−π/4, π/4]` goes
    /// through the minimax polynomials of Cephes' `sinf` and `cosf`, and the quadrant swaps and
    /// negates.
    #[inline(always)]
    pub fn sincos_turns(&self, t: f32) -> (f32, f32) {
        // nearest quarter (1.5·2²³ rounds to an integer), r in radians
        let qf = (self.four * t + self.round) - self.round;
        let q = (self.four * t + self.round).to_bits() & 3;
        let r = (t - self.quarter * qf) * self.tau;
        let r2 = r * r;
        let (s, c) = (&self.sin_poly, &self.cos_poly);
        let sin_r = ((s[0] * r2 + s[1]) * r2 + s[2]) * r2 * r + r;
        let cos_r = ((c[0] * r2 + c[1]) * r2 + c[2]) * r2 * r2 - self.half * r2 + self.one;
        // rotate by q quarter turns: (s, c) → (c, −s) → (−s, −c) → (−c, s)
        let (s, c) = if q & 1 == 1 {
            (cos_r, -sin_r)
        } else {
            (sin_r, cos_r)
        };
        if q & 2 == 2 {
            (-s, -c)
        } else {
            (s, c)
        }
    }

    /// Two independent standard normal draws from two uniforms by the Box–Muller transform
    /// (Box & Muller 1958): `√(−2 ln u₁)·(cos 2πu₂, sin 2πu₂)`, with `u₁ ∈ (0, 1)`,
    /// `u₂ ∈ [0, 1)`. Branch-free (vectorises). With `u₁ ≥ 2⁻²⁴` (as
    /// [`crate::lanes::RngLanes`] draws it) the pair is cut off at radius ≈ 5.77 (probability
    /// 6·10⁻⁸), symmetrically, so a proposal built from it stays symmetric.
    #[inline(always)]
    pub fn box_muller(&self, u1: f32, u2: f32) -> (f32, f32) {
        let r = (self.minus_two * self.ln(u1)).sqrt();
        let (s, c) = self.sincos_turns(u2);
        (r * c, r * s)
    }
}

/// [`F32Kernels::exp`] with constant coefficients.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    F32Kernels::CONST.exp(x)
}

/// [`F32Kernels::sigmoid`] with constant coefficients.
#[inline(always)]
pub fn sigmoid_f32(x: f32) -> f32 {
    F32Kernels::CONST.sigmoid(x)
}

/// `xs[k] ← σ(xs[k])` for every entry (vectorised, the table read once).
pub fn sigmoid_in_place(xs: &mut [f32]) {
    let k = F32Kernels::for_loops();
    for x in xs {
        *x = k.sigmoid(*x);
    }
}

/// [`F32Kernels::ln`] with constant coefficients.
#[inline(always)]
pub fn ln_f32(x: f32) -> f32 {
    F32Kernels::CONST.ln(x)
}

/// [`F32Kernels::sincos_turns`] with constant coefficients.
#[inline(always)]
pub fn sincos_turns_f32(t: f32) -> (f32, f32) {
    F32Kernels::CONST.sincos_turns(t)
}

/// [`F32Kernels::box_muller`] with constant coefficients.
#[inline(always)]
pub fn box_muller_f32(u1: f32, u2: f32) -> (f32, f32) {
    F32Kernels::CONST.box_muller(u1, u2)
}

// ----- the same bits on every target ----------------------------------------------------------
//
// The remaining double-precision functions a sampler needs, from the `libm` crate (the Rust port
// of musl's maths library) rather than the platform's: a native build would otherwise call the C
// library and a wasm build the compiler's bundled copy, whose last bits differ on some inputs, and
// a seeded chain that branches on an acceptance test then leaves the path the other build takes.
// Through these every target runs the same code, so a seed replays bit for bit in the page and in
// `cargo test` (the benchmark's checksums compare the two builds). Only for code outside the hot
// loops: they are not faster than the platform's.

/// `ln x`, the same on every target.
#[inline]
pub fn ln(x: f64) -> f64 {
    libm::log(x)
}

/// `ln(1 + x)`, accurate near 0, the same on every target.
#[inline]
pub fn ln_1p(x: f64) -> f64 {
    libm::log1p(x)
}

/// `xʸ`, the same on every target.
#[inline]
pub fn powf(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

/// `eˣ − 1`, accurate near 0, the same on every target.
#[inline]
pub fn exp_m1(x: f64) -> f64 {
    libm::expm1(x)
}

/// `(sin x, cos x)`, the same on every target.
#[inline]
pub fn sin_cos(x: f64) -> (f64, f64) {
    libm::sincos(x)
}

/// `√(x² + y²)` without undue overflow, the same on every target: `sqrt(x·x + y·y)` (IEEE
/// arithmetic, within 1.5 ulp) whenever that sum is a finite normal number, libm's careful
/// `hypot` only where squaring would overflow or underflow (libm's is about twice the cost of a
/// whole MCHMC step's other work in wasm).
#[inline]
pub fn hypot(x: f64, y: f64) -> f64 {
    let s = x * x + y * y;
    if s.is_finite() && s >= f64::MIN_POSITIVE {
        s.sqrt()
    } else {
        libm::hypot(x, y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn portable_functions_agree_with_the_platforms_to_an_ulp() {
        let mut rng = Rng::new(4);
        for _ in 0..20_000 {
            let x = rng.range(1e-3, 50.0);
            let y = rng.range(-3.0, 3.0);
            let close = |a: f64, b: f64| (a - b).abs() <= 2.0 * f64::EPSILON * b.abs().max(1e-300);
            assert!(close(ln(x), x.ln()), "ln {x}");
            assert!(close(powf(x, y), x.powf(y)), "pow {x} {y}");
            assert!(close(exp_m1(y), y.exp_m1()), "expm1 {y}");
            assert!(close(ln_1p(y.abs()), y.abs().ln_1p()), "log1p {y}");
            let (s, c) = sin_cos(y * 2.0);
            assert!((s - (y * 2.0).sin()).abs() <= 2.0 * f64::EPSILON, "sin {y}");
            assert!((c - (y * 2.0).cos()).abs() <= 2.0 * f64::EPSILON, "cos {y}");
            assert!(close(hypot(x, y), x.hypot(y)), "hypot {x} {y}");
        }
        assert!(ln(0.0) == f64::NEG_INFINITY && ln(-1.0).is_nan());
        // Where squaring overflows or underflows, libm's careful hypot.
        assert!((hypot(3e200, 4e200) / 5e200 - 1.0).abs() < 1e-15);
        assert!((hypot(3e-200, 4e-200) / 5e-200 - 1.0).abs() < 1e-15);
        assert_eq!(hypot(0.0, 0.0), 0.0);
        assert!(hypot(f64::NAN, 1.0).is_nan());
    }

    /// Distance in units in the last place between two finite doubles of the same sign.
    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn exp_is_within_one_ulp_of_the_c_library() {
        let mut rng = Rng::new(1);
        let mut worst = 0;
        for k in 0..400_000 {
            let x = match k % 4 {
                0 => rng.range(-1.0, 1.0),
                1 => rng.range(-30.0, 30.0),
                2 => rng.range(-708.0, 709.0),
                _ => rng.range(-745.0, -708.0),
            };
            let (a, b) = (exp(x), x.exp());
            if b >= f64::MIN_POSITIVE {
                worst = worst.max(ulps(a, b));
            } else {
                // subnormal results: absolute error within one subnormal step
                assert!((a - b).abs() <= 5e-324, "x = {x}: {a:e} vs {b:e}");
            }
        }
        assert!(worst <= 1, "worst error {worst} ulp");
    }

    #[test]
    fn exp_special_values() {
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(1.0), std::f64::consts::E);
        assert_eq!(exp(-0.0), 1.0);
        assert_eq!(exp(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp(710.0), f64::INFINITY);
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
        assert_eq!(exp(-746.0), 0.0);
        assert!(exp(f64::NAN).is_nan());
        assert!(exp(709.78) < f64::INFINITY);
        assert!(exp(-745.0) > 0.0);
        // the table entries themselves: e^(j ln2/64) for x rounded near those points
        for j in 0..64 {
            let x = f64::from(j) * std::f64::consts::LN_2 / 64.0;
            assert!(ulps(exp(x), x.exp()) <= 1, "j = {j}");
        }
    }

    #[test]
    fn ln_sincos_and_box_muller() {
        let mut rng = Rng::new(4);
        let (mut worst_ln, mut worst_trig) = (0.0f64, 0.0f64);
        for k in 0..200_000 {
            let x = if k % 2 == 0 {
                rng.uniform_open0() as f32
            } else {
                rng.range(0.5, 3e6) as f32
            };
            let exact = f64::from(x).ln();
            let err = (f64::from(ln_f32(x)) - exact).abs() / exact.abs().max(1.0);
            worst_ln = worst_ln.max(err);
            let t = rng.uniform() as f32;
            let (s, c) = sincos_turns_f32(t);
            let a = std::f64::consts::TAU * f64::from(t);
            worst_trig = worst_trig
                .max((f64::from(s) - a.sin()).abs())
                .max((f64::from(c) - a.cos()).abs());
        }
        assert!(worst_ln < 2.4e-7, "ln_f32 worst error {worst_ln:e}");
        assert!(worst_trig < 2e-7, "sincos worst error {worst_trig:e}");
        assert_eq!(ln_f32(1.0), 0.0);
        assert_eq!(sincos_turns_f32(0.0), (0.0, 1.0));
        assert!((sincos_turns_f32(0.25).0 - 1.0).abs() < 1e-7);
        assert!((sincos_turns_f32(1.0).1 - 1.0).abs() < 1e-7);
        // Box–Muller moments and a Kolmogorov–Smirnov distance against Φ
        let n = 200_000;
        let mut z = Vec::with_capacity(n);
        while z.len() < n {
            let (a, b) = box_muller_f32(
                1.0 - rng.uniform() as f32 * 0.999_999_9,
                rng.uniform() as f32,
            );
            z.push(f64::from(a));
            z.push(f64::from(b));
        }
        let m = z.iter().sum::<f64>() / n as f64;
        let v = z.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64;
        assert!(
            m.abs() < 0.012 && (v - 1.0).abs() < 0.02,
            "mean {m} var {v}"
        );
        z.sort_by(|a, b| a.total_cmp(b));
        let phi = |x: f64| 0.5 * (1.0 + erf(x / std::f64::consts::SQRT_2));
        let d = z
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                let f = phi(x);
                (f - i as f64 / n as f64)
                    .abs()
                    .max((f - (i + 1) as f64 / n as f64).abs())
            })
            .fold(0.0, f64::max);
        // 99.9 % critical value of the KS statistic: 1.95/√n
        assert!(d < 1.95 / (n as f64).sqrt(), "KS distance {d}");
    }

    /// The error function to about 1e-14: its Maclaurin series for |x| < 2.5, the continued
    /// fraction of erfc beyond.
    fn erf(x: f64) -> f64 {
        if x.abs() < 2.5 {
            // Maclaurin series: erf x = 2/√π Σ (−1)ⁿ x^{2n+1} / (n! (2n+1))
            let mut term = x;
            let mut sum = x;
            let x2 = x * x;
            for n in 1..80 {
                term *= -x2 / n as f64;
                sum += term / (2 * n + 1) as f64;
            }
            sum * 2.0 / std::f64::consts::PI.sqrt()
        } else {
            // erfc x = e^{−x²}/(x√π) · continued fraction, for |x| ≥ 2.5
            let ax = x.abs();
            let mut f = 0.0;
            for k in (1..60).rev() {
                f = (k as f64 / 2.0) / (ax + f);
            }
            let erfc = (-ax * ax).exp() / std::f64::consts::PI.sqrt() / (ax + f);
            (1.0 - erfc).copysign(x)
        }
    }

    #[test]
    fn exp_f32_and_sigmoid_accuracy() {
        let mut rng = Rng::new(2);
        let mut worst = 0.0f64;
        let mut worst_sig = 0.0f64;
        for _ in 0..200_000 {
            let x = rng.range(-87.0, 88.0) as f32;
            let exact = f64::from(x).exp();
            worst = worst.max(((f64::from(exp_f32(x)) - exact) / exact).abs());
            let sx = rng.range(-80.0, 80.0) as f32;
            let s = 1.0 / (1.0 + (-f64::from(sx)).exp());
            worst_sig = worst_sig.max(((f64::from(sigmoid_f32(sx)) - s) / s).abs());
        }
        // f32 ulp is 2⁻²³ ≈ 1.19e-7 relative at most
        assert!(worst < 2.4e-7, "exp_f32 worst relative error {worst:e}");
        assert!(
            worst_sig < 3.6e-7,
            "sigmoid_f32 worst relative error {worst_sig:e}"
        );
        assert_eq!(sigmoid_f32(0.0), 0.5);
        assert_eq!(sigmoid_f32(200.0), 1.0);
        assert!(sigmoid_f32(-200.0) >= 0.0 && sigmoid_f32(-200.0) < 1e-37);
        assert!(exp_f32(f32::NAN).is_nan() && sigmoid_f32(f32::NAN).is_nan());
        let mut v = [-1.0f32, 0.0, 2.0];
        sigmoid_in_place(&mut v);
        assert_eq!(v, [sigmoid_f32(-1.0), 0.5, sigmoid_f32(2.0)]);
    }
}
