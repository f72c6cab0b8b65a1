//! Browser tests that nothing a student saved is lost: a link (or a scene) shows its memories
//! without touching the saved Hopfield library; a change of grid size keeps drawn memories
//! exactly; another tab's save is picked up instead of overwritten; a damaged entry that cannot
//! be copied aside stays where it is, and each damaged entry gets its own key.
#![cfg(target_arch = "wasm32")]

mod support;

use energy_playground::core::hopfield::file;
use support::{button, el, mount_at, set_hash, status, stroke, wait};
use wasm_bindgen_test::*;
use web_sys::HtmlCanvasElement;

wasm_bindgen_test_configure!(run_in_browser);

const KEY: &str = "energy-playground/hopfield/v1";

fn storage() -> web_sys::Storage {
    web_sys::window()
        .expect("w")
        .local_storage()
        .expect("ls")
        .expect("ls")
}

fn saved() -> file::Library {
    let text = storage()
        .get_item(KEY)
        .expect("get")
        .expect("a saved library");
    file::parse(&text).expect("the saved library reads")
}

/// The button labelled `text` in the lab mounted under `#{root}`.
fn click(root: &str, text: &str) {
    button(&format!("#{root} #lab-hopfield"), text).click();
}

fn grid(root: &str) -> HtmlCanvasElement {
    support::query(&format!("#{root} #lab-hopfield canvas.grid"))
}

fn count(root: &str) -> String {
    let lib = support::query::<web_sys::Element>(&format!("#{root} #hopfield-library"));
    support::attr(&lib, "data-count")
}

/// Draws a stroke along row `row` from column 1 to `side − 2`, then stores the drawing.
async fn draw_and_store(root: &str, row: u32) {
    click(root, "Clear");
    let g = grid(root);
    let side = g.width();
    stroke(&g, side, &[(1, row), (side - 2, row)], 0);
    stroke(&g, side, &[(row, 1), (row, side - 2)], 0);
    wait(60).await;
    click(root, "Store drawing");
    wait(120).await;
}

#[wasm_bindgen_test]
async fn links_never_touch_the_saved_library_and_resizing_keeps_drawings() {
    storage().clear().expect("clear");
    set_hash("#hopfield?n=16&seed=5");
    mount_at("a");
    wait(200).await;
    click("a", "Forget all");
    draw_and_store("a", 3).await;
    draw_and_store("a", 9).await;
    assert_eq!(count("a"), "2");
    let before = saved();
    assert_eq!(before.memories.len(), 2, "two drawn memories are saved");

    // A link with memories, as another tab or a bookmark would bring: shown, not saved.
    set_hash("#hopfield?n=16&mem=AB&cue=A&seed=1");
    wait(200).await;
    assert_eq!(count("a"), "2", "the link's two glyphs are shown");
    assert_eq!(saved(), before, "the saved library is untouched by mem=");
    let banner = el("hopfield-link-banner");
    assert!(
        support::attr(&banner, "class")
            .split(' ')
            .all(|c| c != "hidden"),
        "the page says these memories came with the link"
    );
    // An edit to the link's library is not saved either.
    click("a", "Store it");
    wait(150).await;
    assert_eq!(saved(), before, "edits to a link's library are not saved");
    // An empty mem= shows no memories, and still saves nothing.
    set_hash("#hopfield?n=16&mem=&seed=1");
    wait(200).await;
    assert_eq!(count("a"), "0");
    assert_eq!(
        saved(),
        before,
        "an empty mem= does not clear the saved library"
    );

    // A reload (a second instance of the page) shows the saved library again.
    set_hash("#hopfield?n=16&seed=5");
    wait(200).await;
    assert_eq!(count("a"), "2", "a link without mem= shows your library");
    mount_at("b");
    wait(200).await;
    assert_eq!(count("b"), "2", "the reloaded page restores both drawings");

    // Changing the size resamples for display only: 16 → 8 → 16 gives the drawings back.
    set_hash("#hopfield?n=8&seed=5");
    wait(200).await;
    assert_eq!(saved(), before, "a change of size alone saves nothing");
    set_hash("#hopfield?n=16&seed=5");
    wait(200).await;
    click("a", "Store it");
    wait(200).await;
    let after = saved();
    assert_eq!(after.side, 16);
    assert_eq!(
        &after.memories[..2],
        &before.memories[..],
        "the drawn memories survive 16 → 8 → 16 exactly"
    );
}

#[wasm_bindgen_test]
async fn another_tabs_save_is_picked_up_not_overwritten() {
    storage().clear().expect("clear");
    set_hash("#hopfield?n=16&seed=6");
    mount_at("c");
    wait(200).await;
    click("c", "Forget all");
    wait(100).await;
    assert_eq!(saved().memories.len(), 0);
    // Another tab stores two glyphs and saves; the browser tells this tab with a storage event.
    let other = file::Library {
        side: 16,
        rule: "hebbian".into(),
        memories: vec![
            (
                "X".into(),
                energy_playground::core::pattern::glyph('X', 16, 16).expect("X"),
            ),
            (
                "Y".into(),
                energy_playground::core::pattern::glyph('Y', 16, 16).expect("Y"),
            ),
        ],
        drawing: None,
    };
    storage()
        .set_item(KEY, &file::to_json(&other, None))
        .expect("set");
    let init = web_sys::StorageEventInit::new();
    init.set_key(Some(KEY));
    let e = web_sys::StorageEvent::new_with_event_init_dict("storage", &init).expect("event");
    web_sys::window()
        .expect("w")
        .dispatch_event(&e)
        .expect("dispatch");
    wait(150).await;
    assert_eq!(
        count("c"),
        "2",
        "this tab now shows the other tab's library"
    );
    // An edit here builds on the other tab's library instead of writing a stale one over it.
    draw_and_store("c", 5).await;
    let lib = saved();
    let labels: Vec<&str> = lib.memories.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(
        labels,
        ["X", "Y", "#3"],
        "nothing the other tab saved was lost"
    );
}

#[wasm_bindgen_test]
async fn damaged_entries_are_set_aside_each_under_its_own_key_or_left_in_place() {
    storage().clear().expect("clear");
    set_hash("#hopfield?n=16&seed=7");
    storage()
        .set_item(KEY, "{\"format\": 1, damaged one")
        .expect("set");
    mount_at("d");
    wait(150).await;
    assert!(status().0.contains("could not be read"), "{}", status().0);
    storage()
        .set_item(KEY, "{\"format\": 2, damaged two")
        .expect("set");
    mount_at("e");
    wait(150).await;
    let first = storage()
        .get_item(&format!("{KEY}.corrupt"))
        .expect("get")
        .expect("the first damaged entry is kept");
    let second = storage()
        .get_item(&format!("{KEY}.corrupt.2"))
        .expect("get")
        .expect("the second damaged entry has a key of its own");
    assert!(first.contains("damaged one") && second.contains("damaged two"));

    // A damaged entry too large to copy within the storage quota stays in place.
    storage().clear().expect("clear");
    // The largest entry this origin's quota takes, then one 60 % of that: it fits, but a second
    // copy of it does not.
    let fits = |n: usize| {
        let ok = storage().set_item("probe", &"x".repeat(n)).is_ok();
        storage().remove_item("probe").expect("remove");
        ok
    };
    let (mut lo, mut hi) = (10_000usize, 64_000_000usize);
    assert!(fits(lo), "storage takes an entry");
    while hi - lo > lo / 500 {
        let mid = lo + (hi - lo) / 2;
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let max = lo;
    let big = format!("{{\"format\": \"{}", "x".repeat(max * 3 / 5));
    storage()
        .set_item(KEY, &big)
        .expect("the large damaged entry fits");
    mount_at("f");
    wait(200).await;
    let (msg, class) = status();
    assert!(class.contains("warn"), "{class}");
    assert!(
        msg.contains("left in place"),
        "the message says the entry stayed: {msg}"
    );
    assert_eq!(
        storage().get_item(KEY).expect("get").as_deref(),
        Some(big.as_str()),
        "the damaged entry was not deleted"
    );
    // The page works, and does not save over the entry it could not read.
    click("f", "Store it");
    wait(150).await;
    assert_eq!(
        storage().get_item(KEY).expect("get").as_deref(),
        Some(big.as_str()),
        "nothing was written over it"
    );
    storage().clear().expect("clear");
}

#[wasm_bindgen_test]
async fn a_set_aside_entry_is_reported_beside_a_links_memories() {
    storage().clear().expect("clear");
    // A link that brings memories and a cue, opened with a damaged saved entry.
    set_hash("#hopfield?n=16&mem=AB&cue=A&seed=9");
    storage()
        .set_item(KEY, "{\"format\": 3, damaged three")
        .expect("set");
    mount_at("g");
    wait(150).await;
    let (msg, class) = status();
    assert!(
        msg.contains("could not be read") && class.contains("warn"),
        "the set-aside entry is still reported: {msg}"
    );
    assert!(storage()
        .get_item(&format!("{KEY}.corrupt"))
        .expect("get")
        .expect("set aside")
        .contains("damaged three"));
    storage().clear().expect("clear");
}
