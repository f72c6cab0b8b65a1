//! The application shell: tabs, transport (play / pause / step / reset / speed), the seed, the
//! status line, keyboard shortcuts, URL-hash state and the animation loop. Labs plug in through
//! the [`Lab`] trait; the shell holds no model math.
//!
//! Lecture mode lives here too (the data is in [`super::lecture`]): the "Lecture scenes…" menu
//! and `[` / `]`, the `hide=` link setting that hides named controls (kept in the shell's own
//! state, so it survives the rewriting of the hash from the lab's settings), and "Save PNG".
//! The link state (hash, scenes, `hide=`, `embed=`) is in [`link`], the keyboard in [`keys`];
//! "Record" is [`super::record`], the embedded view [`super::picture`].

mod keys;
mod link;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlButtonElement, HtmlElement, HtmlInputElement, HtmlSelectElement};

use super::{dom, lecture, picture, plot, record, status};
use crate::core::params::Params;

/// One lab (a tab of the page).
pub trait Lab {
    /// Short id used in the URL hash (`#hopfield`).
    fn id(&self) -> &'static str;
    /// Tab title.
    fn title(&self) -> &'static str;
    /// The lab's root element (shown when its tab is active).
    fn panel(&self) -> &HtmlElement;
    /// Advances by `speed` units of work while playing; returns `false` to pause (finished).
    fn tick(&mut self, speed: u32) -> bool;
    /// One unit of work (the `n` key).
    fn step(&mut self);
    /// Starts over with `seed` (the `r` key replays the same seed).
    fn reset(&mut self, seed: u64);
    /// Work that runs every frame while the tab is shown, playing or not (experiments that
    /// run in slices, training toggled from inside the lab).
    fn background(&mut self) {}
    /// Repaints what changed.
    fn draw(&mut self) -> Result<(), JsValue>;
    /// Writes the lab's settings into the URL state.
    fn save(&self, p: &mut Params);
    /// Applies settings from a URL; returns messages for refused values.
    fn load(&mut self, p: &Params) -> Vec<String>;
    /// What one unit of the speed setting is in this lab, singular and plural (shown beside
    /// the speed slider).
    fn speed_unit(&self) -> (&'static str, &'static str) {
        match self.id() {
            "hopfield" => ("neuron update", "neuron updates"),
            "boltzmann" | "ising" => ("sweep", "sweeps"),
            "rbm" => ("× mini-batches", "× mini-batches"),
            "energy" => ("training step", "training steps"),
            _ => ("step", "steps"),
        }
    }
    /// The page was resized, presenter mode toggled or the tab shown: redraw the canvases that
    /// are not plots (plots redraw themselves).
    fn relayout(&mut self) {}
    /// Whether play / step / reset / speed mean anything here (not on the Speed tab).
    fn has_transport(&self) -> bool {
        self.id() != "speed"
    }
}

/// A lab's id and tab title, as constants of its type (the shell names a tab before the lab is
/// built), and the `Lab` methods that return them and its panel (the field `self.panel`). At
/// module level: `lab_names!(IsingLab, "ising", "Ising");`; inside `impl Lab for IsingLab`:
/// `lab_names!();`.
macro_rules! lab_names {
    ($ty:ident, $id:literal, $title:literal) => {
        impl $ty {
            /// The lab's id in the URL hash.
            pub const ID: &'static str = $id;
            /// The lab's tab title.
            pub const TITLE: &'static str = $title;
        }
    };
    () => {
        fn id(&self) -> &'static str {
            Self::ID
        }
        fn title(&self) -> &'static str {
            Self::TITLE
        }
        fn panel(&self) -> &web_sys::HtmlElement {
            &self.panel
        }
    };
}
pub(crate) use lab_names;

/// Builds a lab (its panel, its controls, its model).
type BuildLab = Box<dyn FnOnce() -> Result<Rc<RefCell<dyn Lab>>, JsValue>>;

/// A tab of the page. Its lab is built the first time the tab opens (by a click, a key, a link,
/// a scene or the scripting API), so the page starts with the one lab it shows.
pub struct LabSlot {
    id: &'static str,
    title: &'static str,
    build: Option<BuildLab>,
    /// The lab and its "What am I looking at?" box, once built.
    built: Option<(Rc<RefCell<dyn Lab>>, super::about::AboutBox)>,
}

impl LabSlot {
    /// A tab for the lab `id` titled `title`, built by `build` when it first opens.
    pub fn new<L: Lab + 'static>(
        id: &'static str,
        title: &'static str,
        build: impl FnOnce() -> Result<Rc<RefCell<L>>, JsValue> + 'static,
    ) -> Self {
        Self {
            id,
            title,
            build: Some(Box::new(move || {
                build().map(|lab| lab as Rc<RefCell<dyn Lab>>)
            })),
            built: None,
        }
    }
}

thread_local! {
    static URL_DIRTY: Cell<bool> = const { Cell::new(false) };
    static APP: RefCell<Option<Rc<RefCell<App>>>> = const { RefCell::new(None) };
}

/// Marks the URL hash out of date; the shell rewrites it at the next frame.
pub fn mark_dirty() {
    URL_DIRTY.with(|d| d.set(true));
}

/// The shell's state.
pub struct App {
    labs: Vec<LabSlot>,
    /// Where the labs' panels go.
    main: HtmlElement,
    tabs: Vec<HtmlButtonElement>,
    active: usize,
    playing: bool,
    speed: u32,
    seed: u64,
    play_btn: HtmlButtonElement,
    seed_input: HtmlInputElement,
    speed_slider: Option<dom::Slider>,
    fps_el: HtmlElement,
    last_t: f64,
    fps: f64,
    help: HtmlElement,
    /// The hash as the app last wrote or read it; any other value was set from outside.
    last_hash: String,
    /// The page's root element (for `hide=`).
    root: Element,
    /// The lecture-scene menu.
    scene_menu: Option<HtmlSelectElement>,
    /// The last scene chosen (`[` and `]` step from here).
    scene: Option<usize>,
    /// Labels hidden by the link's `hide=` (as [`lecture::label_key`]s); written back into
    /// every hash the shell writes.
    hide: Vec<String>,
    /// Animation frames run so far (tests wait on it).
    frames: u64,
    /// The relayout the active lab last redrew for (see `plot::generation`).
    layout_gen: u64,
    /// The transport bar (hidden on the Speed tab).
    transport: HtmlElement,
    /// The current scene's panel: title, note, ‹ › and ×.
    scene_panel: lecture::Panel,
    /// `embed=1`: only the main picture, the transport and the scene note.
    embed: picture::Embed,
    /// The "Record" control.
    recorder: Option<record::Recorder>,
}

/// How much larger everything drawn in canvases is in presenter mode (ticks 11 → 16.5 CSS px).
pub const PRESENTER_SCALE: f64 = 1.5;

/// Seconds-free, allocation-free 64-bit seed from the browser's entropy source.
pub fn fresh_seed() -> u64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        return (js_sys::Math::random() * 9.0e15) as u64;
    }
    // Keep seeds short enough to read aloud in a lecture.
    u64::from_le_bytes(b) % 1_000_000
}

/// Builds the page inside `root` with the given labs and starts the animation loop. Only the
/// lab the link opens (or the first) is built now; the others are built when first opened.
pub fn mount(root: &Element, labs: Vec<LabSlot>) -> Result<Rc<RefCell<App>>, JsValue> {
    // The header and the scene panel stay at the top of the window together.
    let chrome = dom::el(root, "div", "chrome")?;
    let header = dom::el(&chrome, "header", "top")?;
    dom::text(&header, "h1", "brand", "Energy Playground")?;
    let nav = dom::el(&header, "nav", "tabs")?;
    nav.set_attribute("role", "tablist")?;
    let lecture_box = dom::el(&header, "div", "lecture")?;
    let transport = dom::el(&header, "div", "transport")?;
    let scene_panel = lecture::Panel::new(&chrome)?;
    let main = dom::el(root, "main", "labs")?;
    let status_el = dom::el(root, "div", "status info")?;
    status_el.set_id("status");
    status_el.set_attribute("role", "status")?;
    status_el.set_attribute("aria-live", "polite")?;
    status::flush_pending();
    let footer = dom::el(root, "footer", "foot")?;

    let help = keys::help(root)?;

    let seed = fresh_seed();
    let play_btn = dom::el(&transport, "button", "btn primary")?.dyn_into::<HtmlButtonElement>()?;
    play_btn.set_type("button");
    play_btn.set_text_content(Some("▶ Play"));
    play_btn.set_title("Play / pause (Space)");

    dom::text(&footer, "span", "", "Seed ")?;
    let seed_input = dom::el(&footer, "input", "seed")?.dyn_into::<HtmlInputElement>()?;
    seed_input.set_type("text");
    seed_input.set_attribute("inputmode", "numeric")?;
    seed_input.set_attribute("aria-label", "random seed")?;
    seed_input.set_value(&seed.to_string());
    let fps_el = dom::text(&footer, "span", "fps", "")?;
    dom::text(
        &footer,
        "span",
        "muted",
        "Every run replays from its seed; the link carries it. Press ? for shortcuts.",
    )?;

    let app = Rc::new(RefCell::new(App {
        labs,
        main,
        tabs: Vec::new(),
        active: 0,
        playing: false,
        speed: 1,
        seed,
        play_btn: play_btn.clone(),
        seed_input: seed_input.clone(),
        speed_slider: None,
        fps_el,
        last_t: 0.0,
        fps: 0.0,
        help,
        last_hash: String::new(),
        root: root.clone(),
        scene_menu: None,
        scene: None,
        hide: Vec::new(),
        frames: 0,
        layout_gen: u64::MAX,
        transport: transport.clone(),
        scene_panel,
        embed: picture::Embed::default(),
        recorder: None,
    }));
    {
        // The scene panel's buttons.
        let p = app.borrow().scene_panel.clone();
        let a = app.clone();
        dom::on(&p.prev, "click", move |_: web_sys::Event| {
            a.borrow_mut().step_scene(-1)
        })?;
        let a = app.clone();
        dom::on(&p.next, "click", move |_: web_sys::Event| {
            a.borrow_mut().step_scene(1)
        })?;
        let a = app.clone();
        dom::on(&p.close, "click", move |_: web_sys::Event| {
            let mut app = a.borrow_mut();
            app.scene_panel.show(false);
            app.scene = None;
            if let Some(m) = &app.scene_menu {
                m.set_selected_index(0);
            }
        })?;
    }

    // Lecture scenes.
    {
        let sel = lecture::menu(&lecture_box)?;
        let a = app.clone();
        let s2 = sel.clone();
        dom::on(&sel, "change", move |_: web_sys::Event| {
            if let Ok(i) = s2.value().parse::<usize>() {
                a.borrow_mut().choose_scene(i);
            }
            // Give the keys back to the page: Space, [ ], p work at once.
            let _ = s2.blur();
        })?;
        app.borrow_mut().scene_menu = Some(sel);
    }

    // Tabs.
    let n_labs = app.borrow().labs.len();
    for i in 0..n_labs {
        let title = app.borrow().labs[i].title;
        let a = app.clone();
        let b = dom::button(&nav, title, &format!("{title} ({})", i + 1), move || {
            a.borrow_mut().select(i);
        })?;
        b.set_attribute("role", "tab")?;
        b.set_class_name("tab");
        app.borrow_mut().tabs.push(b);
    }

    // Transport.
    {
        let a = app.clone();
        dom::on(&play_btn, "click", move |_: web_sys::Event| {
            a.borrow_mut().toggle_play()
        })?;
    }
    {
        let a = app.clone();
        dom::button(&transport, "Step", "One step (n or →)", move || {
            a.borrow_mut().step()
        })?;
    }
    {
        let a = app.clone();
        dom::button(
            &transport,
            "Reset",
            "Start over with the same seed (r)",
            move || a.borrow_mut().reset(),
        )?;
    }
    {
        let a = app.clone();
        let s = dom::slider(
            &transport,
            "Speed",
            0.0,
            4.0,
            0.05,
            0.0,
            |v| format!("{:.0}", 10f64.powf(v)),
            move |v| {
                let mut app = a.borrow_mut();
                app.speed = 10f64.powf(v).round().max(1.0) as u32;
                app.show_speed();
                mark_dirty();
            },
        )?;
        if let Some(w) = s.input.parent_element() {
            w.set_attribute("data-key", "speed")?;
        }
        app.borrow_mut().speed_slider = Some(s);
    }
    {
        let a = app.clone();
        dom::button(
            &transport,
            "Save PNG",
            "Download the lab's main picture as a PNG image",
            move || {
                let app = a.borrow();
                let lab = app.lab().borrow();
                picture::save_png(lab.panel(), lab.id(), app.seed);
            },
        )?;
    }
    {
        let a = app.clone();
        let r = record::Recorder::new(&transport, move || a.borrow_mut().toggle_record())?;
        app.borrow_mut().recorder = Some(r);
    }
    {
        let a = app.clone();
        dom::button(&footer, "New seed", "New random seed (s)", move || {
            a.borrow_mut().new_seed()
        })?;
    }
    {
        let a = app.clone();
        let si = seed_input.clone();
        dom::on(&seed_input, "change", move |_: web_sys::Event| {
            let text = si.value();
            match text.trim().parse::<u64>() {
                Ok(s) => {
                    let mut app = a.borrow_mut();
                    app.seed = s;
                    app.reset();
                }
                Err(_) => {
                    let app = a.borrow();
                    si.set_value(&app.seed.to_string());
                    status::warn(&format!(
                        "seed {text:?} is not a whole number ≥ 0; kept {}",
                        app.seed
                    ));
                }
            }
        })?;
    }

    keys::install(&app)?;

    // URL hash: restore now, and whenever the user edits it or follows a preset link.
    {
        let a = app.clone();
        let w = web_sys::window().ok_or("no window")?;
        // The frame loop also checks the location each frame (browsers may drop this event
        // when the page rewrote the URL meanwhile); either way the current location wins.
        dom::on(&w, "hashchange", move |_: web_sys::HashChangeEvent| {
            a.borrow_mut().sync_from_location()
        })?;
    }
    {
        // Plots follow their column's width: redraw them at the new size.
        let w = web_sys::window().ok_or("no window")?;
        dom::on(&w, "resize", move |_: web_sys::Event| plot::relayout_all())?;
    }
    let initial = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    {
        // The lab the link names (or the first) is built before the link is applied to it.
        let mut a = app.borrow_mut();
        let first = Params::parse(&initial)
            .ok()
            .and_then(|p| a.index_of(&p.lab))
            .unwrap_or(0);
        a.build(first)?;
        a.active = first;
    }
    app.borrow_mut().load_hash(&initial);
    APP.with(|slot| *slot.borrow_mut() = Some(app.clone()));
    start_loop(app.clone())?;
    root.set_attribute("data-ready", "1")?;
    // When the labs became interactive, in ms after navigation (the e2e check prints it).
    root.set_attribute("data-ready-at", &format!("{:.0}", dom::now()))?;
    Ok(app)
}

impl App {
    /// The active lab. `mount` builds the first lab shown and `select` builds a lab before it
    /// makes it active, so the active lab is always built.
    fn lab(&self) -> &Rc<RefCell<dyn Lab>> {
        let built = self.labs[self.active].built.as_ref();
        &built.expect("the active lab is built before it is shown").0
    }

    /// The position of the lab with this id in the tab order.
    fn index_of(&self, id: &str) -> Option<usize> {
        self.labs.iter().position(|s| s.id == id)
    }

    /// Builds lab `i` if it is not built yet (its panel starts hidden: `dom::panel`).
    fn build(&mut self, i: usize) -> Result<(), JsValue> {
        let slot = &mut self.labs[i];
        let Some(build) = slot.build.take() else {
            return Ok(());
        };
        let lab = build()?;
        let about = {
            let l = lab.borrow();
            self.main.append_child(l.panel())?;
            super::about::AboutBox::new(l.panel())?
        };
        slot.built = Some((lab, about));
        Ok(())
    }

    /// Builds the lab with this id without showing it (for the scripting API); false if there is
    /// no such lab or it could not be built.
    pub fn build_id(&mut self, id: &str) -> bool {
        match self.index_of(id) {
            Some(i) => self.build(i).is_ok(),
            None => false,
        }
    }

    /// Activates lab `i` (building it the first time).
    pub fn select(&mut self, i: usize) {
        if i >= self.labs.len() {
            return;
        }
        if let Err(e) = self.build(i) {
            status::show(
                status::Level::Error,
                &format!(
                    "the {} lab could not be built: {}",
                    self.labs[i].title,
                    dom::describe(&e)
                ),
            );
            return;
        }
        self.active = i;
        for (k, (slot, tab)) in self.labs.iter().zip(&self.tabs).enumerate() {
            let on = k == i;
            if let Some((lab, _)) = &slot.built {
                let _ = lab
                    .borrow()
                    .panel()
                    .class_list()
                    .toggle_with_force("hidden", !on);
            }
            let _ = tab.class_list().toggle_with_force("active", on);
            let _ = tab.set_attribute("aria-selected", if on { "true" } else { "false" });
        }
        self.set_playing(false);
        let transport = self.lab().borrow().has_transport();
        let _ = self
            .transport
            .class_list()
            .toggle_with_force("no-transport", !transport);
        self.show_speed();
        self.apply_hide();
        plot::relayout_all();
        mark_dirty();
    }

    /// Shows the speed with the active lab's unit.
    fn show_speed(&self) {
        if let Some(s) = &self.speed_slider {
            let (one, many) = self.lab().borrow().speed_unit();
            let unit = if self.speed == 1 { one } else { many };
            s.show(&format!("{} {unit}/frame", self.speed));
        }
    }

    /// The labs' ids, in tab order.
    pub fn lab_ids(&self) -> Vec<&'static str> {
        self.labs.iter().map(|s| s.id).collect()
    }

    /// Activates the lab with this id; false if there is none.
    pub fn select_id(&mut self, id: &str) -> bool {
        match self.index_of(id) {
            Some(i) => {
                self.select(i);
                true
            }
            None => false,
        }
    }

    /// Sets the seed and restarts the active lab with it.
    pub fn set_seed(&mut self, seed: u64) {
        self.seed = seed;
        self.reset();
    }

    /// The current seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Starts recording the main picture (and playing), or stops the recording.
    pub fn toggle_record(&mut self) {
        if let Some(r) = self.recorder.as_mut().filter(|r| r.recording()) {
            r.stop();
            return;
        }
        let (canvas, stem) = {
            let lab = self.lab().borrow();
            let view = self.params().get("view").map(str::to_string);
            let stem =
                crate::core::record::file_stem(lab.id(), self.scene, view.as_deref(), self.seed);
            (picture::main_canvas(lab.panel()), stem)
        };
        let Some(canvas) = canvas else {
            status::warn("this lab shows no picture to record");
            return;
        };
        let Some(r) = self.recorder.as_mut() else {
            return;
        };
        match r.start(&canvas, &stem) {
            Ok(()) => self.set_playing(true),
            Err(e) => status::warn(&format!(
                "cannot record: {}",
                e.as_string().unwrap_or_default()
            )),
        }
    }

    /// The "Record" control (for scripts and tests).
    pub fn recorder(&self) -> Option<&record::Recorder> {
        self.recorder.as_ref()
    }

    /// Starts or stops playing.
    pub fn set_playing(&mut self, on: bool) {
        self.playing = on;
        self.play_btn
            .set_text_content(Some(if on { "❚❚ Pause" } else { "▶ Play" }));
    }

    /// Play / pause.
    pub fn toggle_play(&mut self) {
        let on = !self.playing;
        self.set_playing(on);
    }

    /// One step of the active lab.
    pub fn step(&mut self) {
        self.set_playing(false);
        self.lab().borrow_mut().step();
    }

    /// Restarts the active lab with the current seed.
    pub fn reset(&mut self) {
        self.set_playing(false);
        let seed = self.seed;
        self.lab().borrow_mut().reset(seed);
        self.seed_input.set_value(&seed.to_string());
        mark_dirty();
    }

    /// Draws a new seed and restarts.
    pub fn new_seed(&mut self) {
        self.seed = fresh_seed();
        self.reset();
        status::info(&format!("new seed {}", self.seed));
    }

    /// Presenter mode: fullscreen, larger type, high contrast, controls tucked away.
    pub fn toggle_presenter(&mut self) {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(body) = doc.body() else { return };
        let on = !body.class_list().contains("presenter");
        let _ = body.class_list().toggle_with_force("presenter", on);
        // The root font size scales every rem-sized text and column with it.
        if let Some(html) = doc.document_element() {
            let _ = html.class_list().toggle_with_force("presenter", on);
        }
        plot::set_scale(if on { PRESENTER_SCALE } else { 1.0 });
        if on {
            if let Some(el) = doc.document_element() {
                let _ = el.request_fullscreen();
            }
            status::info("presenter mode: p or Esc leaves it");
        } else if doc.fullscreen_element().is_some() {
            doc.exit_fullscreen();
        }
    }

    fn toggle_help(&mut self, force: Option<bool>) {
        let show = force.unwrap_or_else(|| self.help.class_list().contains("hidden"));
        let _ = self.help.class_list().toggle_with_force("hidden", !show);
    }

    /// Animation frames run so far.
    pub fn frame_count(&self) -> u64 {
        self.frames
    }

    fn frame(&mut self, t: f64) {
        if self.last_t > 0.0 {
            let dt = (t - self.last_t).max(1e-3);
            self.fps = 0.9 * self.fps + 0.1 * (1000.0 / dt);
        }
        self.last_t = t;
        if self.playing {
            let keep = self.lab().borrow_mut().tick(self.speed);
            if !keep {
                self.set_playing(false);
            }
        }
        self.lab().borrow_mut().background();
        if self.layout_gen != plot::generation() {
            self.layout_gen = plot::generation();
            self.lab().borrow_mut().relayout();
        }
        let drawn = self.lab().borrow_mut().draw();
        if let Err(e) = drawn {
            status::show(status::Level::Error, &format!("drawing failed: {e:?}"));
            self.set_playing(false);
        }
        if let Some(r) = self.recorder.as_mut() {
            r.frame(t, self.playing);
        }
        self.embed.fit();
        // A hash set from outside (address bar, a preset link, a script) wins over pending
        // state: browsers may drop the hashchange event if the page rewrote the URL meanwhile.
        self.sync_from_location();
        if URL_DIRTY.with(|d| d.replace(false)) {
            self.save_hash();
        }
        if self.playing {
            self.fps_el
                .set_text_content(Some(&format!("{:.0} fps", self.fps)));
        }
        self.frames += 1;
    }
}

/// Starts the requestAnimationFrame loop. The closure has to re-register itself each frame, so
/// it needs a handle to its own allocation: the `Rc<RefCell<Option<Closure>>>` is that handle
/// (one clone lives inside the closure, one outside to make the first call).
/// The animation callback's handle to itself.
type FrameSlot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

fn start_loop(app: Rc<RefCell<App>>) -> Result<(), JsValue> {
    let slot: FrameSlot = Rc::new(RefCell::new(None));
    let inner = slot.clone();
    *slot.borrow_mut() = Some(Closure::new(move |t: f64| {
        app.borrow_mut().frame(t);
        if let Some(cb) = inner.borrow().as_ref() {
            let _ = request_frame(cb);
        }
    }));
    let first = slot.borrow();
    match first.as_ref() {
        Some(cb) => request_frame(cb),
        None => Ok(()),
    }
}

fn request_frame(cb: &Closure<dyn FnMut(f64)>) -> Result<(), JsValue> {
    web_sys::window()
        .ok_or("no window")?
        .request_animation_frame(cb.as_ref().unchecked_ref())
        .map(|_| ())
}

/// Runs `f` on the mounted app, if any (for the scripting API and tests).
pub fn with_app<R>(f: impl FnOnce(&mut App) -> R) -> Option<R> {
    APP.with(|slot| slot.borrow().as_ref().map(|a| f(&mut a.borrow_mut())))
}
