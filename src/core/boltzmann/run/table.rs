//! The Boltzmann lab's settings: one row per parameter, each shown only in its own view.

use super::exact::{KINDS, KIND_OPTS};
use super::learning::{LearnSettings, DATA, DATA_OPTS};
use super::temperature::{SCHEDULES, SCHEDULE_OPTS, SIDES, SIDE_OPTS};
use super::{exact, temperature as temp, BoltzmannRun, View, VIEWS, VIEW_OPTS};
use crate::settings::{when, Range, SetResult, Setting, Show, Table};

/// The Gibbs temperatures offered: a log slider, and 0 (the deterministic limit) by a checkbox.
const T_RANGE: Range = Range::log(0.01, 1000.0).or_zero("T = 0 (deterministic Hopfield network)");

fn msg(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn in_temp(r: &BoltzmannRun) -> bool {
    r.view == View::Temperature
}

fn in_exact(r: &BoltzmannRun) -> bool {
    r.view == View::Exact
}

fn in_learn(r: &BoltzmannRun) -> bool {
    r.view == View::Learning
}

/// Applies a change of the learning settings and keeps what it did for the status line.
fn learn(r: &mut BoltzmannRun, f: impl FnOnce(&mut LearnSettings)) -> SetResult {
    if let Some(note) = r.learn.change(f) {
        r.say(note);
    }
    Ok(())
}

/// A new exact network was drawn: say so.
fn redrawn(r: &mut BoltzmannRun) -> SetResult {
    let n = r.exact.n();
    r.say(format!(
        "new network of {n} neurons drawn; its {} states enumerated",
        1usize << n
    ));
    Ok(())
}

fn learn_get(r: &BoltzmannRun) -> &LearnSettings {
    r.learn.settings()
}

/// Annealing stops at T_min, so T_min ≤ T_max.
fn fix(r: &mut BoltzmannRun) -> Option<String> {
    let a = &mut r.temp.anneal;
    (a.t_min > a.t_max).then(|| {
        a.t_min = a.t_max;
        format!("T_min was above T_max; T_min = T_max = {}", a.t_max)
    })
}

/// The Boltzmann lab's settings, in the order a link applies them.
pub static TABLE: Table<BoltzmannRun> = Table {
    rows: &[
        Setting::choice(
            "view",
            "View",
            "Gibbs sampling at T and annealing · a small network's exact distribution against \
             samples · Boltzmann-machine learning",
            &VIEW_OPTS,
            0,
            |r| r.view as usize,
            |r, i| {
                r.set_view(VIEWS[i]);
                Ok(())
            },
        ),
        // ----- temperature & annealing ----------------------------------------------------
        when(
            in_temp,
            Setting::choice(
                "n",
                "Grid",
                "Side of the neuron grid: N = side² neurons (glyphs are drawn again, the state \
                 resampled)",
                &SIDE_OPTS,
                temp::DEFAULT_SIDE,
                |r| SIDES.iter().position(|&s| s == r.temp.side()).unwrap_or(0),
                |r, i| {
                    r.temp.set_side(SIDES[i])?;
                    r.say(format!("grid {0} × {0}: memories drawn again", SIDES[i]));
                    Ok(())
                },
            ),
        ),
        when(
            in_temp,
            Setting::text(
                "mem",
                "Memories",
                "Glyphs ξᵖ stored by Hebb's rule wᵢⱼ = (1/N) Σₚ ξᵢᵖ ξⱼᵖ (letters A–Z and digits; \
                 glyphs share their background, so they overlap: m(A, H) = 0.84, m(A, 1) = 0.25)",
                temp::MAX_MEMORIES,
                temp::DEFAULT_GLYPHS,
                |r| r.temp.glyphs().to_string(),
                |r, t| {
                    r.temp.set_glyphs(t)?;
                    r.say(format!(
                        "{} memories stored by Hebb's rule",
                        r.temp.memories().len()
                    ));
                    Ok(())
                },
            ),
        ),
        when(
            in_temp,
            Setting::number(
                "T",
                "T",
                "Temperature T (log scale): P(yᵢ = +1 | rest) = σ(2hᵢ/T); T = 0 is the \
                 deterministic Hopfield network, T → ∞ a fair coin",
                T_RANGE,
                temp::DEFAULT_T,
                |r| r.temp.temperature(),
                |r, t| r.temp.set_temperature(t).map_err(msg),
            ),
        ),
        when(
            in_temp,
            Setting::number(
                "M",
                "Average M",
                "M: retrieval by averaging uses the last M samples (one per sweep)",
                Range::int(1.0, 200.0),
                temp::DEFAULT_M as f64,
                |r| r.temp.window() as f64,
                |r, m| r.temp.set_window(m as usize).map_err(msg),
            ),
        ),
        when(
            in_temp,
            Setting::number(
                "p",
                "Noise p",
                "Fraction p of neurons flipped by \"Cue\" and \"Add noise\" (exactly round(pN) \
                 flips)",
                Range::lin(0.0, 0.5, 0.01).show(Show::Percent),
                temp::DEFAULT_NOISE,
                |r| r.temp.noise(),
                |r, p| r.temp.set_noise(p),
            ),
        ),
        when(
            in_temp,
            Setting::number(
                "tmax",
                "T_max",
                "Starting temperature of the anneal",
                Range::log(0.1, 100.0),
                5.0,
                |r| r.temp.anneal.t_max,
                |r, t| {
                    r.temp.anneal.t_max = t;
                    Ok(())
                },
            ),
        ),
        when(
            in_temp,
            Setting::number(
                "alpha",
                "α (factor)",
                "Cooling factor: T ← αT after each level",
                Range::lin(0.5, 0.99, 0.01),
                0.9,
                |r| r.temp.anneal.alpha,
                |r, a| {
                    r.temp.anneal.alpha = a;
                    Ok(())
                },
            ),
        ),
        when(
            in_temp,
            Setting::number(
                "k",
                "Sweeps / T",
                "Sweeps at each temperature (the lecture's \"repeat a few cycles\")",
                Range::int(1.0, 50.0),
                5.0,
                |r| r.temp.anneal.k as f64,
                |r, k| {
                    r.temp.anneal.k = k as usize;
                    Ok(())
                },
            ),
        ),
        when(
            in_temp,
            Setting::number(
                "tmin",
                "T_min",
                "Cooling stops at the first level with T ≤ T_min; then T = 0 until nothing flips",
                Range::log(0.01, 1.0),
                0.05,
                |r| r.temp.anneal.t_min,
                |r, t| {
                    r.temp.anneal.t_min = t;
                    Ok(())
                },
            ),
        ),
        when(
            in_temp,
            Setting::choice(
                "sched",
                "Schedule",
                "How T falls from T_max to T_min",
                &SCHEDULE_OPTS,
                0,
                |r| {
                    SCHEDULES
                        .iter()
                        .position(|&s| s == r.temp.anneal.schedule)
                        .unwrap_or(0)
                },
                |r, i| {
                    r.temp.anneal.schedule = SCHEDULES[i];
                    Ok(())
                },
            ),
        ),
        // ----- exact distribution ---------------------------------------------------------
        when(
            in_exact,
            Setting::number(
                "ne",
                "Neurons N",
                "Number of neurons; exact enumeration visits all 2ᴺ states",
                Range::int(exact::N_MIN as f64, exact::N_MAX as f64),
                exact::DEFAULT_N as f64,
                |r| r.exact.n() as f64,
                |r, n| {
                    r.exact.set_n(n as usize)?;
                    redrawn(r)
                },
            ),
        ),
        when(
            in_exact,
            Setting::choice(
                "w",
                "Weights",
                "Random Gaussian couplings (a small spin glass) or Hebbian memories",
                &KIND_OPTS,
                0,
                |r| KINDS.iter().position(|&k| k == r.exact.kind()).unwrap_or(0),
                |r, i| {
                    r.exact.set_kind(KINDS[i]);
                    redrawn(r)
                },
            ),
        ),
        when(
            |r| in_exact(r) && r.exact.kind() == exact::WeightKind::Random,
            Setting::number(
                "sigma",
                "σ",
                "Standard deviation of the random weights (larger σ: deeper valleys, slower \
                 mixing)",
                Range::lin(0.1, 2.0, 0.05),
                exact::DEFAULT_SIGMA,
                |r| r.exact.sigma(),
                |r, s| {
                    r.exact.set_sigma(s)?;
                    redrawn(r)
                },
            ),
        ),
        when(
            in_exact,
            Setting::number(
                "te",
                "T",
                "Temperature T (log scale) of both the exact distribution and the sampler; \
                 changing it clears the samples (the chain continues)",
                T_RANGE,
                1.0,
                |r| r.exact.temperature(),
                |r, t| r.exact.set_temperature(t).map_err(msg),
            ),
        ),
        when(
            in_exact,
            Setting::toggle(
                "logp",
                "log₁₀ scale for P(y)",
                "Show log₁₀ P(y): the improbable states become visible",
                false,
                |r| r.exact.log_y,
                |r, on| {
                    r.exact.log_y = on;
                    Ok(())
                },
            ),
        ),
        // ----- learning -------------------------------------------------------------------
        when(
            in_learn,
            Setting::choice(
                "data",
                "Patterns",
                "The visible patterns the machine should learn to generate",
                &DATA_OPTS,
                0,
                |r| {
                    DATA.iter()
                        .position(|&d| d == learn_get(r).data)
                        .unwrap_or(0)
                },
                |r, i| learn(r, |s| s.data = DATA[i]),
            ),
        ),
        when(
            |r| in_learn(r) && learn_get(r).data == super::learning::DataKind::Random,
            Setting::number(
                "nv",
                "Visible N_v",
                "Bits per random pattern (bars and stripes has 9)",
                Range::int(6.0, 9.0),
                8.0,
                |r| learn_get(r).nv as f64,
                |r, v| learn(r, |s| s.nv = v as usize),
            ),
        ),
        when(
            |r| in_learn(r) && learn_get(r).data == super::learning::DataKind::Random,
            Setting::number(
                "np",
                "Count",
                "Number of distinct random patterns",
                Range::int(2.0, 8.0),
                4.0,
                |r| learn_get(r).np as f64,
                |r, v| learn(r, |s| s.np = v as usize),
            ),
        ),
        when(
            in_learn,
            Setting::number(
                "hidden",
                "Hidden units",
                "Hidden neurons h (latent variables): y = (v, h); changing them restarts from \
                 W = 0",
                Range::int(0.0, 4.0),
                2.0,
                |r| learn_get(r).hidden as f64,
                |r, v| learn(r, |s| s.hidden = v as usize),
            ),
        ),
        when(
            in_learn,
            Setting::number(
                "eta",
                "η",
                "Learning rate: wᵢⱼ ← wᵢⱼ + η ∇L (gradient ascent)",
                Range::log(0.005, 0.5),
                0.05,
                |r| learn_get(r).eta,
                |r, v| learn(r, |s| s.eta = v),
            ),
        ),
        when(
            in_learn,
            Setting::number(
                "m",
                "Free M",
                "M: free-phase samples (one per sweep, after 20 burn-in sweeps)",
                Range {
                    int: true,
                    ..Range::lin(10.0, 1000.0, 10.0)
                },
                200.0,
                |r| learn_get(r).m as f64,
                |r, v| learn(r, |s| s.m = v as usize),
            ),
        ),
        when(
            in_learn,
            Setting::number(
                "kc",
                "Clamped K",
                "K: hidden-unit samples per pattern in the clamped phase",
                Range::int(1.0, 50.0),
                10.0,
                |r| learn_get(r).kc as f64,
                |r, v| learn(r, |s| s.kc = v as usize),
            ),
        ),
        when(
            in_learn,
            Setting::toggle(
                "pcd",
                "Persistent free chain",
                "Keep the free chain between steps (Tieleman 2008) instead of a random restart",
                false,
                |r| learn_get(r).persistent,
                |r, on| learn(r, |s| s.persistent = on),
            ),
        ),
        when(
            in_learn,
            Setting::number(
                "steps",
                "Plan",
                "Training steps planned; Play stops there (raise it to go on)",
                Range {
                    int: true,
                    ..Range::lin(50.0, 3000.0, 50.0)
                },
                300.0,
                |r| learn_get(r).planned as f64,
                |r, v| learn(r, |s| s.planned = v as usize),
            ),
        ),
    ],
    fix,
};
