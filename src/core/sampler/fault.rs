//! Deliberate defects, for the negative controls of the statistical tests only.
//!
//! Every statistical test of a sampler in `tests/sampler2_stats.rs` is paired with a negative
//! control: the same check run on the same sampler with one plausible bug switched on, which
//! the check must reject. Integration tests see only the public API, so the switch is public;
//! it is hidden from the documentation and the application never sets it. Each sampler
//! honours only its own faults and ignores the others.

/// A plausible implementation bug that a sampler can be told to commit.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Fault {
    /// The correct algorithm.
    #[default]
    None,
    /// Adaptive Metropolis: the proposal is centred on the history's mean instead of the
    /// current state, while the acceptance rule still treats it as a symmetric walk (the
    /// Hastings ratio `q(x|y)/q(y|x)` is missing).
    AmCentredOnMean,
    /// Dual averaging: `log ε_m = μ + (√m/γ) H̄_m` (sign of the feedback flipped).
    DualAveragingSign,
    /// Dual averaging: the inverse metric is set to the inverse of the warm-up variances
    /// (mass matrix and inverse mass matrix confused).
    MetricInverted,
    /// DE-MCMC-Z: the snooker update is accepted without its Jacobian factor
    /// `‖x* − z‖^{d−1} / ‖x − z‖^{d−1}`.
    SnookerNoJacobian,
    /// SVGD: the RBF kernel's gradient uses `1/h` instead of `2/h`
    /// (`∇ₓ exp(−r²/h)` differentiated as if it were `exp(−r²/(2h))`).
    SvgdKernelGradientHalved,
    /// Nested sampling: the evidence increment `L* w_i` uses the likelihood of the newly born
    /// point instead of the discarded one (read after the replacement).
    NestedIncrementAfterReplacement,
    /// Parallel tempering: every proposed swap is accepted (the swap ratio is missing).
    PtAlwaysSwap,
    /// AIS: the weight increment `f_j(x)/f_{j−1}(x)` is taken after the transition at β_j
    /// instead of before it.
    AisWeightAfterMove,
    /// SGLD: the mini-batch likelihood gradient is not scaled by N/B.
    SgldNoBatchScaling,
    /// Microcanonical HMC: `δ = ε|∇log p|/d` instead of `/(d − 1)`.
    MchmcWrongDimension,
}
