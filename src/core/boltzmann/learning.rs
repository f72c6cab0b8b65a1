//! Maximum-likelihood learning of a Boltzmann machine (lecture, "Boltzmann Machine: Training" and
//! "Boltzmann Machine with Hidden Neurons"; Ackley, Hinton & Sejnowski, Cognitive Science 9, 1985).
//!
//! Conventions: spins `±1`, `T = 1` (as in the lecture), `E(y) = −½ yᵀWy − bᵀy`; the visible
//! neurons are the first `n_v`, the hidden ones the rest; a data set is a flat buffer of `±1`
//! patterns of `n_v` entries each.
//!
//! The objective is the average log-likelihood `L = (1/N_P) Σ_{v∈P} log P(v)` with
//! `P(v) = Σ_h P(v, h)`. Its gradient is
//!
//! `∂L/∂wᵢⱼ = ⟨yᵢyⱼ⟩_data − ⟨yᵢyⱼ⟩_model`,  `∂L/∂bᵢ = ⟨yᵢ⟩_data − ⟨yᵢ⟩_model`,
//!
//! where `⟨·⟩_data` averages over the data with the hidden units drawn from `P(h | v)` (without
//! hidden units, just the data average) and `⟨·⟩_model` over `P(y)`. The lecture's "Overall
//! Training": the **clamped phase** fixes the visible neurons to each pattern and Gibbs-samples the
//! hidden ones for `K` samples (`N_P K` samples in all); the **free phase** runs all neurons from a
//! random start and keeps `M` samples after burn-in; then `W ← W + η ∇L` (gradient *ascent*: we
//! maximise the likelihood). Persistent free chains (Tieleman, "Training restricted Boltzmann
//! machines using approximations to the likelihood gradient", ICML 2008) are offered as an option.
//! (The lecture's hidden-unit slides write `exp(yᵀWy)` without the ½; the ½ of the fully visible
//! slides is the consistent form and the one used here.)

use serde::{Deserialize, Serialize};

use super::exact::{ExactBoltzmann, MAX_EXACT_NEURONS};
use super::gibbs::{gibbs_sweep, gibbs_sweep_sites, GibbsOrder, Temperature};
use super::{check_patterns, BoltzmannError, Network, State};
use crate::rng::Rng;

/// Largest number of sweeps or samples any phase accepts.
pub const MAX_PHASE_SWEEPS: usize = 1_000_000;

/// Hyper-parameters of [`BmTrainer`]. Start from [`BmConfig::new`] and change fields.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BmConfig {
    /// Number of visible neurons `n_v` (the first `n_v`); `1 ≤ n_v ≤ N`.
    pub n_visible: usize,
    /// Learning rate η, finite, in (0, 10].
    pub learning_rate: f64,
    /// Free phase: burn-in sweeps before the samples (for persistent chains, only before the first
    /// step).
    pub burn_in: usize,
    /// Free phase: number of samples `M` (one per sweep), ≥ 1.
    pub samples: usize,
    /// Clamped phase: burn-in sweeps over the hidden neurons for each pattern.
    pub clamped_burn_in: usize,
    /// Clamped phase: samples `K` per pattern, ≥ 1 (unused without hidden neurons, where the data
    /// term is exact).
    pub clamped_samples: usize,
    /// Keep the free chain between steps (persistent chains) instead of a random restart.
    pub persistent: bool,
    /// Learn the biases too (`b ← b + η (⟨y⟩_data − ⟨y⟩_model)`).
    pub learn_bias: bool,
    /// Visiting order of the Gibbs sweeps.
    pub order: GibbsOrder,
    /// Number of steps the run is planned for (for the progress in [0, 1]), ≥ 1.
    pub total_steps: usize,
    /// Compute the exact log-likelihood after every step (only when `N ≤ 16`; costs
    /// O(2ᴺ N²) per step).
    pub exact_log_likelihood: bool,
}

impl BmConfig {
    /// Defaults for `n_visible` visible neurons: η = 0.05, burn-in 20, M = 200, clamped burn-in 10,
    /// K = 10, non-persistent (as in the lecture), biases learned, sequential order, 500 steps,
    /// exact log-likelihood on.
    pub fn new(n_visible: usize) -> Self {
        Self {
            n_visible,
            learning_rate: 0.05,
            burn_in: 20,
            samples: 200,
            clamped_burn_in: 10,
            clamped_samples: 10,
            persistent: false,
            learn_bias: true,
            order: GibbsOrder::Sequential,
            total_steps: 500,
            exact_log_likelihood: true,
        }
    }

    /// Checks every field against a network of `n` neurons.
    pub fn validate(&self, n: usize) -> Result<(), BoltzmannError> {
        let count = |name, v: usize, lo: usize| {
            if v < lo || v > MAX_PHASE_SWEEPS {
                Err(BoltzmannError::Parameter {
                    name,
                    value: v as f64,
                    rule: if lo == 0 {
                        "in 0..=1000000"
                    } else {
                        "in 1..=1000000"
                    },
                })
            } else {
                Ok(())
            }
        };
        if self.n_visible == 0 || self.n_visible > n {
            return Err(BoltzmannError::Parameter {
                name: "number of visible neurons",
                value: self.n_visible as f64,
                rule: "in 1..=N",
            });
        }
        let eta = self.learning_rate;
        if !(eta.is_finite() && eta > 0.0 && eta <= 10.0) {
            return Err(BoltzmannError::Parameter {
                name: "learning rate η",
                value: eta,
                rule: "in (0, 10]",
            });
        }
        count("burn-in sweeps", self.burn_in, 0)?;
        count("free samples M", self.samples, 1)?;
        count("clamped burn-in sweeps", self.clamped_burn_in, 0)?;
        count("clamped samples K", self.clamped_samples, 1)?;
        count("planned steps", self.total_steps, 1)?;
        Ok(())
    }
}

/// What one training step measured; slices borrow the trainer's buffers (row-major N×N for the
/// correlation heatmaps).
#[derive(Clone, Copy, Debug)]
pub struct BmStats<'a> {
    /// Steps done, including this one.
    pub step: usize,
    /// `step / total_steps`, capped at 1.
    pub progress: f64,
    /// `⟨yᵢyⱼ⟩_data` (clamped phase), N×N, diagonal 1.
    pub data_corr: &'a [f64],
    /// `⟨yᵢyⱼ⟩_model` (free phase, Monte Carlo), N×N, diagonal 1.
    pub model_corr: &'a [f64],
    /// `⟨yᵢ⟩_data`, length N.
    pub data_mean: &'a [f64],
    /// `⟨yᵢ⟩_model`, length N.
    pub model_mean: &'a [f64],
    /// Euclidean norm of the estimated gradient (weights i<j and, if learned, biases).
    pub gradient_norm: f64,
    /// Exact `L = (1/N_P) Σ log P(v)` after the update (when enabled and `N ≤ 16`).
    pub log_likelihood: Option<f64>,
}

/// A resumable Boltzmann-machine training run: each [`BmTrainer::step`] does one clamped phase,
/// one free phase and one gradient-ascent update. All buffers are allocated in
/// [`BmTrainer::new`].
#[derive(Clone, Debug)]
pub struct BmTrainer {
    config: BmConfig,
    n: usize,
    free: State,
    clamped: State,
    y_buf: Vec<i8>,
    data_corr: Vec<f64>,
    model_corr: Vec<f64>,
    data_mean: Vec<f64>,
    model_mean: Vec<f64>,
    exact: Option<ExactBoltzmann>,
    steps: usize,
}

/// Adds `w·y` to `mean` and `w·yᵢyⱼ` (i < j) to the upper triangle of `corr`.
#[inline]
fn accumulate(y: &[i8], w: f64, mean: &mut [f64], corr: &mut [f64]) {
    let n = y.len();
    for i in 0..n {
        let yi = f64::from(y[i]);
        mean[i] += w * yi;
        let row = &mut corr[i * n..(i + 1) * n];
        for (c, &yj) in row[i + 1..].iter_mut().zip(&y[i + 1..]) {
            *c += w * yi * f64::from(yj);
        }
    }
}

/// Mirrors the upper triangle of `corr` and sets the diagonal to 1 (`yᵢ² = 1`).
fn finish(corr: &mut [f64], n: usize) {
    for i in 0..n {
        corr[i * n + i] = 1.0;
        for j in (i + 1)..n {
            corr[j * n + i] = corr[i * n + j];
        }
    }
}

impl BmTrainer {
    /// A trainer for `net` (its size N fixes the buffers) with `config` (validated); the chains
    /// start from random states drawn from `rng`.
    pub fn new(net: &Network, config: BmConfig, rng: &mut Rng) -> Result<Self, BoltzmannError> {
        let n = net.n();
        config.validate(n)?;
        let y: Vec<i8> = (0..n).map(|_| rng.spin()).collect();
        let free = State::new(net, y.clone())?;
        let clamped = State::new(net, y.clone())?;
        let exact = if config.exact_log_likelihood && n <= MAX_EXACT_NEURONS {
            Some(ExactBoltzmann::new(net, Temperature::ONE)?)
        } else {
            None
        };
        Ok(Self {
            config,
            n,
            free,
            clamped,
            y_buf: y,
            data_corr: vec![0.0; n * n],
            model_corr: vec![0.0; n * n],
            data_mean: vec![0.0; n],
            model_mean: vec![0.0; n],
            exact,
            steps: 0,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &BmConfig {
        &self.config
    }

    /// Steps done.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// The free-phase chain (e.g. to draw it as the model's current "dream").
    pub fn free_state(&self) -> &State {
        &self.free
    }

    /// The exact log-likelihood of `data` under `net` now (`None` if disabled or `N > 16`).
    pub fn exact_log_likelihood(
        &mut self,
        net: &Network,
        data: &[i8],
    ) -> Result<Option<f64>, BoltzmannError> {
        let n_v = self.config.n_visible;
        match self.exact.as_mut() {
            None => Ok(None),
            Some(ex) => {
                ex.compute(net, Temperature::ONE)?;
                ex.log_likelihood(data, n_v).map(Some)
            }
        }
    }

    /// One gradient-ascent step on `data` (flat `±1` patterns of `n_v` entries each): clamped
    /// phase, free phase, `W ← W + η ∇L` (and `b`). `net` must be the network the trainer was
    /// built for (same N). No allocation.
    pub fn step(
        &mut self,
        net: &mut Network,
        data: &[i8],
        rng: &mut Rng,
    ) -> Result<BmStats<'_>, BoltzmannError> {
        let n = self.n;
        if net.n() != n {
            return Err(BoltzmannError::Shape {
                what: "network",
                expected: n,
                got: net.n(),
            });
        }
        let n_v = self.config.n_visible;
        let np = check_patterns(data, n_v)?;
        let cfg = self.config;
        let t = Temperature::ONE; // learning at T = 1

        // Clamped phase: ⟨yᵢyⱼ⟩_data = (1/(N_P K)) Σ_{v∈P} Σ_{k=1..K} yᵢyⱼ, hidden ∼ P(h | v).
        self.data_mean.fill(0.0);
        self.data_corr.fill(0.0);
        if n_v == n {
            // No hidden units: the data term is the plain average over patterns.
            let w = 1.0 / np as f64;
            for v in data.chunks_exact(n_v) {
                accumulate(v, w, &mut self.data_mean, &mut self.data_corr);
            }
        } else {
            let w = 1.0 / (np * cfg.clamped_samples) as f64;
            for v in data.chunks_exact(n_v) {
                // Fix the visible neurons to v; randomly initialise h (lecture).
                self.y_buf[..n_v].copy_from_slice(v);
                for yh in &mut self.y_buf[n_v..] {
                    *yh = rng.spin();
                }
                self.clamped.set(net, &self.y_buf)?;
                for _ in 0..cfg.clamped_burn_in {
                    gibbs_sweep_sites(
                        net,
                        &mut self.clamped,
                        t,
                        n_v..n,
                        cfg.order,
                        rng,
                        &mut |_| {},
                    )?;
                }
                for _ in 0..cfg.clamped_samples {
                    gibbs_sweep_sites(
                        net,
                        &mut self.clamped,
                        t,
                        n_v..n,
                        cfg.order,
                        rng,
                        &mut |_| {},
                    )?;
                    accumulate(
                        self.clamped.y(),
                        w,
                        &mut self.data_mean,
                        &mut self.data_corr,
                    );
                }
            }
        }
        finish(&mut self.data_corr, n);

        // Free phase: ⟨yᵢyⱼ⟩_model = (1/M) Σ_{y'∈S} y'ᵢy'ⱼ over the last M states of a chain.
        let burn_in = if cfg.persistent && self.steps > 0 {
            // Persistent chain: continue from where it was; weights changed, so resync fields.
            self.free.refresh(net);
            0
        } else {
            for yi in &mut self.y_buf {
                *yi = rng.spin();
            }
            self.free.set(net, &self.y_buf)?;
            cfg.burn_in
        };
        for _ in 0..burn_in {
            gibbs_sweep(net, &mut self.free, t, cfg.order, rng, &mut |_| {})?;
        }
        self.model_mean.fill(0.0);
        self.model_corr.fill(0.0);
        let w = 1.0 / cfg.samples as f64;
        for _ in 0..cfg.samples {
            gibbs_sweep(net, &mut self.free, t, cfg.order, rng, &mut |_| {})?;
            accumulate(self.free.y(), w, &mut self.model_mean, &mut self.model_corr);
        }
        finish(&mut self.model_corr, n);

        // Gradient ascent: wᵢⱼ ← wᵢⱼ + η (⟨yᵢyⱼ⟩_data − ⟨yᵢyⱼ⟩_model), likewise bᵢ.
        let eta = cfg.learning_rate;
        let mut g2 = 0.0;
        {
            let wts = net.weights_mut();
            for i in 0..n {
                for j in (i + 1)..n {
                    let g = self.data_corr[i * n + j] - self.model_corr[i * n + j];
                    g2 += g * g;
                    let v = wts[i * n + j] + (eta * g) as f32;
                    wts[i * n + j] = v;
                    wts[j * n + i] = v; // keep W symmetric
                }
            }
        }
        if cfg.learn_bias {
            for (b, (&dm, &mm)) in net
                .bias_mut()
                .iter_mut()
                .zip(self.data_mean.iter().zip(&self.model_mean))
            {
                let g = dm - mm; // ∂L/∂bᵢ = ⟨yᵢ⟩_data − ⟨yᵢ⟩_model
                g2 += g * g;
                *b += (eta * g) as f32;
            }
        }
        self.steps += 1;

        let log_likelihood = match self.exact.as_mut() {
            None => None,
            Some(ex) => {
                ex.compute(net, Temperature::ONE)?;
                Some(ex.log_likelihood(data, n_v)?)
            }
        };
        Ok(BmStats {
            step: self.steps,
            progress: (self.steps as f64 / cfg.total_steps as f64).min(1.0),
            data_corr: &self.data_corr,
            model_corr: &self.model_corr,
            data_mean: &self.data_mean,
            model_mean: &self.model_mean,
            gradient_norm: g2.sqrt(),
            log_likelihood,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_validation() {
        let net = Network::new(4).expect("size");
        let mut rng = Rng::new(0);
        let mut c = BmConfig::new(5);
        let e = BmTrainer::new(&net, c, &mut rng).expect_err("n_v > N");
        assert!(e.to_string().contains("visible"), "{e}");
        c.n_visible = 3;
        c.learning_rate = f64::NAN;
        let e = BmTrainer::new(&net, c, &mut rng).expect_err("η");
        assert!(e.to_string().contains("learning rate"), "{e}");
        c.learning_rate = 0.1;
        c.samples = 0;
        assert!(BmTrainer::new(&net, c, &mut rng).is_err());
        c.samples = 10;
        assert!(BmTrainer::new(&net, c, &mut rng).is_ok());
    }

    #[test]
    fn step_validates_data_and_network() {
        let mut net = Network::new(4).expect("size");
        let mut rng = Rng::new(1);
        let mut tr = BmTrainer::new(&net, BmConfig::new(3), &mut rng).expect("trainer");
        let e = tr
            .step(&mut net, &[1, -1, 1, 1], &mut rng)
            .expect_err("length");
        assert!(e.to_string().contains("multiple"), "{e}");
        assert!(tr.step(&mut net, &[], &mut rng).is_err());
        assert!(tr.step(&mut net, &[1, 2, 1], &mut rng).is_err());
        let mut other = Network::new(5).expect("size");
        assert!(tr.step(&mut other, &[1, 1, 1], &mut rng).is_err());
        assert_eq!(tr.steps(), 0);
    }

    #[test]
    fn data_term_without_hidden_units_is_the_data_average() {
        let mut net = Network::new(3).expect("size");
        let mut rng = Rng::new(2);
        let mut cfg = BmConfig::new(3);
        cfg.samples = 5;
        let mut tr = BmTrainer::new(&net, cfg, &mut rng).expect("trainer");
        let data = [1, 1, -1, 1, -1, -1];
        let s = tr.step(&mut net, &data, &mut rng).expect("step");
        // ⟨y0y1⟩ = (1·1 + 1·(−1))/2 = 0, ⟨y1y2⟩ = (−1 + 1)/2 = 0, ⟨y0y2⟩ = −1.
        let want = [1.0, 0.0, -1.0, 0.0, 1.0, 0.0, -1.0, 0.0, 1.0];
        for (a, b) in s.data_corr.iter().zip(want) {
            assert!((a - b).abs() < 1e-12);
        }
        assert!((s.data_mean[0] - 1.0).abs() < 1e-12);
        assert!(s.log_likelihood.is_some());
        // W stays symmetric with a zero diagonal.
        assert!(Network::from_parts(3, net.weights().to_vec(), net.bias().to_vec()).is_ok());
    }
}
