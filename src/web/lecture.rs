//! Lecture mode: a table of scenes that follow the lecture's slides in order, each a link state
//! (the URL hash a shared link would carry) with a one-line note saying what to press; the
//! "Lecture scenes…" menu in the header; and the label matching shared by scene buttons and the
//! `hide=` link setting.
//!
//! Adding a scene is one line in [`SCENES`]: `s(PART, "title", "#lab?k=v&seed=…", "note")`,
//! optionally followed by `.then(&["Button", …])` to press buttons of the lab after the link is
//! applied (matched by their visible text, as for `hide=`). Check a new scene by opening it:
//! the note must be true for its seed.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlSelectElement};

use super::dom;

/// One scene of the lecture.
#[derive(Clone, Copy, Debug)]
pub struct Scene {
    /// Which part of the lecture it belongs to (the menu's group heading).
    pub part: &'static str,
    /// Menu title, in the words of the slide it illustrates.
    pub title: &'static str,
    /// The link state applied when the scene is chosen (`#lab?k=v&…`, with a seed).
    pub hash: &'static str,
    /// Buttons of the lab pressed after the link is applied, by their visible text.
    pub press: &'static [&'static str],
    /// One line for the status line: what the scene shows and what to press.
    pub note: &'static str,
}

impl Scene {
    /// The same scene, pressing `buttons` (by visible text) after its link is applied.
    pub const fn then(self, buttons: &'static [&'static str]) -> Self {
        Scene {
            press: buttons,
            ..self
        }
    }
}

/// A scene that only applies its link.
pub const fn s(
    part: &'static str,
    title: &'static str,
    hash: &'static str,
    note: &'static str,
) -> Scene {
    Scene {
        part,
        title,
        hash,
        press: &[],
        note,
    }
}

const P1: &str = "Part 1 · Hopfield network";
const P2: &str = "Part 2 · Boltzmann machine";
const P3: &str = "Part 3 · Energy-based models & sampling";

/// The scenes, in the order of the lecture's slides. Each one was opened and checked against
/// its note with its seed. A lab's `load` only changes the settings a link names, so every
/// scene names all of its lab's settings and the speed (else it would inherit them from the
/// scene before).
#[rustfmt::skip]
pub const SCENES: &[Scene] = &[
    // ----- Part 1: Hopfield network ------------------------------------------------------------
    s(P1, "A Hopfield network may not be stable", "#hopfield?n=16&rule=hebbian&mode=sync&noise=0.3&mem=AHOU&cue=H&seed=8&speed=1", "Synchronous updates (all neurons at once): press Play — after 3 updates the outcome line reports a 2-cycle: the state would flip between two states forever instead of settling."),
    s(P1, "Energy falls: recall a corrupted memory", "#hopfield?n=32&rule=hebbian&mode=async&noise=0.3&mem=AHOU&cue=H&seed=1&speed=20", "Asynchronous updates: press Play — each flip aligns a neuron with its field, the energy only falls, and the noisy H becomes H again."),
    s(P1, "The Ising model: magnetic dipoles at the critical temperature", "#ising?L=256&T=2.269&h=0&dynamics=metropolis&seed=1&speed=1", "The energy's ancestor (Ising & Lenz 1924): press Play — at $T_c = 2/\\ln(1+\\sqrt{2}) \\approx 2.269$ domains of every size appear and vanish."),
    s(P1, "Recall from a partial cue", "#hopfield?n=32&rule=hebbian&mode=async&noise=0&mem=AHOU&cue=U&seed=1&speed=20", "The bottom half of U was blanked: press Play — the network fills it in (content-addressable memory).").then(&["Hide bottom"]),
    s(P1, "Fake memories: spurious minima", "#hopfield?n=16&rule=hebbian&mode=async&noise=0.2&mem=ABCDE&cue=C&seed=1&speed=5", "Five similar glyphs by Hebb's rule: press Play — the noisy C ends in B, not C. “Count fake memories” lists where random starts end."),
    s(P1, "The gradient rule removes fake memories", "#hopfield?n=16&rule=grad-c&mode=async&noise=0.2&mem=ABCDE&cue=C&seed=1&speed=5", "Same cue, gradient rule (c): wait for its 150 steps (counter under the rule), then press Play — the noisy C now recalls C."),
    s(P1, "Large images recall through overlaps", "#hopfield?n=256&rule=hebbian&mode=async&noise=0.3&mem=AHOU&cue=O&seed=1&speed=1000", "256 × 256 = 65 536 neurons: W is never stored, the fields come from the overlaps $m_p$. Press Play to recall O."),
    // ----- Part 2: Boltzmann machine -----------------------------------------------------------
    s(P2, "The Boltzmann distribution P(y) = exp(−E/T)/Z", "#boltzmann?view=exact&ne=8&w=rand&sigma=0.7&te=1&seed=3&speed=10", "All 2⁸ states of a small network, lowest energy first: press Play — Gibbs samples pile up on the exact distribution and the TV distance falls."),
    s(P2, "A stochastic Hopfield network at temperature T", "#boltzmann?view=temp&n=16&mem=A1&T=0.5&M=20&p=0.15&seed=3&speed=1", "Two stored glyphs, A and 1 (overlap 0.25); Gibbs sampling at T = 0.5 from a noisy A: press Play — single samples stay noisy (overlap with A about 0.9), the average of the last M = 20 samples retrieves A exactly (overlap 1, and 0.25 with 1)."),
    s(P2, "Annealing finds the lowest energy", "#boltzmann?view=temp&n=16&mem=AHOU&tmax=5&alpha=0.9&k=5&tmin=0.05&sched=geometric&seed=1&speed=2", "A random start at $T_{max} = 5$, annealing armed: press Play — T ← αT every 5 sweeps, then a T = 0 quench, and the state settles into a stored memory, the lowest energy (the line “E of the memories”; a mirror image of a memory has the same energy).").then(&["random", "anneal"]),
    s(P2, "Boltzmann-machine learning: clamped minus free phase", "#boltzmann?view=learn&data=bs&hidden=0&eta=0.05&m=200&kc=10&pcd=0&steps=300&seed=3&speed=2", "Bars and stripes, no hidden units: press Play — each step is $\\langle y_i y_j \\rangle_{\\text{data}} - \\langle y_i y_j \\rangle_{\\text{model}}$; the exact log-likelihood L climbs from −6.2 towards log(1/14) ≈ −2.64."),
    s(P2, "Learning with hidden units", "#boltzmann?view=learn&data=rand&nv=8&np=4&hidden=4&eta=0.05&m=200&kc=10&pcd=0&steps=600&seed=1&speed=5", "4 random patterns on 8 visible units, 4 hidden: press Play — the clamped phase samples the hidden units too, and L climbs close to the best possible log(1/4)."),
    s(P2, "Restricted Boltzmann machine: CD-1 on digits", "#rbm?view=train&seed=1&speed=1", "Hidden units talk only to visible ones, so block Gibbs is exact: press Play — the filters grow strokes and the reconstruction error falls, epoch by epoch."),
    s(P2, "Conditioned sampling: complete a digit", "#rbm?view=complete&start=trained&seed=1&speed=1", "A trained RBM (shipped with the page, or the one trained to the end in the scene before): the top half of a held-out digit is clamped and Gibbs sampling fills in the bottom half — press Play to keep sampling, or draw on the pad.").then(&["example"]),
    s(P2, "Label units: classification and conditional generation", "#rbm?view=labels&start=trained&seed=1&speed=1", "v = (pixels, one-hot label c), trained and shipped with the page: P(c | v) of the held-out digit in the pad is exact from the free energies (over 90 % of held-out digits right); press Play to sample digits with the label clamped to c = 3.").then(&["example"]),
    s(P2, "Deep belief net: stacked RBMs", "#rbm?view=dbn&start=trained&seed=1&speed=1", "Two RBMs pretrained layer by layer (Hinton et al. 2006), shipped with the page: press Play — Gibbs in the top RBM, then one top-down pass, draws digits; Generate restarts the chains."),
    s(P2, "Continuous visible units (exponential family)", "#rbm?view=gauss&seed=1&speed=1", "A Gaussian–Bernoulli RBM on 2-D points: P(v | h) is a Gaussian, so Gibbs sampling still works; press Play — the mixture means (crosses) move onto the blobs and the model's samples spread over all four."),
    // ----- Part 3: energy-based models and sampling --------------------------------------------
    s(P3, "Easy distributions: inverse CDF, CLT, Box–Muller", "#sampling?view=direct&cat=0&clt=10&mvs1=1.50&mvs2=0.70&mvrho=0.60&mvwrong=1&seed=1&speed=5", "Press Play: a uniform draw lands on a category through the CDF; sums of coin flips become normal; Box–Muller maps (u₁, u₂) to two normals; x = Lz + μ gives covariance Σ (the slide's Σz + μ gives Σ²)."),
    s(P3, "Importance sampling: weights p/q", "#sampling?view=mcmc&target=mixture&sampler=is&T=1&ismx=0&ismy=0&iss=2&seed=1&speed=5", "Blind draws from q, each weighted by p/q (dot size): press Play — watch the running estimate and the effective sample size; click the plane to move q."),
    s(P3, "Markov chains: a stationary distribution", "#sampling?view=markov&chain=0&start=0&seed=1&speed=1", "$\\pi_{t+1} = \\pi_t T$: press Play — the bars converge to π. Try the periodic and reducible chains: no unique limit without ergodicity."),
    s(P3, "Metropolis–Hastings on a banana", "#sampling?view=mcmc&target=banana&sampler=rwmh&T=1&sigma=1&seed=1&speed=1", "Propose s' = s + noise, accept with min(1, p(s')/p(s)) — no partition function: press Step to see each proposal (green accepted, red rejected), then Play."),
    s(P3, "Gibbs sampling: always accepted", "#sampling?view=mcmc&target=corr&sampler=gibbs&T=1&seed=1&speed=1", "One coordinate at a time from its exact conditional: every move is accepted, but a correlated target makes the steps small."),
    s(P3, "Langevin dynamics uses the gradient", "#sampling?view=mcmc&target=banana&sampler=ula&T=1&eps=0.1&seed=1&speed=5", "θ' = θ + (ε/2)∇log p + N(0, εI) (Welling & Teh 2011): press Play — drift towards high density plus noise, no accept/reject."),
    s(P3, "Unadjusted Langevin is biased; MALA corrects it", "#sampling?view=mcmc&target=gauss&sampler=ula&T=1&compare=1&sampler2=mala&eps=1&seed=1&speed=20", "The same step ε = 1 on N(0, I): press Play — the unadjusted chain's spread is too wide; the Metropolis-adjusted one matches the exact marginals."),
    s(P3, "A population of chains: Langevin vs Metropolis particles", "#sampling?view=mcmc&target=gauss&sampler=particles&T=1&compare=1&sampler2=mhparticles&eps=1&sched=const&sigma=1&n=2000&seed=1&speed=20", "2 000 particles start uniformly in the view, each its own chain on N(0, I): press Play — A moves them by unadjusted Langevin with ε = 1, B by random-walk Metropolis with σ = 1 (all 2 000 in one batched step). Within a few dozen steps both clouds settle: A's sd stays near 1.15, ULA's stationary spread 1/√(1 − ε/4), B's near the exact 1.00 — the accept/reject step removes the bias, whatever σ."),
    s(P3, "Hamiltonian Monte Carlo (SGD with momentum)", "#sampling?view=mcmc&target=banana&sampler=hmc&T=1&dt=0.15&L=10&seed=1&speed=1", "Press Step: a random momentum, 10 leapfrog steps along the energy surface (pink), then accept with min(1, e^−ΔH) — long moves, high acceptance."),
    s(P3, "Adaptive Metropolis learns its proposal", "#sampling?view=mcmc&target=corr&sampler=am&T=1&sigma=1&t0=200&seed=1&speed=5", "Random-walk MH whose proposal N(0, C) is learned from the chain's own history (Haario et al. 2001): press Play — for t₀ = 200 steps the pink ellipse is the circle σ₀²I; then it takes the target's tilted shape (C's correlation about 0.9 in the read-out) and the acceptance rises."),
    s(P3, "Parallel tempering crosses barriers", "#sampling?view=mcmc&target=wells&sampler=rwmh&compare=1&sampler2=pt&T=0.5&sigma=0.5&reps=5&tmax=30&seed=1&speed=20", "A double well at T = 0.5, random-walk MH (A) against parallel tempering (B) with the same σ: press Play — A stays in the well it started in (sd of x₁ far below the exact 1.46); B's hot replicas cross the barrier and swaps hand their states down, so its T replica visits both wells and its sd matches."),
    s(P3, "Nested sampling computes the evidence Z", "#sampling?view=mcmc&target=mixture&sampler=nested&T=1&live=200&seed=1&speed=20", "200 live points from a uniform prior on the view: press Play — each step the lowest-likelihood point dies and a new one is drawn inside the contour E = E* (red), which shrinks onto the three modes and at last onto the highest peak (the live points are not posterior samples: the histograms show where they are); once the read-out says “finished”, ln Ẑ agrees with the grid's ln Z within about two of its errors (±0.09)."),
    s(P3, "SGLD: mini-batches and step size bias the samples", "#sampling?view=mcmc&target=logistic&sampler=sgld&T=1&sgeps=0.01&sched=const&batch=5&seed=1&speed=20", "Bayesian logistic regression on 200 shipped points, SGLD with a constant ε = 0.01 and mini-batches of B = 5: press Play — the samples spread well beyond the exact posterior (sd against the exact row), since the mini-batch noise grows with εN/B. Set B = 200 (all the data) and press Clear samples: the spread shrinks to the exact one."),
    s(P3, "SVGD: drive and repulsion", "#sampling?view=mcmc&target=mixture&sampler=svgd&T=1&sveps=0.2&svn=100&seed=1&speed=5", "100 particles from uniform, moved along the kernelised Stein direction (Liu & Wang 2016): press Play — the drive (blue) pulls each towards mass, the repulsion (red) keeps neighbours apart; within 300 steps they settle, with no noise, as a sample whose spread (sd) matches the exact row."),
    s(P3, "Annealed importance sampling estimates Z", "#sampling?view=mcmc&target=wells&sampler=ais&T=1&aisn=500&stages=300&seed=1&speed=10", "Annealing (part 2) meets importance sampling (Neal 2001): 500 particles from a broad Gaussian p₀ pass through p₀^(1−β) f^β in 300 stages, each a few Metropolis moves and a weight update Δβ(ln f − ln p₀): press Play — at β = 1 the read-out's ln Ẑ agrees with the grid's ln Z within about two errors. With only J = 10 stages the weights are more uneven: a smaller ESS and a larger error."),
    s(P3, "Train an energy: contrastive divergence", "#energy?preset=8gauss&n=1000&hidden=64&lr=0.003&step=0.01&seed=1&speed=5", "E(x; θ) is a small network: press Play — E is pushed down on the data (white) and up on Langevin negatives (orange); a ring, then eight valleys form (about 2000 iterations)."),
];

/// The placeholder shown in the menu when no scene is chosen.
pub const PLACEHOLDER: &str = "Lecture scenes…";

/// Builds the header's scene menu: a labelled `<select>` with a placeholder and one group per
/// part of the lecture. Option values are the indices into [`SCENES`].
pub fn menu(parent: &Element) -> Result<HtmlSelectElement, JsValue> {
    let doc = dom::document()?;
    let wrap = dom::el(parent, "label", "ctl ctl-lecture")?;
    // The label's name is for screen readers and `hide=lecture`; the placeholder says it on screen.
    dom::text(&wrap, "span", "ctl-name sr-only", "Lecture")?;
    let sel = dom::el(&wrap, "select", "lecture-menu")?.dyn_into::<HtmlSelectElement>()?;
    sel.set_title("Scenes that follow the lecture's slides ([ and ] step through them)");
    let ph = dom::text(&sel, "option", "", PLACEHOLDER)?;
    ph.set_attribute("value", "")?;
    ph.set_attribute("disabled", "")?;
    ph.set_attribute("selected", "")?;
    let mut group: Option<(&str, HtmlElement)> = None;
    for (i, sc) in SCENES.iter().enumerate() {
        let g = match &group {
            Some((p, g)) if *p == sc.part => g.clone(),
            _ => {
                let g = doc.create_element("optgroup")?.dyn_into::<HtmlElement>()?;
                g.set_attribute("label", sc.part)?;
                sel.append_child(&g)?;
                group = Some((sc.part, g.clone()));
                g
            }
        };
        let o = dom::text(&g, "option", "", &format!("{}. {}", i + 1, sc.title))?;
        o.set_attribute("value", &i.to_string())?;
    }
    Ok(sel)
}

/// The key a control or button is matched by (for `hide=` and scene buttons): its visible text,
/// lower-case, cut before any `(`, with symbols trimmed from both ends and spaces collapsed —
/// "▶ Play" → "play", "Erase (or right button / Shift)" → "erase", "Noise p" → "noise p".
pub fn label_key(text: &str) -> String {
    let head = text.split('(').next().unwrap_or("");
    let head = head.trim_matches(|c: char| !c.is_alphanumeric());
    let mut out = String::with_capacity(head.len());
    for w in head.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Clicks the buttons inside `scope` whose `data-key` (the settings layer's stable id) or
/// [`label_key`] is `label`'s; returns how many.
pub fn press(scope: &Element, label: &str) -> usize {
    let key = label_key(label);
    let Ok(list) = scope.query_selector_all("button") else {
        return 0;
    };
    let mut n = 0;
    for i in 0..list.length() {
        let Some(b) = list.get(i).and_then(|b| b.dyn_into::<HtmlElement>().ok()) else {
            continue;
        };
        let id = b.get_attribute("data-key").map(|d| d.to_ascii_lowercase());
        if id.as_deref() == Some(key.as_str())
            || label_key(&b.text_content().unwrap_or_default()) == key
        {
            b.click();
            n += 1;
        }
    }
    n
}

/// Parses a `hide=` value: comma-separated labels, matched by [`label_key`]. Returns the keys
/// (at most 40, each at most 60 characters) and a message for anything refused.
pub fn parse_hide(value: &str) -> (Vec<String>, Option<String>) {
    let mut keys: Vec<String> = Vec::new();
    let mut refused = 0;
    for part in value.split(',') {
        let k = label_key(part);
        if k.is_empty() {
            continue;
        }
        if k.len() > 60 || keys.len() >= 40 {
            refused += 1;
        } else if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let msg = (refused > 0).then(|| {
        format!("hide=: {refused} label(s) ignored (at most 40 labels of up to 60 characters)")
    });
    (keys, msg)
}

/// The CSS class that hides what `hide=` names (separate from the labs' own `hidden`).
pub const HIDE_CLASS: &str = "hidden-by-link";

/// Hides every labelled control (`.ctl` whose `.ctl-name` matches) and every button whose text
/// matches one of `keys`, inside each of `scopes`. Returns the keys that matched nothing.
pub fn hide_in(scopes: &[Element], keys: &[String]) -> Vec<String> {
    scan(scopes, keys, true)
}

/// The keys that name no control or button anywhere inside `root` (typos in a `hide=`), whether
/// shown or not: a label of another lab is not an error.
pub fn unknown_in(root: &Element, keys: &[String]) -> Vec<String> {
    scan(std::slice::from_ref(root), keys, false)
}

/// Matches controls and buttons in `scopes` against `keys` (hiding them if `hide`); returns the
/// keys that matched nothing.
fn scan(scopes: &[Element], keys: &[String], hide: bool) -> Vec<String> {
    let mut used = vec![false; keys.len()];
    let mut mark = |el: &Element, text: &str| {
        let k = label_key(text);
        let id = el.get_attribute("data-key").map(|d| d.to_ascii_lowercase());
        if let Some(i) = keys
            .iter()
            .position(|x| *x == k || id.as_deref() == Some(x.as_str()))
        {
            used[i] = true;
            if hide {
                let _ = el.class_list().add_1(HIDE_CLASS);
            }
        }
    };
    for scope in scopes {
        if let Ok(list) = scope.query_selector_all(".ctl") {
            for i in 0..list.length() {
                let Some(el) = list.get(i).and_then(|e| e.dyn_into::<Element>().ok()) else {
                    continue;
                };
                let name = el
                    .query_selector(".ctl-name")
                    .ok()
                    .flatten()
                    .and_then(|n| n.text_content())
                    .unwrap_or_default();
                mark(&el, &name);
            }
        }
        if let Ok(list) = scope.query_selector_all("button") {
            for i in 0..list.length() {
                let Some(el) = list.get(i).and_then(|e| e.dyn_into::<Element>().ok()) else {
                    continue;
                };
                let text = el.text_content().unwrap_or_default();
                mark(&el, &text);
            }
        }
    }
    keys.iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(k, _)| k.clone())
        .collect()
}

/// Shows again everything `hide=` hid inside `root`.
pub fn unhide_all(root: &Element) {
    if let Ok(list) = root.query_selector_all(&format!(".{HIDE_CLASS}")) {
        for i in 0..list.length() {
            if let Some(el) = list.get(i).and_then(|e| e.dyn_into::<Element>().ok()) {
                let _ = el.class_list().remove_1(HIDE_CLASS);
            }
        }
    }
}

/// The current scene, in view at the top of the page: its number and title, its note (what to
/// press, what to watch), ‹ › to step and × to close. Presenter mode keeps it.
#[derive(Clone)]
pub struct Panel {
    root: HtmlElement,
    title: HtmlElement,
    note: HtmlElement,
    /// Previous scene.
    pub prev: HtmlElement,
    /// Next scene.
    pub next: HtmlElement,
    /// Close the panel.
    pub close: HtmlElement,
}

impl Panel {
    /// Builds the (hidden) panel at the end of `parent`.
    pub fn new(parent: &Element) -> Result<Self, JsValue> {
        let root = dom::el(parent, "section", "scene-panel hidden")?;
        root.set_id("scene-panel");
        root.set_attribute("aria-label", "lecture scene")?;
        root.set_attribute("aria-live", "polite")?;
        let btn = |text: &str, label: &str, class: &str| -> Result<HtmlElement, JsValue> {
            let b = dom::text(&root, "button", class, text)?;
            b.set_attribute("type", "button")?;
            b.set_attribute("aria-label", label)?;
            b.set_title(label);
            Ok(b)
        };
        let prev = btn("‹", "previous scene ([)", "btn scene-step")?;
        prev.set_attribute("data-key", "scene-prev")?;
        let body = dom::el(&root, "div", "scene-body")?;
        let title = dom::text(&body, "div", "scene-title", "")?;
        title.set_id("scene-title");
        let note = dom::text(&body, "p", "scene-note", "")?;
        note.set_id("scene-note");
        let next = btn("›", "next scene (])", "btn scene-step")?;
        next.set_attribute("data-key", "scene-next")?;
        let close = btn("×", "close the scene panel", "btn scene-close")?;
        close.set_attribute("data-key", "scene-close")?;
        Ok(Self {
            root,
            title,
            note,
            prev,
            next,
            close,
        })
    }

    /// Shows scene `i` of `n`.
    pub fn set(&self, i: usize, n: usize, title: &str, note: &str) {
        self.title
            .set_text_content(Some(&format!("Scene {}/{n} · {title}", i + 1)));
        let _ = dom::set_rich(&self.note, note);
        let _ = self.root.set_attribute("data-scene", &i.to_string());
        let _ = self.prev.toggle_attribute_with_force("disabled", i == 0);
        let _ = self
            .next
            .toggle_attribute_with_force("disabled", i + 1 >= n);
        self.show(true);
    }

    /// Shows or hides the panel.
    pub fn show(&self, on: bool) {
        let _ = self.root.class_list().toggle_with_force("hidden", !on);
    }
}
