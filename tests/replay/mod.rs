//! Lecture scenes replay exactly: applying a scene after any other gives the same link and the
//! same first-frame read-outs. Shared by `browser_replay_a.rs` and `browser_replay_b.rs`, which
//! check two halves of a seeded sample of scene pairs (each file runs in a page of its own,
//! under the test runner's time limit per page).
#![allow(dead_code)]

use energy_playground::core::rng::Rng;
use energy_playground::web;
use wasm_bindgen::JsCast;

use super::support::{self, frames, mounted, next_frame};

/// `data-*` attributes that measure the machine (wall-clock rates), not the run.
const CLOCK: [&str; 3] = ["data-rate", "data-fps", "data-ms"];

/// Applies scene `i` as the menu does and waits for exactly one frame of the app (labs that
/// train in the background change their read-outs every frame).
async fn apply(i: usize) {
    web::app::with_app(|a| a.choose_scene(i)).expect("app");
    next_frame().await;
}

/// What the scene shows first: the link and, inside the active lab, every element with an id
/// that is on screen: its text (if it is a read-out without children) and its `data-*`
/// attributes.
fn first_frame() -> Vec<String> {
    // The link state as the shell writes it from the lab's settings.
    let mut out = vec![web::app::with_app(|a| a.state_hash()).unwrap_or_default()];
    let Some(panel) = support::doc()
        .query_selector(".lab:not(.hidden)")
        .expect("query")
    else {
        return out;
    };
    let list = panel.query_selector_all("[id]").expect("ids");
    for k in 0..list.length() {
        let Some(e) = list
            .get(k)
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            continue;
        };
        // What is on screen: a hidden sub-view is not redrawn until it is shown. Progress of
        // work done within a frame budget (`data-busy`) measures the machine, as CLOCK does.
        if (e.offset_width() == 0 && e.offset_height() == 0) || e.has_attribute("data-busy") {
            continue;
        }
        let names = e.get_attribute_names();
        let mut line = e.id();
        for n in 0..names.length() {
            let name = names.get(n).as_string().unwrap_or_default();
            if name.starts_with("data-") && !CLOCK.contains(&name.as_str()) {
                line.push_str(&format!(
                    " {name}={}",
                    e.get_attribute(&name).unwrap_or_default()
                ));
            }
        }
        if e.child_element_count() == 0 && e.class_list().contains("readout") {
            line.push_str(&format!(" text={}", e.text_content().unwrap_or_default()));
        }
        out.push(line);
    }
    out
}

/// Checks `pairs` seeded pairs (scene a, then scene b) against each scene's first showing.
pub async fn check_pairs(seed: u64, pairs: usize) {
    mounted();
    frames().await;
    let n = web::lecture::SCENES.len();
    // Each scene's first showing, in order.
    let mut reference = Vec::with_capacity(n);
    for i in 0..n {
        apply(i).await;
        reference.push(first_frame());
    }
    let mut rng = Rng::new(seed);
    let mut checked = 0;
    while checked < pairs {
        let (a, b) = (rng.below(n), rng.below(n));
        apply(a).await;
        apply(b).await;
        let got = first_frame();
        assert_eq!(
            got,
            reference[b],
            "scene {} ({}) after scene {} ({}) differs from its first showing",
            b + 1,
            web::lecture::SCENES[b].title,
            a + 1,
            web::lecture::SCENES[a].title
        );
        checked += 1;
    }
}
