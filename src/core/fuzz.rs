//! Damaged inputs for the parsers' property tests: a valid file with a few random byte edits
//! (replace, delete, insert) drawn from an alphabet of characters that matter to the format.
//! Seeded, so a failing case replays.

use crate::rng::Rng;

/// Writes into `out` a copy of `base` with 1–4 random edits, each a byte replaced by, or a byte
/// inserted from, `alphabet` (non-empty), or a byte deleted.
pub fn mutate(base: &[u8], alphabet: &[u8], rng: &mut Rng, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(base);
    for _ in 0..1 + rng.below(4) {
        let pick = alphabet[rng.below(alphabet.len())];
        match rng.below(3) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = pick;
            }
            1 if out.len() > 1 => {
                out.remove(rng.below(out.len()));
            }
            _ => out.insert(rng.below(out.len() + 1), pick),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_few_and_replay_from_the_seed() {
        let base = b"{\"a\": 1}";
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for seed in 0..50 {
            mutate(base, b"x", &mut Rng::new(seed), &mut a);
            mutate(base, b"x", &mut Rng::new(seed), &mut b);
            assert_eq!(a, b);
            assert!(a.len().abs_diff(base.len()) <= 4);
        }
    }
}
