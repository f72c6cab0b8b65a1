//! Exact results for the infinite square-lattice Ising model at `h = 0`, `J = 1`, `k = 1`:
//! Onsager 1944 ("Crystal statistics. I.", Phys. Rev. 65, 117) for the critical temperature and
//! the internal energy, Yang 1952 ("The spontaneous magnetization of a two-dimensional Ising
//! model", Phys. Rev. 85, 808) for the spontaneous magnetisation.
//!
//! These are the reference curves the Monte Carlo measurements are compared with.

use super::{check_temperature, IsingError};
use crate::temperature::IntoTemperature;
use std::f64::consts::{PI, SQRT_2};

/// Onsager's critical temperature `T_c = 2 / ln(1 + √2) ≈ 2.269185` (in units of `J/k`).
pub const CRITICAL_TEMPERATURE: f64 = 2.269_185_314_213_022;

/// `T_c = 2 / ln(1 + √2)`, computed (equals [`CRITICAL_TEMPERATURE`]).
pub fn critical_temperature() -> f64 {
    // sinh(2J/T_c) = 1  ⇔  T_c = 2 / asinh(1) = 2 / ln(1 + √2)
    2.0 / (1.0 + SQRT_2).ln()
}

/// Arithmetic–geometric mean of `a, b ≥ 0` (Gauss): iterate `a ← (a+b)/2, b ← √(ab)`.
/// Converges quadratically; returns 0 if either argument is 0.
pub fn agm(mut a: f64, mut b: f64) -> f64 {
    if a == 0.0 || b == 0.0 {
        return 0.0;
    }
    for _ in 0..64 {
        if (a - b).abs() <= 1e-16 * a {
            break;
        }
        let next_a = 0.5 * (a + b);
        b = (a * b).sqrt();
        a = next_a;
    }
    a
}

/// Complete elliptic integral of the first kind `K(k) = ∫₀^{π/2} dθ / √(1 − k² sin²θ)` for a
/// modulus `|k| ≤ 1`, via `K(k) = π / (2·AGM(1, √(1 − k²)))` (Gauss; Abramowitz & Stegun 17.6).
/// Returns `+∞` at `|k| = 1` and NaN for `|k| > 1` or NaN.
pub fn elliptic_k(k: f64) -> f64 {
    if k.is_nan() || k.abs() > 1.0 {
        return f64::NAN;
    }
    // k' = √(1 − k²), written as √((1−k)(1+k)) to keep precision near |k| = 1
    let k_complement = ((1.0 - k.abs()) * (1.0 + k.abs())).sqrt();
    elliptic_k_complement(k_complement)
}

/// `K` written in terms of the complementary modulus `k' = √(1 − k²) ∈ [0, 1]`.
fn elliptic_k_complement(k_complement: f64) -> f64 {
    if k_complement == 0.0 {
        return f64::INFINITY;
    }
    // K(k) = π / (2 AGM(1, k'))
    PI / (2.0 * agm(1.0, k_complement))
}

/// Exact internal energy per site of the infinite lattice at `h = 0` (Onsager 1944):
///
/// `u(T) = −coth(2β) [1 + (2/π)(2 tanh²(2β) − 1) K(k)]`, `k = 2 sinh(2β)/cosh²(2β)`, `β = 1/T`.
///
/// `T` must be finite and ≥ 0 (`u(0) = −2`). `u(T_c) = −√2`. Accurate to ~1e−12 for
/// `T ≲ 10³` (at larger T the bracket cancels to ~T⁻² and loses relative precision).
pub fn internal_energy(t: impl IntoTemperature) -> Result<f64, IsingError> {
    let t = check_temperature(t, true)?;
    if t == 0.0 {
        return Ok(-2.0);
    }
    let two_beta = 2.0 / t;
    let s = two_beta.sinh();
    // With s = sinh 2β and cosh² 2β = 1 + s²:
    //   2 tanh²(2β) − 1 = (s² − 1)/(s² + 1) =: r,   and  1 − k² = (1 − s²)²/(1 + s²)² = r²,
    // so the complementary modulus is k' = |r| (exact, no cancellation near T_c where k → 1).
    let r = if s > 1.0 {
        let inv = 1.0 / (s * s);
        (1.0 - inv) / (1.0 + inv)
    } else {
        (s * s - 1.0) / (s * s + 1.0)
    };
    // At T_c, r = 0 and K = ∞, but r·K → 0: the bracket is exactly 1.
    let r_k = if r == 0.0 {
        0.0
    } else {
        r * elliptic_k_complement(r.abs())
    };
    // u = −coth(2β) [1 + (2/π) (2tanh²(2β) − 1) K(k)]
    Ok(-(1.0 / two_beta.tanh()) * (1.0 + (2.0 / PI) * r_k))
}

/// Exact spontaneous magnetisation per site of the infinite lattice (Yang 1952):
/// `m(T) = (1 − sinh(2β)⁻⁴)^{1/8}` for `T < T_c`, and 0 for `T ≥ T_c`.
/// `T` must be finite and ≥ 0 (`m(0) = 1`).
pub fn spontaneous_magnetisation(t: impl IntoTemperature) -> Result<f64, IsingError> {
    let t = check_temperature(t, true)?;
    if t == 0.0 {
        return Ok(1.0);
    }
    if t >= CRITICAL_TEMPERATURE {
        return Ok(0.0);
    }
    let s = (2.0 / t).sinh();
    // m = (1 − sinh⁻⁴(2β))^{1/8}; clamp rounding just below T_c
    Ok((1.0 - s.powi(-4)).max(0.0).powf(0.125))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::FRAC_PI_2;

    #[test]
    fn critical_temperature_value() {
        assert!((critical_temperature() - CRITICAL_TEMPERATURE).abs() < 1e-15);
        // sinh(2/T_c) = 1
        assert!(((2.0 / CRITICAL_TEMPERATURE).sinh() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn elliptic_k_known_values() {
        assert!((elliptic_k(0.0) - FRAC_PI_2).abs() < 1e-15);
        // K(1/√2) = Γ(1/4)² / (4√π) = 1.854074677301371918…
        assert!((elliptic_k(SQRT_2 / 2.0) - 1.854_074_677_301_372).abs() < 1e-14);
        // K(0.5) = 1.685750354812596…  (A&S table 17.1, m = k² = 0.25)
        assert!((elliptic_k(0.5) - 1.685_750_354_812_596).abs() < 1e-14);
        assert!(elliptic_k(1.0).is_infinite());
        assert!(elliptic_k(1.5).is_nan());
        assert!(elliptic_k(f64::NAN).is_nan());
        // K(k) ≈ ln(4/k') as k → 1
        let kp: f64 = 1e-8;
        assert!((elliptic_k_complement(kp) - (4.0 / kp).ln()).abs() < 1e-12);
    }

    #[test]
    fn energy_at_critical_point_is_minus_root_two() {
        let u = internal_energy(CRITICAL_TEMPERATURE).expect("valid T");
        assert!((u + SQRT_2).abs() < 1e-12, "u(T_c) = {u}");
        // continuous through T_c (the slope diverges only logarithmically)
        for dt in [1e-9, -1e-9, 1e-6, -1e-6] {
            let u = internal_energy(CRITICAL_TEMPERATURE + dt).expect("valid T");
            assert!((u + SQRT_2).abs() < 1e-4, "{dt}: {u}");
        }
    }

    #[test]
    fn energy_matches_low_temperature_series() {
        // Low-temperature expansion, u = e^{−2β}: ln Z/N = 2β + u⁴ + 2u⁶ + (9/2)u⁸ + O(u¹⁰),
        // counted by hand: one flipped spin (4 broken bonds, N ways), an adjacent pair (6 bonds,
        // 2N ways), 8 broken bonds (N(N−5)/2 separate pairs + 6N trimers + N squares, minus the
        // N²/2 of the logarithm). E/N = −∂(ln Z/N)/∂β with ∂uᵏ/∂β = −2k uᵏ gives
        // E/N = −2 + 8u⁴ + 24u⁶ + 72u⁸ + O(u¹⁰) — independent of Onsager's formula.
        for t in [0.6f64, 0.8, 1.0] {
            let u = (-2.0 / t).exp();
            let series = -2.0 + 8.0 * u.powi(4) + 24.0 * u.powi(6) + 72.0 * u.powi(8);
            let exact = internal_energy(t).expect("valid T");
            assert!(
                (exact - series).abs() < 1e-6,
                "T = {t}: {exact} vs {series}"
            );
        }
    }

    #[test]
    fn energy_matches_high_temperature_series() {
        // High-temperature expansion, t = tanh β: ln Z/N = ln 2 + 2 ln cosh β + t⁴ + 2t⁶
        // + (9/2)t⁸ + O(t¹⁰) (closed polygons; the same counts as the low-T series by
        // Kramers–Wannier duality), and ∂t/∂β = 1 − t², so
        // E/N = −2t − (1 − t²)(4t³ + 12t⁵ + 36t⁷) + O(t⁹).
        for temp in [8.0, 10.0, 20.0] {
            let t = (1.0f64 / temp).tanh();
            let series =
                -2.0 * t - (1.0 - t * t) * (4.0 * t.powi(3) + 12.0 * t.powi(5) + 36.0 * t.powi(7));
            let exact = internal_energy(temp).expect("valid T");
            assert!(
                (exact - series).abs() < 3e-6,
                "T = {temp}: {exact} vs {series}"
            );
        }
        assert_eq!(internal_energy(0.0), Ok(-2.0));
        assert!(internal_energy(1e-3).expect("valid").eq(&-2.0));
        assert!(internal_energy(f64::NAN).is_err());
        assert!(internal_energy(-1.0).is_err());
    }

    #[test]
    fn spontaneous_magnetisation_limits() {
        assert_eq!(spontaneous_magnetisation(0.0), Ok(1.0));
        // m ≈ 1 − sinh(2β)⁻⁴/8 at low T
        let m = spontaneous_magnetisation(0.5).expect("valid");
        assert!((m - (1.0 - 4.0f64.sinh().powi(-4) / 8.0)).abs() < 1e-12);
        assert!(spontaneous_magnetisation(0.01).expect("valid") == 1.0);
        assert_eq!(spontaneous_magnetisation(CRITICAL_TEMPERATURE), Ok(0.0));
        assert_eq!(spontaneous_magnetisation(3.0), Ok(0.0));
        // m(2) = (1 − sinh(1)⁻⁴)^{1/8} = 0.9113193778775 (pinned)
        let m2 = spontaneous_magnetisation(2.0).expect("valid");
        assert!((m2 - 0.911_319_377_877_5).abs() < 1e-12, "{m2}");
        // monotone decreasing towards T_c
        let mut prev = 1.0;
        for k in 1..100 {
            let m =
                spontaneous_magnetisation(CRITICAL_TEMPERATURE * k as f64 / 100.0).expect("valid");
            assert!(m <= prev && m > 0.0);
            prev = m;
        }
        assert!(spontaneous_magnetisation(f64::INFINITY).is_err());
    }
}
