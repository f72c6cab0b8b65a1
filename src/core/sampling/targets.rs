//! The targets of the MCMC view: every landscape on offer (including the user's drawing and,
//! once one has been trained, the learned energy), their exact moments where a closed form
//! exists, the square view box around each, the drawing's link text, and the seeded start point.

use crate::ebm::LearnedEnergy;
use crate::landscape::drawn::MAX_BUMPS;
use crate::landscape::{
    Banana, Bounds, Bump, Donut, DoubleWell, DrawnLandscape, Energy2d, Funnel, Gaussian,
    GaussianMixture, GaussianPosterior, LandscapeError, LogisticPosterior, RingOfModes,
};
use crate::rng::Rng;
use crate::settings::{format_number, opt, Opt};

/// The targets, in menu order (link key, menu label).
pub const TARGETS: [Opt; 12] = [
    opt("gauss", "standard Gaussian"),
    opt("corr", "correlated Gaussian"),
    opt("mixture", "3-Gaussian mixture"),
    opt("banana", "banana"),
    opt("donut", "donut"),
    opt("funnel", "Neal's funnel"),
    opt("wells", "double well"),
    opt("ring", "ring of 8 modes"),
    opt("draw", "draw your own"),
    opt("learned", "learned energy"),
    opt("logistic", "posterior: logistic regression (w, b)"),
    opt("gaussfit", "posterior: Gaussian (μ, ln σ)"),
];
/// Index of the standard Gaussian in [`TARGETS`].
pub const GAUSS: usize = 0;
/// Index of the banana (the default target).
pub const BANANA: usize = 3;
/// Index of the user's drawing.
pub const DRAWN: usize = 8;
/// Index of the energy trained in the "Train an energy" lab.
pub const LEARNED: usize = 9;
/// Index of the logistic-regression posterior (SGLD on data).
pub const LOGISTIC: usize = 10;
/// Index of the Gaussian (μ, ln σ) posterior (SGLD on data).
pub const GAUSSFIT: usize = 11;

/// Default depth of new wells (and height of new hills).
pub const BUMP_DEPTH: f64 = 4.0;
/// Default width (standard deviation) of new bumps.
pub const BUMP_WIDTH: f64 = 0.6;
/// Half-width of the drawing canvas.
pub const DRAW_HALF: f64 = 4.0;
/// Centres of drawn bumps are kept on a grid of this spacing, so the link (which writes them
/// as short decimals) replays the drawing exactly.
pub const SNAP: f64 = 1e-3;

/// Every landscape, built once; the drawing keeps its bumps across target switches.
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
    /// The learned energy, once taken from the "Train an energy" lab.
    pub learned: Option<LearnedEnergy>,
    logistic: LogisticPosterior,
    gaussfit: GaussianPosterior,
    data_size: usize,
}

fn msg(e: LandscapeError) -> String {
    e.to_string()
}

impl Landscapes {
    /// The defaults of every landscape, and the starting drawing (two wells).
    pub fn new() -> Self {
        // Fixed, valid parameters: these constructors cannot fail.
        let fixed = |g: Result<Gaussian, LandscapeError>| g.unwrap_or_else(|e| panic!("{e}"));
        Self {
            gauss: fixed(Gaussian::isotropic([0.0, 0.0], 1.0)),
            corr: fixed(Gaussian::correlated(1.0, 1.0, 0.9)),
            mixture: GaussianMixture::default(),
            banana: Banana::default(),
            donut: Donut::default(),
            funnel: Funnel::default(),
            wells: DoubleWell::default(),
            ring: RingOfModes::default(),
            drawn: default_drawing(),
            learned: None,
            // The shipped data sets are fixed and valid: these cannot fail.
            logistic: super::data::logistic_posterior().unwrap_or_else(|e| panic!("{e}")),
            gaussfit: super::data::gaussian_posterior().unwrap_or_else(|e| panic!("{e}")),
            data_size: super::data::DATA_BASE,
        }
    }

    /// The landscape of target `i` (an index into [`TARGETS`]); the learned energy falls back
    /// to the standard Gaussian while there is none.
    pub fn get(&self, i: usize) -> &dyn Energy2d {
        match i {
            1 => &self.corr,
            2 => &self.mixture,
            3 => &self.banana,
            4 => &self.donut,
            5 => &self.funnel,
            6 => &self.wells,
            7 => &self.ring,
            DRAWN => &self.drawn,
            LEARNED => match &self.learned {
                Some(l) => l,
                None => &self.gauss,
            },
            LOGISTIC => &self.logistic,
            GAUSSFIT => &self.gaussfit,
            _ => &self.gauss,
        }
    }

    /// The posteriors' data size (an index into [`super::data::DATA_SIZES`]).
    pub fn data_size(&self) -> usize {
        self.data_size
    }

    /// Both posteriors on data size `i` (an index into [`super::data::DATA_SIZES`]).
    pub fn set_data_size(&mut self, i: usize) -> Result<(), String> {
        use super::data::{data_points, gaussian_posterior_n, logistic_posterior_n};
        use super::data::{DATA_SIZES, N_GAUSS, N_LOGISTIC};
        if i >= DATA_SIZES.len() {
            return Err("no such data size".into());
        }
        self.logistic = logistic_posterior_n(data_points(N_LOGISTIC, i)).map_err(msg)?;
        self.gaussfit = gaussian_posterior_n(data_points(N_GAUSS, i)).map_err(msg)?;
        self.data_size = i;
        Ok(())
    }

    /// Whether target `i` is a posterior on data (its data size row shows).
    pub fn is_posterior(i: usize) -> bool {
        i == LOGISTIC || i == GAUSSFIT
    }

    /// Whether evaluating target `i` is costly (a neural network): heatmaps and exact
    /// references then use coarser grids.
    pub fn costly(&self, i: usize) -> bool {
        i == LEARNED && self.learned.is_some()
    }

    /// The exact mean and covariance of `p ∝ exp(−E/T)` in closed form, where the core knows
    /// them: Gaussians (covariance T·Σ), the banana and the funnel (any T), the mixture and the
    /// ring at T = 1. `None` elsewhere (the caller integrates on a grid).
    pub fn closed_form_moments(&self, i: usize, t: f64) -> Option<([f64; 2], [[f64; 2]; 2])> {
        let at_one = (t - 1.0).abs() < 1e-12;
        let scaled = |g: &Gaussian| {
            let c = g.cov();
            (
                g.mean(),
                [[t * c[0][0], t * c[0][1]], [t * c[1][0], t * c[1][1]]],
            )
        };
        match i {
            GAUSS => Some(scaled(&self.gauss)),
            1 => Some(scaled(&self.corr)),
            BANANA => Some(self.banana.moments(t)),
            5 => Some(self.funnel.moments(t)),
            2 if at_one => Some(self.mixture.moments()),
            7 if at_one => Some(self.ring.mixture().moments()),
            _ => None,
        }
    }

    /// Replaces the drawing's bumps (all or nothing).
    pub fn set_bumps(&mut self, bumps: &[Bump]) -> Result<(), String> {
        let mut d = self.drawn.clone();
        d.clear();
        for b in bumps {
            d.add_bump(snapped(*b)).map_err(msg)?;
        }
        self.drawn = d;
        Ok(())
    }
}

impl Default for Landscapes {
    fn default() -> Self {
        Self::new()
    }
}

/// The drawing a visitor starts from: two wells in the bowl.
fn default_drawing() -> DrawnLandscape {
    let canvas = Bounds {
        x_min: -DRAW_HALF,
        x_max: DRAW_HALF,
        y_min: -DRAW_HALF,
        y_max: DRAW_HALF,
    };
    let mut d = DrawnLandscape::new(0.25, canvas).unwrap_or_else(|e| panic!("bowl: {e}"));
    for (c, w) in [([-1.6, 1.0], BUMP_WIDTH), ([1.5, -1.2], 0.9)] {
        if let Ok(b) = Bump::new(c, -BUMP_DEPTH, w) {
            let _ = d.add_bump(b);
        }
    }
    d
}

/// `v` on the [`SNAP`] grid.
pub fn snap(v: f64) -> f64 {
    (v / SNAP).round() * SNAP
}

/// A bump with its centre on the [`SNAP`] grid.
pub fn snapped(b: Bump) -> Bump {
    Bump {
        centre: [snap(b.centre[0]), snap(b.centre[1])],
        ..b
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

/// The seeded start point of every chain: uniform in the central 60 % of the view.
pub fn start_point(seed: u64, view: Bounds) -> [f64; 2] {
    let mut rng = Rng::new(seed ^ 0x005E_ED0F_C4A1);
    [
        view.x_min + view.width() * rng.range(0.2, 0.8),
        view.y_min + view.height() * rng.range(0.2, 0.8),
    ]
}

/// Parses the drawing's link text `x,y,a,s~x,y,a,s~…` (centre, amplitude, width per bump) into
/// validated bumps.
pub fn parse_bumps(s: &str) -> Result<Vec<Bump>, String> {
    let mut out = Vec::new();
    for part in s.split('~').filter(|p| !p.is_empty()) {
        let v: Vec<f64> = part
            .split(',')
            .map(|x| {
                x.trim()
                    .parse::<f64>()
                    .map_err(|_| format!("{x:?} is not a number"))
            })
            .collect::<Result<_, _>>()?;
        if v.len() != 4 {
            return Err(format!("{part:?} needs four numbers x,y,amplitude,width"));
        }
        out.push(Bump::new([v[0], v[1]], v[2], v[3]).map_err(msg)?);
        if out.len() > MAX_BUMPS {
            return Err(format!("more than {MAX_BUMPS} bumps"));
        }
    }
    Ok(out)
}

/// The drawing as link text (reads back to the same bumps with [`parse_bumps`]).
pub fn format_bumps(bumps: &[Bump]) -> String {
    let parts: Vec<String> = bumps
        .iter()
        .map(|b| {
            [b.centre[0], b.centre[1], b.amplitude, b.width]
                .map(format_number)
                .join(",")
        })
        .collect();
    parts.join("~")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_is_a_finite_landscape() {
        let l = Landscapes::new();
        for (i, t) in TARGETS.iter().enumerate() {
            let b = square_view(l.get(i).bounds());
            assert!((b.width() - b.height()).abs() < 1e-12, "{}", t.key);
            let c = [0.5 * (b.x_min + b.x_max), 0.5 * (b.y_min + b.y_max)];
            assert!(l.get(i).energy(c).is_finite(), "{}", t.key);
        }
        assert!(!l.costly(LEARNED), "no network yet");
        assert_eq!(l.drawn.bumps().len(), 2);
    }

    #[test]
    fn closed_forms_scale_with_temperature() {
        let l = Landscapes::new();
        let (m, c) = l.closed_form_moments(GAUSS, 2.0).expect("Gaussian");
        assert_eq!(m, [0.0, 0.0]);
        assert!((c[0][0] - 2.0).abs() < 1e-12 && c[0][1].abs() < 1e-12);
        assert!(l.closed_form_moments(2, 1.0).is_some());
        assert!(
            l.closed_form_moments(2, 1.5).is_none(),
            "mixture only at T = 1"
        );
        assert!(l.closed_form_moments(DRAWN, 1.0).is_none());
    }

    #[test]
    fn bumps_round_trip_through_the_link_exactly() {
        let text = "-1.6,1,-4,0.6~1.5,-1.2,-4,0.9";
        let b = parse_bumps(text).expect("parse");
        assert_eq!(b.len(), 2);
        assert_eq!(format_bumps(&b), text);
        let mut l = Landscapes::new();
        let odd = Bump::new([0.123_456_7, -2.000_49], 3.0, 0.5).expect("bump");
        l.set_bumps(&[odd]).expect("set");
        let written = format_bumps(l.drawn.bumps());
        assert_eq!(written, "0.123,-2,3,0.5");
        assert_eq!(parse_bumps(&written).expect("parse"), l.drawn.bumps());
        assert!(parse_bumps("1,2,3").is_err());
        assert!(parse_bumps("1,2,x,4").is_err());
        assert!(parse_bumps("0,0,-4,0").is_err(), "zero width");
        assert_eq!(parse_bumps("").expect("empty"), vec![]);
        let many = vec!["0,0,-1,1"; MAX_BUMPS + 1].join("~");
        assert!(parse_bumps(&many).is_err());
    }

    #[test]
    fn the_start_point_is_seeded_and_central() {
        let v = Bounds::new(-2.0, 2.0, -1.0, 3.0).expect("box");
        let a = start_point(7, v);
        assert_eq!(a, start_point(7, v));
        assert_ne!(a, start_point(8, v));
        assert!(
            (-1.2..=1.2).contains(&a[0]) && (-0.2..=2.2).contains(&a[1]),
            "{a:?}"
        );
    }
}
