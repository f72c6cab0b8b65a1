//! What the MCMC view offers: the targets, the samplers and their settings, and how a sampler
//! is built from them. All math comes from `crate::core`.

use crate::core::landscape::{
    Banana, Bounds, Bump, Donut, DoubleWell, DrawnLandscape, Energy2d, Funnel, Gaussian,
    GaussianMixture, RingOfModes,
};
use crate::core::rng::Rng;
use crate::core::sampler::{
    Gibbs2d, Hmc, ImportanceProposal, ImportanceSampler, Langevin, Mala, Metropolis, Nuts,
    Sampler2d, SamplerError, StepSchedule,
};

/// A target landscape on offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// N(0, I).
    Gauss,
    /// A strongly correlated Gaussian (ρ = 0.9).
    Corr,
    /// Three Gaussian wells.
    Mixture,
    /// Haario's banana.
    Banana,
    /// A ring-shaped valley.
    Donut,
    /// Neal's funnel.
    Funnel,
    /// Two wells separated by a barrier.
    Wells,
    /// Eight modes on a circle.
    Ring,
    /// Drawn by the user.
    Drawn,
}

impl TargetKind {
    /// Every target, in menu order.
    pub const ALL: [TargetKind; 9] = [
        Self::Gauss,
        Self::Corr,
        Self::Mixture,
        Self::Banana,
        Self::Donut,
        Self::Funnel,
        Self::Wells,
        Self::Ring,
        Self::Drawn,
    ];

    /// Short id for the URL.
    pub fn id(self) -> &'static str {
        match self {
            Self::Gauss => "gauss",
            Self::Corr => "corr",
            Self::Mixture => "mixture",
            Self::Banana => "banana",
            Self::Donut => "donut",
            Self::Funnel => "funnel",
            Self::Wells => "wells",
            Self::Ring => "ring",
            Self::Drawn => "draw",
        }
    }

    /// Menu label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Gauss => "standard Gaussian",
            Self::Corr => "correlated Gaussian",
            Self::Mixture => "3-Gaussian mixture",
            Self::Banana => "banana",
            Self::Donut => "donut",
            Self::Funnel => "Neal's funnel",
            Self::Wells => "double well",
            Self::Ring => "ring of 8 modes",
            Self::Drawn => "draw your own",
        }
    }

    /// Ids of every target (for URL validation).
    pub fn ids() -> [&'static str; 9] {
        Self::ALL.map(|k| k.id())
    }

    /// The target with URL id `id`.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }
}

/// Every landscape, built once; the drawn one keeps its bumps across target switches.
pub struct Landscapes {
    gauss: Gaussian,
    corr: Gaussian,
    mixture: GaussianMixture,
    banana: Banana,
    donut: Donut,
    funnel: Funnel,
    wells: DoubleWell,
    ring: RingOfModes,
    /// The user's drawing.
    pub drawn: DrawnLandscape,
}

/// Default well depth and width for new bumps.
pub const BUMP_DEPTH: f64 = 4.0;
/// Default bump width (standard deviation).
pub const BUMP_WIDTH: f64 = 0.6;
/// Half-width of the drawing canvas.
pub const DRAW_HALF: f64 = 4.0;

impl Landscapes {
    /// The defaults of every landscape, and a drawing with two wells to start from.
    pub fn new() -> Result<Self, String> {
        let e = |e: crate::core::landscape::LandscapeError| e.to_string();
        let mut drawn = DrawnLandscape::new(
            0.25,
            Bounds::new(-DRAW_HALF, DRAW_HALF, -DRAW_HALF, DRAW_HALF).map_err(e)?,
        )
        .map_err(e)?;
        drawn
            .add_bump(Bump::new([-1.6, 1.0], -BUMP_DEPTH, BUMP_WIDTH).map_err(e)?)
            .map_err(e)?;
        drawn
            .add_bump(Bump::new([1.5, -1.2], -BUMP_DEPTH, 0.9).map_err(e)?)
            .map_err(e)?;
        Ok(Self {
            gauss: Gaussian::isotropic([0.0, 0.0], 1.0).map_err(e)?,
            corr: Gaussian::correlated(1.0, 1.0, 0.9).map_err(e)?,
            mixture: GaussianMixture::default(),
            banana: Banana::default(),
            donut: Donut::default(),
            funnel: Funnel::default(),
            wells: DoubleWell::default(),
            ring: RingOfModes::default(),
            drawn,
        })
    }

    /// The landscape of `kind`.
    pub fn get(&self, kind: TargetKind) -> &dyn Energy2d {
        match kind {
            TargetKind::Gauss => &self.gauss,
            TargetKind::Corr => &self.corr,
            TargetKind::Mixture => &self.mixture,
            TargetKind::Banana => &self.banana,
            TargetKind::Donut => &self.donut,
            TargetKind::Funnel => &self.funnel,
            TargetKind::Wells => &self.wells,
            TargetKind::Ring => &self.ring,
            TargetKind::Drawn => &self.drawn,
        }
    }
}

impl Landscapes {
    /// The exact mean and covariance of `p ∝ exp(−E/T)` in closed form, where the core knows
    /// them: Gaussians (covariance T·Σ), the banana and the funnel (any T), mixtures and the
    /// ring at T = 1. `None` elsewhere (the caller integrates on a grid).
    pub fn closed_form_moments(
        &self,
        kind: TargetKind,
        t: f64,
    ) -> Option<([f64; 2], [[f64; 2]; 2])> {
        let at_one = (t - 1.0).abs() < 1e-12;
        let scaled = |g: &Gaussian| {
            let c = g.cov();
            (
                g.mean(),
                [[t * c[0][0], t * c[0][1]], [t * c[1][0], t * c[1][1]]],
            )
        };
        match kind {
            TargetKind::Gauss => Some(scaled(&self.gauss)),
            TargetKind::Corr => Some(scaled(&self.corr)),
            TargetKind::Banana => Some(self.banana.moments(t)),
            TargetKind::Funnel => Some(self.funnel.moments(t)),
            TargetKind::Mixture if at_one => Some(self.mixture.moments()),
            TargetKind::Ring if at_one => Some(self.ring.mixture().moments()),
            _ => None,
        }
    }
}

/// The square view box around a target's default bounds (so shapes are not distorted).
pub fn square_view(b: Bounds) -> Bounds {
    let (cx, cy) = (0.5 * (b.x_min + b.x_max), 0.5 * (b.y_min + b.y_max));
    let h = 0.5 * b.width().max(b.height());
    Bounds {
        x_min: cx - h,
        x_max: cx + h,
        y_min: cy - h,
        y_max: cy + h,
    }
}

/// A sampler on offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SamplerKind {
    /// Random-walk Metropolis–Hastings.
    Rwmh,
    /// Gibbs sampling with exact conditionals.
    Gibbs,
    /// Unadjusted Langevin.
    Ula,
    /// Metropolis-adjusted Langevin.
    Mala,
    /// Hamiltonian Monte Carlo.
    Hmc,
    /// The No-U-Turn sampler.
    Nuts,
    /// Self-normalised importance sampling.
    Importance,
    /// Many unadjusted Langevin particles at once.
    Particles,
}

impl SamplerKind {
    /// Every sampler, in menu order.
    pub const ALL: [SamplerKind; 8] = [
        Self::Rwmh,
        Self::Gibbs,
        Self::Ula,
        Self::Mala,
        Self::Hmc,
        Self::Nuts,
        Self::Importance,
        Self::Particles,
    ];

    /// Short id for the URL.
    pub fn id(self) -> &'static str {
        match self {
            Self::Rwmh => "rwmh",
            Self::Gibbs => "gibbs",
            Self::Ula => "ula",
            Self::Mala => "mala",
            Self::Hmc => "hmc",
            Self::Nuts => "nuts",
            Self::Importance => "is",
            Self::Particles => "particles",
        }
    }

    /// Menu label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Rwmh => "random-walk MH",
            Self::Gibbs => "Gibbs",
            Self::Ula => "unadjusted Langevin",
            Self::Mala => "MALA",
            Self::Hmc => "HMC",
            Self::Nuts => "NUTS",
            Self::Importance => "importance sampling",
            Self::Particles => "Langevin particles",
        }
    }

    /// Short name for read-outs.
    pub fn short(self) -> &'static str {
        match self {
            Self::Rwmh => "RWMH",
            Self::Gibbs => "Gibbs",
            Self::Ula => "ULA",
            Self::Mala => "MALA",
            Self::Hmc => "HMC",
            Self::Nuts => "NUTS",
            Self::Importance => "IS",
            Self::Particles => "particles",
        }
    }

    /// Ids of every sampler (for URL validation).
    pub fn ids() -> [&'static str; 8] {
        Self::ALL.map(|k| k.id())
    }

    /// The sampler with URL id `id`.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Whether it is a single Markov chain (has a trace and an autocorrelation).
    pub fn is_chain(self) -> bool {
        !matches!(self, Self::Importance | Self::Particles)
    }
}

/// Every sampler setting (shared by the two samplers of the comparison).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SamplerParams {
    /// Random-walk proposal σ.
    pub sigma: f64,
    /// Langevin / MALA / particle step ε.
    pub eps: f64,
    /// Langevin: decaying schedule ε_t = a (b + t)^(−γ) instead of constant ε.
    pub decay: bool,
    /// HMC leapfrog step Δt.
    pub dt: f64,
    /// HMC leapfrog steps L.
    pub n_leapfrog: u32,
    /// NUTS leapfrog step ε.
    pub nuts_eps: f64,
    /// NUTS maximum tree depth.
    pub depth: u32,
    /// Importance proposal mean.
    pub is_mean: [f64; 2],
    /// Importance proposal standard deviation (isotropic).
    pub is_sigma: f64,
    /// Number of Langevin particles.
    pub particles: usize,
}

impl Default for SamplerParams {
    fn default() -> Self {
        Self {
            sigma: 1.0,
            eps: 0.1,
            decay: false,
            dt: 0.15,
            n_leapfrog: 10,
            nuts_eps: 0.2,
            depth: 8,
            is_mean: [0.0, 0.0],
            is_sigma: 2.0,
            particles: 2000,
        }
    }
}

/// Offset b and exponent γ of the decaying schedule; a is chosen so that ε₀ = ε.
pub const DECAY_B: f64 = 10.0;
/// γ of the decaying schedule (in (0.5, 1], as Welling & Teh require).
pub const DECAY_GAMMA: f64 = 0.55;

impl SamplerParams {
    /// The Langevin step schedule these settings describe.
    pub fn schedule(&self) -> Result<StepSchedule, SamplerError> {
        if self.decay {
            // ε_t = a (b + t)^(−γ) with a = ε b^γ, so the first step is ε.
            StepSchedule::decaying(self.eps * DECAY_B.powf(DECAY_GAMMA), DECAY_B, DECAY_GAMMA)
        } else {
            StepSchedule::constant(self.eps)
        }
    }
}

/// Many Langevin particles moved together.
pub struct Particles {
    /// Flat positions `[x₁, x₂, x₁, x₂, …]`.
    pub xs: Vec<f64>,
    /// Step schedule.
    pub schedule: StepSchedule,
    /// Sweeps done (the schedule's clock).
    pub iter: u64,
    /// Particles the NaN guard froze in the last sweep.
    pub frozen: usize,
}

/// A running sampler.
pub enum Engine {
    /// A single Markov chain.
    Chain(Box<dyn Sampler2d>),
    /// Importance sampling (independent weighted draws).
    Importance(ImportanceSampler),
    /// Langevin particles.
    Particles(Particles),
}

/// Builds sampler `kind` with `p` at `x0` and temperature `t`; particles start uniformly in
/// `view` (drawn from `rng`).
pub fn build(
    kind: SamplerKind,
    p: &SamplerParams,
    x0: [f64; 2],
    t: f64,
    view: Bounds,
    rng: &mut Rng,
) -> Result<Engine, SamplerError> {
    Ok(match kind {
        SamplerKind::Rwmh => Engine::Chain(Box::new(Metropolis::random_walk(x0, p.sigma, t)?)),
        SamplerKind::Gibbs => Engine::Chain(Box::new(Gibbs2d::new(
            x0,
            t,
            crate::core::sampler::gibbs2d::DEFAULT_GRID_CELLS,
        )?)),
        SamplerKind::Ula => Engine::Chain(Box::new(Langevin::new(x0, p.schedule()?, t)?)),
        SamplerKind::Mala => Engine::Chain(Box::new(Mala::new(x0, p.eps, t)?)),
        SamplerKind::Hmc => Engine::Chain(Box::new(Hmc::new(x0, p.dt, p.n_leapfrog, t)?)),
        SamplerKind::Nuts => Engine::Chain(Box::new(Nuts::new(x0, p.nuts_eps, p.depth, t)?)),
        SamplerKind::Importance => {
            let s2 = p.is_sigma * p.is_sigma;
            let q = ImportanceProposal::gaussian(p.is_mean, [[s2, 0.0], [0.0, s2]])?;
            Engine::Importance(ImportanceSampler::new(q, t)?)
        }
        SamplerKind::Particles => {
            let n = p
                .particles
                .clamp(1, crate::core::sampler::chains::MAX_CHAINS);
            let mut xs = Vec::with_capacity(2 * n);
            for _ in 0..n {
                xs.push(rng.range(view.x_min, view.x_max));
                xs.push(rng.range(view.y_min, view.y_max));
            }
            Engine::Particles(Particles {
                xs,
                schedule: p.schedule()?,
                iter: 0,
                frozen: 0,
            })
        }
    })
}
