//! Browser storage and files: versioned entries in localStorage (a damaged entry is set aside,
//! never deleted), downloads (JSON, PNG, CSV) and reading a file the user picks.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlAnchorElement, HtmlInputElement, Storage};

use super::dom;

fn local() -> Option<Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The stored text under `key`, if any (and if storage is available).
pub fn load(key: &str) -> Option<String> {
    local().and_then(|s| s.get_item(key).ok().flatten())
}

/// Stores `text` under `key`; errors (quota, private mode) are returned, not thrown.
pub fn save(key: &str, text: &str) -> Result<(), String> {
    let s = local().ok_or("browser storage is unavailable")?;
    s.set_item(key, text)
        .map_err(|_| "browser storage is full or disabled; nothing was saved".to_string())
}

/// Moves a damaged (or newer-version) entry aside so the page can start clean: the text is
/// copied to a key of its own (`key.corrupt`, then `key.corrupt.2`, … — an earlier one is never
/// overwritten), read back to check the copy, and only then is the original removed. If the copy
/// fails (storage full), the original stays where it was and the error says so.
pub fn set_aside(key: &str) -> Result<String, String> {
    let s = local().ok_or("browser storage is unavailable")?;
    let Some(text) = load(key) else {
        return Err("the entry is gone".into());
    };
    let aside = (1..1000)
        .map(|k| {
            if k == 1 {
                format!("{key}.corrupt")
            } else {
                format!("{key}.corrupt.{k}")
            }
        })
        .find(|k| load(k).is_none())
        .ok_or("too many entries were set aside already")?;
    let copied = s.set_item(&aside, &text).is_ok() && load(&aside).as_deref() == Some(&text);
    if !copied {
        let _ = s.remove_item(&aside);
        return Err(format!(
            "it could not be copied aside ({} characters; storage may be full), so it was left in place",
            text.len()
        ));
    }
    s.remove_item(key)
        .map_err(|_| "the copy was made but the original could not be removed".to_string())?;
    Ok(aside)
}

/// Calls `f` with the key whenever another tab changes browser storage.
pub fn on_change(mut f: impl FnMut(String) + 'static) -> Result<(), JsValue> {
    let w = web_sys::window().ok_or("no window")?;
    dom::on(&w, "storage", move |e: web_sys::StorageEvent| {
        if let Some(k) = e.key() {
            f(k);
        }
    })
}

fn click_link(href: &str, filename: &str) -> Result<(), JsValue> {
    let doc = dom::document()?;
    let a = doc.create_element("a")?.dyn_into::<HtmlAnchorElement>()?;
    a.set_href(href);
    a.set_download(filename);
    let body = doc.body().ok_or("no body")?;
    body.append_child(&a)?;
    a.click();
    body.remove_child(&a)?;
    Ok(())
}

/// Offers a blob as a file download. Its URL is revoked a minute later (the download has long
/// started by then; revoking at once can cancel a large one).
pub fn download_blob(blob: &web_sys::Blob, filename: &str) -> Result<(), JsValue> {
    let url = web_sys::Url::create_object_url_with_blob(blob)?;
    click_link(&url, filename)?;
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    web_sys::window()
        .ok_or("no window")?
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000)?;
    Ok(())
}

/// Offers `text` as a file download.
pub fn download_text(filename: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let r = click_link(&url, filename);
    web_sys::Url::revoke_object_url(&url)?;
    r
}

/// Offers a canvas as a PNG download.
pub fn download_png(canvas: &web_sys::HtmlCanvasElement, filename: &str) -> Result<(), JsValue> {
    let url = canvas.to_data_url_with_type("image/png")?;
    click_link(&url, filename)
}

/// A button that opens a file picker and hands the chosen file's text to `on_text`
/// (files over `max_bytes` are refused before reading).
pub fn file_button(
    parent: &web_sys::Element,
    label: &str,
    title: &str,
    accept: &str,
    max_bytes: f64,
    on_text: impl FnMut(Result<String, String>) + 'static,
) -> Result<HtmlInputElement, JsValue> {
    let input = dom::el(parent, "input", "hidden")?.dyn_into::<HtmlInputElement>()?;
    input.set_type("file");
    input.set_accept(accept);
    input.set_attribute("aria-label", label)?;
    {
        let i2 = input.clone();
        dom::button(parent, label, title, move || i2.click())?;
    }
    let on_text = std::rc::Rc::new(std::cell::RefCell::new(on_text));
    let i2 = input.clone();
    dom::on(&input, "change", move |_: web_sys::Event| {
        let Some(file) = i2.files().and_then(|f| f.get(0)) else {
            return;
        };
        i2.set_value("");
        if file.size() > max_bytes {
            (on_text.borrow_mut())(Err(format!(
                "{} is {} bytes; at most {max_bytes} are accepted",
                file.name(),
                file.size()
            )));
            return;
        }
        let Ok(reader) = web_sys::FileReader::new() else {
            return;
        };
        let r2 = reader.clone();
        let cb = on_text.clone();
        let onload = Closure::once(move |_: web_sys::Event| {
            let text = r2.result().ok().and_then(|v| v.as_string());
            (cb.borrow_mut())(text.ok_or_else(|| "the file could not be read as text".to_string()));
        });
        reader.set_onload(Some(onload.as_ref().unchecked_ref()));
        onload.forget();
        if reader.read_as_text(&file).is_err() {
            (on_text.borrow_mut())(Err("the file could not be read".into()));
        }
    })?;
    Ok(input)
}
