//! Browser tests of lecture mode: the scene menu and `[` / `]`, the `hide=` link setting, and
//! the plots' CSV export (the text itself, and the file a real lab's CSV button downloads).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use energy_playground::web::{app, lecture, plot};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlSelectElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{current_hash as hash, doc, mounted, set_hash, wait};

/// Waits for a few animation frames (the app repaints and rewrites the hash in its rAF loop).
async fn frames() {
    wait(150).await;
}

fn q(sel: &str) -> HtmlElement {
    doc()
        .query_selector(sel)
        .expect("query")
        .unwrap_or_else(|| panic!("{sel} missing"))
        .dyn_into()
        .expect("html element")
}

fn status() -> (String, String) {
    let s = q("#status");
    (s.class_name(), s.text_content().unwrap_or_default())
}

fn scene_index(title: &str) -> usize {
    lecture::SCENES
        .iter()
        .position(|s| s.title == title)
        .unwrap_or_else(|| panic!("no scene {title:?}"))
}

fn key(k: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(k);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let e = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    doc().dispatch_event(&e).expect("dispatch");
}

/// Whether an element is laid out (not `display: none`, itself or an ancestor).
fn shown(el: &HtmlElement) -> bool {
    el.offset_width() > 0 || el.offset_height() > 0
}

/// The `.ctl` inside `scope` whose name reads `name`.
fn ctl(scope: &str, name: &str) -> HtmlElement {
    let list = doc()
        .query_selector_all(&format!("{scope} .ctl"))
        .expect("controls");
    for i in 0..list.length() {
        let el: HtmlElement = list.get(i).expect("ctl").dyn_into().expect("html");
        let n = el
            .query_selector(".ctl-name")
            .expect("q")
            .and_then(|n| n.text_content())
            .unwrap_or_default();
        if n.trim() == name {
            return el;
        }
    }
    panic!("no control {name:?} in {scope}");
}

#[wasm_bindgen_test]
async fn choosing_a_scene_applies_its_link_and_brackets_step_through_scenes() {
    mounted();
    frames().await;
    set_hash("#hopfield");
    frames().await;
    let menu: HtmlSelectElement = q("select.lecture-menu").dyn_into().expect("select");
    let first = q("select.lecture-menu option");
    assert_eq!(first.text_content().as_deref(), Some(lecture::PLACEHOLDER));
    assert!(
        first.has_attribute("disabled"),
        "the placeholder cannot be chosen"
    );
    assert_eq!(
        menu.length() as usize,
        lecture::SCENES.len() + 1,
        "one option per scene plus the placeholder"
    );

    // Choose "Fake memories" through the menu, as a user would.
    let fake = scene_index("Fake memories: spurious minima");
    menu.set_value(&fake.to_string());
    menu.dispatch_event(&web_sys::Event::new("change").expect("event"))
        .expect("dispatch");
    frames().await;
    assert!(shown(&q("#lab-hopfield")), "the Hopfield tab is shown");
    let h = hash();
    assert!(h.starts_with("#hopfield?"), "{h}");
    assert!(
        h.contains("mem=ABCDE") && h.contains("seed=1"),
        "the scene's link is applied: {h}"
    );
    assert_eq!(
        q("#hopfield-library")
            .get_attribute("data-count")
            .as_deref(),
        Some("5"),
        "five memories stored"
    );
    let rule: HtmlSelectElement = q("#hopfield-rule").dyn_into().expect("select");
    assert_eq!(rule.selected_index(), 0, "Hebbian rule");
    let (class, text) = status();
    assert_eq!(class, "status info", "no refused setting: {text}");
    assert!(text.starts_with(&format!("Scene {}/", fake + 1)), "{text}");

    // `]`: the next scene trains the same memories with the gradient rule (c).
    key("]");
    frames().await;
    assert!(hash().contains("rule=grad-c"), "{}", hash());
    assert_eq!(rule.value(), "6", "gradient rule (c) in the menu");
    assert_eq!(menu.value(), (fake + 1).to_string(), "the menu follows");
    // `[`: back again.
    key("[");
    frames().await;
    assert!(hash().contains("rule=hebbian"), "{}", hash());
    assert_eq!(app::with_app(|a| a.scene()).flatten(), Some(fake));

    // A scene that presses buttons: annealing is armed from a random state.
    let anneal = scene_index("Annealing finds the lowest energy");
    app::with_app(|a| a.choose_scene(anneal));
    frames().await;
    assert!(shown(&q("#lab-boltzmann")), "the Boltzmann tab is shown");
    assert!(shown(&q("#bz-temp")), "the temperature view is shown");
    assert_eq!(
        q("#bz-anneal-btn").text_content().as_deref(),
        Some("Stop annealing"),
        "the scene pressed Anneal"
    );
}

#[wasm_bindgen_test]
async fn every_scene_applies_without_a_refused_setting() {
    mounted();
    frames().await;
    // Hidden labels carry over from scene to scene; this test starts without any.
    set_hash("#hopfield");
    frames().await;
    for (i, sc) in lecture::SCENES.iter().enumerate() {
        app::with_app(|a| a.choose_scene(i));
        frames().await;
        let (class, text) = status();
        assert_eq!(
            class,
            "status info",
            "scene {} ({}): {text}",
            i + 1,
            sc.title
        );
        let lab = sc.hash[1..].split('?').next().unwrap_or("");
        assert!(
            hash().starts_with(&format!("#{lab}?")),
            "scene {} shows lab {lab}: {}",
            i + 1,
            hash()
        );
        assert!(
            shown(&q(&format!("#lab-{lab}"))),
            "scene {}: #lab-{lab} visible",
            i + 1
        );
    }
}

#[wasm_bindgen_test]
async fn hide_noise_hides_the_noise_control_and_survives_the_hash_rewrite() {
    mounted();
    frames().await;
    set_hash("#hopfield?n=16&hide=noise");
    frames().await;
    let noise = ctl("#lab-hopfield", "Noise");
    assert!(!shown(&noise), "the Noise slider is hidden");
    assert!(
        shown(&ctl("#lab-hopfield", "Mix")),
        "other controls stay visible"
    );
    assert!(shown(&ctl("header.top", "Speed")), "Speed is not named");
    // Several frames later the shell has rewritten the hash from the lab's settings (it now
    // carries rule, mode, …) and `hide` is still in it; the control is still hidden.
    frames().await;
    frames().await;
    let h = hash();
    assert!(h.contains("rule=") && h.contains("hide=noise"), "{h}");
    assert!(!shown(&noise), "still hidden after frames");
    assert_eq!(
        app::with_app(|a| a.hidden_labels().to_vec()),
        Some(vec!["noise".to_string()])
    );

    // Case-insensitive; buttons and the header's controls too.
    set_hash("#hopfield?n=16&hide=SPEED,Add%20noise");
    frames().await;
    assert!(!shown(&ctl("header.top", "Speed")), "header Speed hidden");
    assert!(
        shown(&noise),
        "Noise shows again: the new link does not name it"
    );
    let buttons = doc()
        .query_selector_all("#lab-hopfield button")
        .expect("buttons");
    let mut add_noise_hidden = false;
    for i in 0..buttons.length() {
        let b: HtmlElement = buttons.get(i).expect("b").dyn_into().expect("html");
        if b.text_content().as_deref() == Some("Add noise") {
            add_noise_hidden = !shown(&b);
        }
    }
    assert!(add_noise_hidden, "the Add noise button is hidden");

    // Scenes keep the hidden labels (hide once for the whole lecture).
    set_hash("#hopfield?hide=noise");
    frames().await;
    let recall = scene_index("Energy falls: recall a corrupted memory");
    app::with_app(|a| a.choose_scene(recall));
    frames().await;
    assert!(hash().contains("hide=noise"), "{}", hash());
    assert!(
        !shown(&ctl("#lab-hopfield", "Noise")),
        "hidden in the scene"
    );
    assert_eq!(status().0, "status info", "{}", status().1);

    // A label that names nothing anywhere is reported.
    set_hash("#hopfield?hide=nosie");
    frames().await;
    let (class, text) = status();
    assert_eq!(class, "status warn");
    assert!(text.contains("nosie"), "{text}");

    // A link without hide= shows everything again.
    set_hash("#hopfield?n=16");
    frames().await;
    assert!(shown(&ctl("header.top", "Speed")));
    assert_eq!(
        doc()
            .query_selector_all(".hidden-by-link")
            .expect("q")
            .length(),
        0
    );
}

#[wasm_bindgen_test]
async fn plot_csv_holds_what_was_drawn() {
    mounted();
    let host = doc().create_element("div").expect("div");
    doc()
        .body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    let mut p = plot::Plot::new(&host, "plot", 300.0, 150.0).expect("plot");
    assert_eq!(p.csv(), "", "nothing drawn yet");

    let ys = [1.0, 2.0, 3.0];
    let pts = [(0.5, -1.0), (1.5, f64::NAN)];
    p.line_chart(
        &plot::Axes {
            title: "Energy",
            ..Default::default()
        },
        &[
            plot::Series {
                name: "E(y)",
                color: plot::PALETTE[0],
                data: plot::SeriesData::Uniform {
                    x0: 0.0,
                    dx: 0.5,
                    ys: &ys,
                },
                dashed: false,
            },
            plot::Series {
                name: "a, b",
                color: plot::PALETTE[1],
                data: plot::SeriesData::Points(&pts),
                dashed: false,
            },
        ],
        &[],
        &[],
    );
    assert_eq!(
        p.csv(),
        "E(y) x,E(y) y,\"a, b x\",\"a, b y\"\n0,1,0.5,-1\n0.5,2,1.5,\n1,3,,\n"
    );
    assert_eq!(
        p.canvas.get_attribute("aria-label").as_deref(),
        Some("Energy"),
        "an unlabelled plot is named by its title"
    );

    p.histogram(
        &plot::Axes::default(),
        0.0,
        2.0,
        &[1.0, 3.0],
        Some(&[0.25, 0.5, 0.25]),
    );
    assert_eq!(
        p.csv(),
        "bin_lo,bin_hi,count,density,x,exact_density\n0,1,1,0.25,0,0.25\n1,2,3,0.75,1,0.5\n,,,,2,0.25\n"
    );

    p.bars(
        &plot::Axes::default(),
        &["A".to_string(), "H".to_string()],
        &[0.5, -1.0],
        &[],
        &[],
    );
    assert_eq!(p.csv(), "label,value\nA,0.5\nH,-1\n");

    p.heatmap("W", &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3, 2, None, true)
        .expect("heatmap");
    assert_eq!(p.csv(), "row,0,1,2\n0,1,2,3\n1,4,5,6\n");

    // The buffers are reused: drawing the same shape again keeps their capacity (no growth).
    p.heatmap("W", &[6.0, 5.0, 4.0, 3.0, 2.0, 1.0], 3, 2, None, true)
        .expect("heatmap");
    assert_eq!(p.csv(), "row,0,1,2\n0,6,5,4\n1,3,2,1\n");
    host.remove();
}

/// Clicks a real lab's CSV button and reads the downloaded file: the click on the generated
/// `<a download>` is intercepted (default prevented) and its blob URL fetched before revocation.
#[wasm_bindgen_test]
async fn a_labs_csv_button_downloads_the_drawn_series() {
    mounted();
    frames().await;
    set_hash("#hopfield?n=16&rule=hebbian&mode=async&noise=0.25&mem=AHOU&cue=H&seed=3");
    frames().await;
    app::with_app(|a| a.step());
    frames().await;

    let caught: Rc<RefCell<Option<(String, js_sys::Promise)>>> = Rc::new(RefCell::new(None));
    let slot = caught.clone();
    let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        let Some(a) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        else {
            return;
        };
        e.prevent_default();
        let w = web_sys::window().expect("window");
        *slot.borrow_mut() = Some((a.download(), w.fetch_with_str(&a.href())));
    });
    doc()
        .add_event_listener_with_callback_and_bool("click", listener.as_ref().unchecked_ref(), true)
        .expect("listen");

    // The first plot of the Hopfield lab is the energy trace.
    let wrap = q("#lab-hopfield .plot-wrap");
    let csv_btn: HtmlElement = wrap
        .query_selector("button[aria-label='Download chart data as CSV']")
        .expect("q")
        .expect("CSV button")
        .dyn_into()
        .expect("html");
    csv_btn.click();
    doc()
        .remove_event_listener_with_callback_and_bool(
            "click",
            listener.as_ref().unchecked_ref(),
            true,
        )
        .expect("unlisten");
    let (name, fetched) = caught.borrow_mut().take().expect("a download was started");
    assert!(
        name.ends_with(".csv") && name.starts_with("energy"),
        "{name}"
    );
    let resp = wasm_bindgen_futures::JsFuture::from(fetched)
        .await
        .expect("fetch the blob");
    let text_fn: js_sys::Function = js_sys::Reflect::get(&resp, &"text".into())
        .expect("text")
        .dyn_into()
        .expect("function");
    let text = wasm_bindgen_futures::JsFuture::from(
        text_fn
            .call0(&resp)
            .expect("call")
            .dyn_into::<js_sys::Promise>()
            .expect("promise"),
    )
    .await
    .expect("text")
    .as_string()
    .expect("string");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("E(y) x,E(y) y"), "{text}");
    assert!(
        lines.count() >= 2,
        "at least the start and one step: {text}"
    );
}
