//! Browser tests that long learning never freezes the page: the gradient rule at 64 × 64,
//! 36 glyphs stored one click after another with Storkey's rule at 64 × 64, and a 64-memory
//! 64 × 64 library imported. Each watches the gaps between animation frames while the work
//! goes on (the longest must stay ≤ 250 ms, robust on a busy machine; the page aims at
//! ≤ 100 ms), and checks the progress row and its Cancel.
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use support::{
    attr_of, buttons, choose, el, mounted, next_frame, query, set_hash, status, upload, wait,
};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlSelectElement;

wasm_bindgen_test_configure!(run_in_browser);

const GAP_LIMIT_MS: f64 = 250.0;

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .expect("performance")
        .now()
}

/// The longest gap between animation frames while `until()` is false, for at most `ms`.
/// Returns the gap and whether `until()` became true.
async fn longest_gap_until(ms: f64, until: impl Fn() -> bool) -> (f64, bool) {
    next_frame().await;
    let end = now() + ms;
    let mut last = now();
    let mut worst: f64 = 0.0;
    while now() < end {
        if until() {
            return (worst, true);
        }
        next_frame().await;
        let t = now();
        worst = worst.max(t - last);
        last = t;
    }
    (worst, until())
}

/// Watches every animation frame in the background (its own rAF loop) and keeps the longest
/// gap between two, whatever the test does meanwhile (uploads, clicks, waits).
type FrameLoop = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

struct GapWatch {
    worst: Rc<Cell<f64>>,
    on: Rc<Cell<bool>>,
}

impl GapWatch {
    fn start() -> Self {
        let worst = Rc::new(Cell::new(0.0f64));
        let on = Rc::new(Cell::new(true));
        let last = Rc::new(Cell::new(now()));
        let slot: FrameLoop = Rc::new(RefCell::new(None));
        let again = slot.clone();
        let (w, o) = (worst.clone(), on.clone());
        *slot.borrow_mut() = Some(Closure::new(move |_: f64| {
            let t = now();
            w.set(w.get().max(t - last.get()));
            last.set(t);
            if o.get() {
                if let Some(cb) = again.borrow().as_ref() {
                    let _ = web_sys::window()
                        .expect("window")
                        .request_animation_frame(cb.as_ref().unchecked_ref());
                }
            }
        }));
        if let Some(cb) = slot.borrow().as_ref() {
            let _ = web_sys::window()
                .expect("window")
                .request_animation_frame(cb.as_ref().unchecked_ref());
        }
        // The loop holds itself (through `slot`) until `on` is cleared.
        std::mem::forget(slot);
        Self { worst, on }
    }

    fn worst(&self) -> f64 {
        self.worst.get()
    }
}

impl Drop for GapWatch {
    fn drop(&mut self) {
        self.on.set(false);
    }
}

fn learning_shown() -> bool {
    !el("hopfield-learning").class_list().contains("hidden")
}

fn library_count() -> usize {
    attr_of("hopfield-library", "data-count")
        .parse()
        .expect("count")
}

fn cancel() {
    buttons("#hopfield-learning", "Cancel")
        .first()
        .expect("a Cancel button")
        .click();
}

/// Opens `hash`, measuring the frame gap across the hash change itself.
async fn open_timed(hash: &str) -> f64 {
    mounted();
    wait(150).await;
    next_frame().await;
    let t0 = now();
    set_hash(hash);
    next_frame().await;
    next_frame().await;
    now() - t0
}

#[wasm_bindgen_test]
async fn gradient_rule_at_64_trains_in_slices_and_cancel_stops_it() {
    let open_gap = open_timed("#hopfield?n=64&rule=grad-c&mem=AHOU&seed=5").await;
    assert!(
        open_gap <= 2.0 * GAP_LIMIT_MS,
        "opening took {open_gap:.0} ms"
    );
    // The Hebbian start and the first gradient iterations run while frames keep coming.
    let (gap, _) = longest_gap_until(4000.0, || false).await;
    console_log!(
        "grad-c at 64×64: opening {open_gap:.0} ms, longest gap while training {gap:.0} ms"
    );
    assert!(
        gap <= GAP_LIMIT_MS,
        "a frame gap of {gap:.0} ms while training"
    );
    assert!(learning_shown(), "the progress row shows while training");
    let text = el("hopfield-learning").text_content().unwrap_or_default();
    assert!(text.contains("Gradient rule: iteration"), "{text}");
    cancel();
    // The iteration under way finishes (in slices), then training stops.
    let (gap, stopped) = longest_gap_until(20_000.0, || !learning_shown()).await;
    assert!(stopped, "training stops after Cancel");
    assert!(
        gap <= GAP_LIMIT_MS,
        "a frame gap of {gap:.0} ms after Cancel"
    );
    let (msg, _) = status();
    assert!(msg.contains("gradient training stopped"), "{msg}");
}

#[wasm_bindgen_test]
async fn storing_36_glyphs_at_64_with_storkey_never_blocks_and_cancel_undoes() {
    let open_gap = open_timed("#hopfield?n=64&rule=storkey&mem=&seed=6").await;
    assert!(
        open_gap <= 2.0 * GAP_LIMIT_MS,
        "opening took {open_gap:.0} ms"
    );
    assert_eq!(library_count(), 0);
    let glyph: HtmlSelectElement = query("#lab-hopfield [data-key=glyph] select");
    let store = || {
        buttons("#hopfield-draw", "Store it")
            .first()
            .expect("Store it")
            .click()
    };
    // 36 stores, one a frame as a quick student would click: each only restarts the learning
    // job (no relearning per glyph), so no frame waits for W.
    let watch = GapWatch::start();
    for i in 0..36 {
        choose(&glyph, i);
        store();
        next_frame().await;
    }
    let click_gap = watch.worst();
    assert!(
        click_gap <= GAP_LIMIT_MS,
        "a frame gap of {click_gap:.0} ms while storing"
    );
    assert_eq!(library_count(), 36);
    assert!(
        learning_shown(),
        "W for 36 glyphs at N = 4096 is built in slices"
    );
    // Cancel: the library goes back to what W holds (nothing).
    cancel();
    next_frame().await;
    assert!(!learning_shown());
    assert_eq!(
        library_count(),
        0,
        "cancel undoes the change W never learnt"
    );
    // Again, to the end.
    let watch = GapWatch::start();
    for i in 0..36 {
        choose(&glyph, i);
        store();
        next_frame().await;
    }
    let (gap, done) = longest_gap_until(60_000.0, || !learning_shown()).await;
    let gap = gap.max(watch.worst());
    assert!(done, "learning finishes");
    console_log!("Storkey, 36 glyphs at 64×64: longest gap while storing {click_gap:.0} ms, while learning {gap:.0} ms");
    assert!(
        gap <= GAP_LIMIT_MS,
        "a frame gap of {gap:.0} ms while learning"
    );
    assert_eq!(library_count(), 36);
}

#[wasm_bindgen_test]
async fn importing_64_memories_at_64_learns_in_slices() {
    use energy_playground::core::hopfield::file::{to_json, Library};
    use energy_playground::core::rng::Rng;
    open_timed("#hopfield?n=16&rule=hebbian&seed=7").await;
    let mut rng = Rng::new(11);
    let lib = Library {
        side: 64,
        rule: "pinv".into(),
        memories: (0..64)
            .map(|k| (format!("r{k}"), (0..4096).map(|_| rng.spin()).collect()))
            .collect(),
        drawing: None,
    };
    let json = to_json(&lib, None);
    // The upload's own wait lets frames run: the watcher sees them all.
    let watch = GapWatch::start();
    upload("#lab-hopfield input[type=file]", "big.json", &json).await;
    let (gap, done) = longest_gap_until(60_000.0, || !learning_shown()).await;
    let gap = gap.max(watch.worst());
    console_log!("import of 64 memories 64×64 (pinv): longest frame gap {gap:.0} ms");
    assert!(done, "learning finishes");
    assert!(
        gap <= GAP_LIMIT_MS,
        "a frame gap of {gap:.0} ms while learning"
    );
    assert_eq!(library_count(), 64);
    let (msg, class) = status();
    assert!(!class.contains("warn"), "{msg}");
}

#[wasm_bindgen_test]
async fn counting_fake_memories_at_64_runs_a_sweep_at_a_time() {
    open_timed("#hopfield?n=64&rule=hebbian&mem=AHOU&seed=8").await;
    let (_, ready) = longest_gap_until(20_000.0, || !learning_shown()).await;
    assert!(ready, "W is learnt first");
    let watch = GapWatch::start();
    buttons("#hopfield-memories", "Count fake memories")
        .first()
        .expect("Count fake memories")
        .click();
    let (gap, _) = longest_gap_until(3000.0, || false).await;
    let gap = gap.max(watch.worst());
    console_log!("counting fake memories at 64×64: longest frame gap {gap:.0} ms");
    assert!(
        gap <= GAP_LIMIT_MS,
        "a frame gap of {gap:.0} ms while counting"
    );
    let text = el("hopfield-learning").text_content().unwrap_or_default();
    assert!(text.contains("Counting fake memories"), "{text}");
    cancel();
    next_frame().await;
    let (msg, _) = status();
    assert!(msg.contains("counting stopped after"), "{msg}");
    assert!(!learning_shown());
}
