//! Native side of the benchmark: times every workload of `core::bench` and prints one JSON
//! object `{ "workload": { "median_ms": …, "reps": …, "checksum": … }, … }` on stdout.
//! Run through `scripts/bench`, which sets it beside the wasm and plain-JS timings.

use energy_playground::core::bench::{median, workloads};
use std::time::Instant;

fn main() {
    let seed = 20_261_126;
    let mut out = Vec::new();
    for w in workloads() {
        let mut run = (w.prepare)(seed);
        let mut check = run(); // warm-up
        let mut times = Vec::new();
        let start = Instant::now();
        while times.len() < 5 || (times.len() < 200 && start.elapsed().as_secs_f64() < 2.0) {
            let t = Instant::now();
            check = run();
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let reps = times.len();
        out.push(format!(
            "\"{}\": {{\"median_ms\": {:.6}, \"reps\": {}, \"checksum\": {}}}",
            w.name,
            median(&mut times),
            reps,
            check
        ));
    }
    println!("{{{}}}", out.join(", "));
}
