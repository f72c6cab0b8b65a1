//! Temperature: one validated type for every part of the core that samples a Boltzmann
//! distribution `p ∝ exp(−E/T)` (`k = 1`) — the Boltzmann machine ([`crate::boltzmann`]),
//! the samplers on the plane ([`crate::sampler`]) and the Ising lattice
//! ([`crate::ising`]).
//!
//! [`Temperature::new`] accepts `0 ≤ T ≤ +∞` (NaN and negative values are rejected) and
//! precomputes `β = 1/T`. Each consumer then states the range it can use: the samplers need a
//! density, so `0 < T < ∞`; the Ising lattice accepts the deterministic limit `T = 0` but not
//! `T = ∞`; Gibbs sampling of a Boltzmann machine accepts both limits. Every parameter that
//! takes a temperature accepts a `Temperature` or a bare `f64` ([`IntoTemperature`]), which is
//! validated by the same [`Temperature::new`] on the way in.

use std::fmt;

/// A temperature that is NaN or negative.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TemperatureError {
    /// The value received.
    pub value: f64,
}

impl fmt::Display for TemperatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "temperature must be ≥ 0 (0 = deterministic, +∞ = fair coin), got {}",
            self.value
        )
    }
}

impl std::error::Error for TemperatureError {}

/// A validated temperature `T ≥ 0` (`+∞` allowed, NaN rejected), with `β = 1/T` precomputed.
/// Serialises as the number `T` and is validated again when deserialised.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Temperature {
    t: f64,
    beta: f64,
}

impl Temperature {
    /// `T = 0`: the deterministic limit.
    pub const ZERO: Self = Self {
        t: 0.0,
        beta: f64::INFINITY,
    };
    /// `T = 1`: the temperature of learning.
    pub const ONE: Self = Self { t: 1.0, beta: 1.0 };
    /// `T = +∞`: every spin a fair coin.
    pub const INFINITE: Self = Self {
        t: f64::INFINITY,
        beta: 0.0,
    };

    /// A temperature `t ≥ 0` (`+∞` allowed). NaN and negative values are rejected.
    pub fn new(t: f64) -> Result<Self, TemperatureError> {
        if t.is_nan() || t < 0.0 {
            return Err(TemperatureError { value: t });
        }
        // β = 1/T; 1/0 = +∞ and 1/∞ = 0 in IEEE arithmetic, and a subnormal T also gives β = +∞,
        // which the Gibbs update treats as the deterministic limit.
        Ok(Self { t, beta: 1.0 / t })
    }

    /// The value of `T`.
    pub fn value(self) -> f64 {
        self.t
    }

    /// `β = 1/T` (`+∞` at `T = 0`, `0` at `T = +∞`).
    pub fn beta(self) -> f64 {
        self.beta
    }

    /// Whether updates at this temperature are deterministic (`β = +∞`).
    pub fn is_deterministic(self) -> bool {
        self.beta.is_infinite()
    }

    /// Whether `0 < T < ∞` with a finite `β = 1/T`: a temperature at which `exp(−E/T)` is a
    /// density a sampler can target.
    pub fn is_positive_finite(self) -> bool {
        self.t > 0.0 && self.t.is_finite() && self.beta.is_finite()
    }
}

impl TryFrom<f64> for Temperature {
    type Error = TemperatureError;

    fn try_from(t: f64) -> Result<Self, TemperatureError> {
        Self::new(t)
    }
}

impl From<Temperature> for f64 {
    fn from(t: Temperature) -> f64 {
        t.t
    }
}

/// What a temperature parameter accepts: a [`Temperature`], or an `f64` validated by
/// [`Temperature::new`].
pub trait IntoTemperature {
    /// The validated temperature.
    fn into_temperature(self) -> Result<Temperature, TemperatureError>;
}

impl IntoTemperature for Temperature {
    fn into_temperature(self) -> Result<Temperature, TemperatureError> {
        Ok(self)
    }
}

impl IntoTemperature for f64 {
    fn into_temperature(self) -> Result<Temperature, TemperatureError> {
        Temperature::new(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boltzmann::{ExactBoltzmann, Network};
    use crate::ising::Lattice;
    use crate::landscape::Gaussian;
    use crate::rng::Rng;
    use crate::sampler::{
        langevin, metropolis_hastings, GaussianWalk, Gibbs2d, Hmc, ImportanceProposal,
        ImportanceSampler, Langevin, Mala, Metropolis, Nuts, Sampler2d, StepSchedule,
    };

    #[test]
    fn one_temperature_type_serves_boltzmann_samplers_and_ising() {
        let t = Temperature::new(1.5).expect("valid");
        // The Boltzmann machine, the samplers and the lattice all take the same value …
        let net = Network::new(3).expect("n");
        assert_eq!(ExactBoltzmann::new(&net, t).expect("ok").temperature(), 1.5);
        let mut lat = Lattice::new(4, t, 0.0).expect("ok");
        assert_eq!(lat.temperature(), 1.5);
        lat.set_temperature(Temperature::ZERO)
            .expect("T = 0 is the lattice's limit");
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("ok");
        let mut rw = Metropolis::random_walk([0.0, 0.0], 0.5, t).expect("ok");
        assert_eq!(rw.temperature(), 1.5);
        rw.set_temperature(Temperature::ONE).expect("ok");
        Metropolis::new([0.0, 0.0], GaussianWalk::new(0.5).expect("ok"), t).expect("ok");
        Mala::new([0.0, 0.0], 0.1, t).expect("ok");
        Hmc::new([0.0, 0.0], 0.1, 5, t).expect("ok");
        Nuts::new([0.0, 0.0], 0.1, 5, t).expect("ok");
        Gibbs2d::new([0.0, 0.0], t, 64).expect("ok");
        Langevin::new([0.0, 0.0], StepSchedule::constant(0.01).expect("ok"), t).expect("ok");
        let q = ImportanceProposal::gaussian([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]]).expect("ok");
        ImportanceSampler::new(q, t).expect("ok");
        let mut rng = Rng::new(1);
        let mut on = |_| {};
        langevin([0.0, 0.0], &g, 0.01, t, &mut rng, &mut on).expect("ok");
        let walk = GaussianWalk::new(0.5).expect("ok");
        metropolis_hastings([0.0, 0.0], &g, &walk, t, &mut rng, &mut on).expect("ok");
        // … and each states its range: samplers need 0 < T < ∞, the lattice T < ∞.
        for bad in [Temperature::ZERO, Temperature::INFINITE] {
            assert!(Mala::new([0.0, 0.0], 0.1, bad).is_err());
            assert!(rw.set_temperature(bad).is_err());
        }
        assert!(Lattice::new(4, Temperature::INFINITE, 0.0).is_err());
        // A bare f64 is validated by the same rule, with the same verdict.
        for x in [f64::NAN, -1.0] {
            assert!(Temperature::new(x).is_err());
            assert!(Mala::new([0.0, 0.0], 0.1, x).is_err());
            assert!(Lattice::new(4, x, 0.0).is_err());
        }
        assert!(Nuts::new([0.0, 0.0], 0.1, 5, 2.0).is_ok());
        assert_eq!(rw.position(), [0.0, 0.0]);
    }

    #[test]
    fn validation_and_serde() {
        let e = Temperature::new(f64::NAN).expect_err("NaN");
        assert!(e.to_string().contains("NaN"), "{e}");
        assert!(Temperature::new(-1.0).is_err());
        assert!(Temperature::new(0.0).expect("0").is_deterministic());
        assert!(!Temperature::ZERO.is_positive_finite());
        assert!(!Temperature::INFINITE.is_positive_finite());
        assert!(!Temperature::new(1e-320)
            .expect("subnormal")
            .is_positive_finite());
        assert!(Temperature::ONE.is_positive_finite());
        let t: Temperature = serde_json::from_str("2.5").expect("number");
        assert_eq!(t.value(), 2.5);
        assert_eq!(serde_json::to_string(&t).expect("ok"), "2.5");
        assert!(serde_json::from_str::<Temperature>("-3").is_err());
    }
}
