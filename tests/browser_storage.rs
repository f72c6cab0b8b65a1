//! Browser tests of persistence and imports: a damaged saved library is set aside with a
//! message and the page still works; an imported garbage file is refused and changes nothing;
//! a valid file is imported; the library survives a remount (reload).
#![cfg(target_arch = "wasm32")]

mod support;

use support::{attr_of, el, mount_at, status, upload, wait};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const KEY: &str = "energy-playground/hopfield/v1";

fn storage() -> web_sys::Storage {
    web_sys::window()
        .expect("w")
        .local_storage()
        .expect("ls")
        .expect("ls")
}

fn library_count() -> String {
    attr_of("hopfield-library", "data-count")
}

async fn import(text: &str) {
    upload("#lab-hopfield input[type=file]", "lib.json", text).await;
}

#[wasm_bindgen_test]
async fn damaged_storage_garbage_import_valid_import_and_reload() {
    // A damaged saved library from an earlier visit.
    storage()
        .set_item(
            KEY,
            "{\"format\": \"energy-playground/hopfield\", \"version\": 1, \"side\": 16, \"memo",
        )
        .expect("set");
    mount_at("app");
    wait(150).await;
    let (msg, class) = status();
    assert!(
        msg.contains("could not be read") && class.contains("warn"),
        "{msg}"
    );
    assert!(storage()
        .get_item(&format!("{KEY}.corrupt"))
        .expect("get")
        .expect("set aside")
        .contains("memo"));
    // The page started fresh and works: the default memories are there.
    assert_eq!(library_count(), "4");

    // Garbage import: refused, library unchanged.
    import("this is not a library \u{0}\u{ffff}").await;
    let (msg, class) = status();
    assert!(
        msg.contains("import refused") && class.contains("warn"),
        "{msg}"
    );
    assert_eq!(library_count(), "4");
    // A file from a future version: refused with the version named.
    import("{\"format\":\"energy-playground/hopfield\",\"version\":7,\"side\":8,\"memories\":[]}")
        .await;
    assert!(status().0.contains("version 7"), "{}", status().0);
    assert_eq!(library_count(), "4");

    // A valid 8×8 library with two memories.
    let ones = "1".repeat(32) + &"0".repeat(32);
    let alt: String = (0..64)
        .map(|i| if i % 2 == 0 { '1' } else { '0' })
        .collect();
    let text = format!(
        "{{\"format\":\"energy-playground/hopfield\",\"version\":1,\"side\":8,\"rule\":\"storkey\",\
         \"memories\":[{{\"label\":\"top\",\"bits\":\"{ones}\"}},{{\"label\":\"<img src=x>\",\"bits\":\"{alt}\"}}]}}"
    );
    import(&text).await;
    assert!(status().0.contains("imported 2"), "{}", status().0);
    assert_eq!(library_count(), "2");
    // Labels are text, never markup.
    let lib = el("hopfield-library");
    assert!(lib.query_selector("img").expect("q").is_none());
    assert!(lib
        .text_content()
        .unwrap_or_default()
        .contains("<img src=x>"));

    // Saved: a second mount (as after a reload) restores it.
    wait(100).await;
    let saved = storage().get_item(KEY).expect("get").expect("saved");
    assert!(
        saved.contains("\"side\":8") && saved.contains("storkey"),
        "{saved}"
    );
}
