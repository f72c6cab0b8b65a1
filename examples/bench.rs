//! Native side of the benchmark: times every workload of `core::bench` and prints one JSON
//! object `{ "workload": { "median_ms": …, "reps": …, "checksum": … }, … }` on stdout.
//! Run through `scripts/bench`, which sets it beside the wasm and plain-JS timings, row by row.

use energy_core::bench::{measure, selected, workloads};
use std::time::Instant;

fn main() {
    let seed = 20_261_126;
    let t0 = Instant::now();
    let mut now = move || t0.elapsed().as_secs_f64() * 1e3;
    let mut out = Vec::new();
    // `ONLY=mala,tempering` times only the workloads whose names contain one of the words.
    let only = std::env::var("ONLY").unwrap_or_default();
    // `LIST=1` prints the selected workloads' names as a JSON array, without timing them.
    if std::env::var_os("LIST").is_some() {
        let names: Vec<String> = workloads()
            .into_iter()
            .filter(|w| selected(w.name, &only))
            .map(|w| format!("\"{}\"", w.name))
            .collect();
        println!("[{}]", names.join(", "));
        return;
    }
    for w in workloads().into_iter().filter(|w| selected(w.name, &only)) {
        let mut run = (w.prepare)(seed);
        let (ms, check) = measure(&mut now, &mut *run, 2000.0);
        out.push(format!(
            "\"{}\": {{\"median_ms\": {ms:.6}, \"checksum\": {check}}}",
            w.name
        ));
    }
    println!("{{{}}}", out.join(", "));
}
