//! Recall a corrupted pattern with a Hopfield network and print the energy trace.
//!
//! Stores the glyphs A, H, O, U (16 × 16 pixels) with Hebb's rule, flips 30 % of the pixels of
//! H, and updates the neurons asynchronously in random order until a sweep changes nothing.
//! The energy `E(y) = −½ yᵀWy − bᵀy` never rises (each flip aligns a neuron with its local
//! field); the overlap `m = ξ·y/N` with the stored H climbs to 1.
//!
//! ```text
//! cargo run --release --example hopfield_recall [-- --noise 0.3 --seed 1]
//! ```

use energy_core::hopfield::{
    hebbian, sweep, Dynamics, HebbianScale, Network, Order, RecallEvent, State,
};
use energy_core::pattern::{flip_noise, glyphs, overlap};
use energy_core::rng::Rng;

fn arg(name: &str, default: f64) -> f64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let noise = arg("--noise", 0.3);
    let seed = arg("--seed", 1.0) as u64;
    let (w, h) = (16, 16);
    let names = ['A', 'H', 'O', 'U'];
    let memories = glyphs("AHOU", w, h).ok_or("no glyphs at this size")?;

    let mut net = Network::new(w * h)?;
    hebbian(&mut net, &memories, HebbianScale::PerPattern)?;

    let mut rng = Rng::new(seed);
    let mut cue = memories[1].clone();
    let flipped = flip_noise(&mut cue, noise, &mut rng)?;
    let mut state = State::new(&net, cue)?;
    let mut dynamics = Dynamics::new(net.n(), Order::Random, &mut rng)?;

    println!(
        "N = {} neurons, memories {names:?} (Hebb), cue: H with {flipped} of {} pixels flipped (seed {seed})",
        net.n(),
        net.n()
    );
    println!(
        "{:>6} {:>6} {:>12}  overlaps m with A, H, O, U",
        "sweep", "flips", "energy E"
    );
    let print =
        |sweep: usize, flips: usize, state: &State| -> Result<(), Box<dyn std::error::Error>> {
            let m: Vec<String> = memories
                .iter()
                .map(|xi| overlap(xi, state.y()).map(|m| format!("{m:+.3}")))
                .collect::<Result<_, _>>()?;
            println!(
                "{sweep:>6} {flips:>6} {:>12.3}  {}",
                state.energy(),
                m.join(" ")
            );
            Ok(())
        };
    print(0, 0, &state)?;
    // The energy after every flip: it must never rise.
    let mut trace = vec![state.energy()];
    for s in 1..=50 {
        let mut energy = *trace.last().unwrap_or(&0.0);
        let flips = sweep(&net, &mut state, &mut dynamics, &mut rng, &mut |e| {
            if let RecallEvent::Flip { delta_e, .. } = e {
                energy += delta_e;
                trace.push(energy);
            }
        })?;
        print(s, flips, &state)?;
        if flips == 0 {
            break;
        }
    }
    let rises = trace.windows(2).filter(|p| p[1] > p[0] + 1e-9).count();
    let recalled = names
        .iter()
        .zip(&memories)
        .find(|(_, xi)| overlap(xi, state.y()).is_ok_and(|m| m > 0.999))
        .map(|(n, _)| n.to_string())
        .unwrap_or_else(|| "no stored pattern (a spurious state)".into());
    println!(
        "energy trace: {} flips, E {:.3} → {:.3}, rises: {rises}; fixed point: {recalled}",
        trace.len() - 1,
        trace[0],
        state.energy()
    );
    if rises > 0 {
        return Err("the energy rose during asynchronous recall".into());
    }
    Ok(())
}
