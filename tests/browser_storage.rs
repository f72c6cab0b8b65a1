//! Browser tests of persistence and imports: a damaged saved library is set aside with a
//! message and the page still works; an imported garbage file is refused and changes nothing;
//! a valid file is imported; the library survives a remount (reload).
#![cfg(target_arch = "wasm32")]

use energy_playground::web;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlInputElement;

wasm_bindgen_test_configure!(run_in_browser);

const KEY: &str = "energy-playground/hopfield/v1";

fn doc() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("document")
}

fn storage() -> web_sys::Storage {
    web_sys::window()
        .expect("w")
        .local_storage()
        .expect("ls")
        .expect("ls")
}

async fn wait(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("timeout");
    });
    wasm_bindgen_futures::JsFuture::from(p)
        .await
        .expect("timer");
}

fn mount_fresh(id: &str) {
    let root = doc().create_element("div").expect("div");
    root.set_id(id);
    doc()
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    web::mount(&root).expect("mount");
}

fn status() -> (String, String) {
    let s = doc().get_element_by_id("status").expect("status");
    (s.text_content().unwrap_or_default(), s.class_name())
}

fn library_count() -> String {
    doc()
        .get_element_by_id("hopfield-library")
        .expect("lib")
        .get_attribute("data-count")
        .unwrap_or_default()
}

async fn import(text: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let file = web_sys::File::new_with_str_sequence(&parts, "lib.json").expect("file");
    let dt = web_sys::DataTransfer::new().expect("dt");
    dt.items().add_with_file(&file).expect("add");
    let input: HtmlInputElement = doc()
        .query_selector("#lab-hopfield input[type=file]")
        .expect("q")
        .expect("file input")
        .dyn_into()
        .expect("input");
    input.set_files(dt.files().as_ref());
    input
        .dispatch_event(&web_sys::Event::new("change").expect("ev"))
        .expect("dispatch");
    wait(150).await;
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
    mount_fresh("app");
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
    let lib = doc().get_element_by_id("hopfield-library").expect("lib");
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
