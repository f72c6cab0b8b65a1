//! Statistical test of contrastive-divergence training: a model trained on two Gaussians must put
//! low energy on the modes and its Langevin samples must land near them — and an untrained model
//! must fail the very same checks, so the checks can fail.

use energy_playground::core::ebm::{Dataset, Preset, TrainConfig, Trainer};
use energy_playground::core::rng::Rng;

const MODES: [[f32; 2]; 2] = [[2.0, 0.0], [-2.0, 0.0]];
/// Points far from both modes: above and below the gap, and the box corners.
const FAR: [[f32; 2]; 6] = [
    [0.0, 3.0],
    [0.0, -3.0],
    [4.0, 4.0],
    [-4.0, 4.0],
    [4.0, -4.0],
    [-4.0, -4.0],
];
/// Required energy gap between the highest mode and the lowest far point.
const MARGIN: f32 = 1.0;
/// Required fraction of model samples within distance 1 of a mode (uniform in the box: 2π/64 ≈ 10%).
const NEAR_FRACTION: f64 = 0.7;

/// `min E(far) − max E(mode)`.
fn energy_gap(t: &Trainer) -> f32 {
    let m = t.model();
    let mut ws = m.workspace();
    let mut e = |x| m.energy(x, &mut ws).expect("workspace fits");
    let mode_max = MODES
        .iter()
        .map(|&x| e(x))
        .fold(f32::NEG_INFINITY, f32::max);
    let far_min = FAR.iter().map(|&x| e(x)).fold(f32::INFINITY, f32::min);
    far_min - mode_max
}

/// Fraction of 1000 Langevin samples (300 steps from uniform starts) within 1.0 of a mode.
fn near_fraction(t: &mut Trainer, rng: &mut Rng) -> f64 {
    let pts = t.sample_points(1000, 300, rng).expect("valid request");
    let near = pts
        .chunks_exact(2)
        .filter(|p| MODES.iter().any(|m| (p[0] - m[0]).hypot(p[1] - m[1]) < 1.0))
        .count();
    near as f64 / 1000.0
}

#[test]
fn trained_energy_has_low_modes_and_samples_land_near_them() {
    let mut rng = Rng::new(2025);
    // the preset is exactly the mixture ½N((−2,0), 0.3²I) + ½N((2,0), 0.3²I)
    let data = Dataset::preset(Preset::TwoGaussians, 2000, &mut rng).expect("valid");
    let config = TrainConfig {
        hidden: 32, // smaller than the default 64 to keep the test fast
        total_iterations: 400,
        ..TrainConfig::default()
    };
    let mut trainer = Trainer::new(config, &data, &mut rng).expect("valid config");
    let mut eval_rng = Rng::new(7);

    // The checks must fail for the untrained model.
    let gap0 = energy_gap(&trainer);
    let near0 = near_fraction(&mut trainer, &mut eval_rng);
    println!("untrained: gap {gap0:.3}, near fraction {near0:.3}");
    assert!(gap0 < MARGIN, "untrained gap {gap0} would already pass");
    assert!(
        near0 < NEAR_FRACTION,
        "untrained samples {near0} would already pass"
    );

    while trainer.progress() < 1.0 {
        trainer
            .step_many(50, &mut rng)
            .expect("training stays finite");
    }
    let stats = trainer.last_stats().expect("trained");
    let gap = energy_gap(&trainer);
    let near = near_fraction(&mut trainer, &mut eval_rng);
    println!(
        "after {} iterations: {stats:?}\n gap {gap:.3}, near fraction {near:.3}",
        trainer.iteration()
    );
    assert!(gap > MARGIN, "energy gap far − modes = {gap}");
    assert!(
        near >= NEAR_FRACTION,
        "only {near} of samples within 1 of a mode"
    );
}
