//! Native tests of the RBM session: its table, exact replay of a link, trained starts from the
//! shipped models (and keeping a model trained to the end), training in slices, and what each
//! lecture scene's note claims.

use super::*;
use crate::params::Params;

fn link(hash: &str) -> Params {
    Params::parse(hash).expect("link parses")
}

/// A session after the shell's path for `hash`: restart from the link's seed, apply the link,
/// settle (keeping a finished model, as a link does).
fn open(s: &mut RbmSession, hash: &str) -> Vec<String> {
    let p = link(hash);
    let seed = p.get("seed").and_then(|x| x.parse().ok()).unwrap_or(1);
    s.restart(seed);
    let msgs = TABLE.load(s, &p);
    s.settle(true).expect("settles");
    msgs
}

fn session() -> RbmSession {
    RbmSession::new(1).expect("session")
}

/// Trains the current view's model to the end (in slices of `chunk` mini-batches).
fn train_to_end(s: &mut RbmSession, chunk: usize) {
    for _ in 0..100_000 {
        if s.summary().finished {
            return;
        }
        s.work(&mut Budget::batches(chunk), 1, false)
            .expect("trains");
    }
    panic!("training ends");
}

#[test]
fn table_is_well_formed() {
    assert_eq!(TABLE.lint(), Vec::<String>::new());
}

#[test]
fn a_link_replays_exactly_whatever_came_before() {
    let hash = "#rbm?view=complete&start=trained&known=left&label=7&epochs=31&seed=5";
    let mut a = session();
    assert_eq!(open(&mut a, hash), Vec::<String>::new());
    // Another history: other settings, some training, a drawing, a view change.
    let mut b = RbmSession::new(2).expect("session");
    open(
        &mut b,
        "#rbm?view=gauss&hidden=32&k=2&ghidden=3&gdata=2&seed=9",
    );
    b.work(&mut Budget::batches(30), 2, false).expect("works");
    b.next_example().expect("example");
    TABLE.set_text(&mut b, "view", "labels").expect("view");
    b.work(&mut Budget::batches(30), 2, false).expect("works");
    assert_eq!(open(&mut b, hash), Vec::<String>::new());
    for s in [&mut a, &mut b] {
        s.next_example().expect("example");
        for _ in 0..3 {
            s.work(&mut Budget::batches(20), 2, false).expect("works");
        }
    }
    assert_eq!(a.main().rbm, b.main().rbm);
    assert_eq!(a.labels().model, b.labels().model);
    assert_eq!(a.labels().chains.visible(), b.labels().chains.visible());
    assert_eq!(
        a.completion().chain.visible(),
        b.completion().chain.visible()
    );
    assert_eq!(a.completion().mean, b.completion().mean);
    assert_eq!(a.gauss().data, b.gauss().data);
    assert_eq!(a.summary(), b.summary());
    let (mut pa, mut pb) = (Params::new("rbm"), Params::new("rbm"));
    TABLE.save(&a, &mut pa);
    TABLE.save(&b, &mut pb);
    assert_eq!(pa, pb);
    assert_eq!(pa.get("known"), Some("left"));
    assert_eq!(pa.get("start"), Some("trained"));
}

#[test]
fn refused_link_values_are_reported_and_the_current_value_kept() {
    let mut s = session();
    let msgs = open(&mut s, "#rbm?hidden=5000&lr=abc&view=nowhere&seed=3");
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    assert!(
        msgs[1].contains("hidden=5000") && msgs[1].contains("16…200"),
        "{msgs:?}"
    );
    assert!(msgs.iter().any(|m| m.contains("lr=abc")), "{msgs:?}");
    assert_eq!(s.settings().hidden, 64);
    assert_eq!(s.view(), View::Train);
}

#[test]
fn a_trained_start_needs_the_shipped_settings() {
    let mut s = session();
    let msgs = open(&mut s, "#rbm?view=labels&start=trained&hidden=32&seed=1");
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(msgs[0].contains("fresh weights"), "{}", msgs[0]);
    assert_eq!(s.start(), Start::Fresh);
    assert_eq!(s.labels().origin(), Origin::Fresh);
    assert_eq!(s.main().rbm.nh(), 32);
}

#[test]
fn a_control_change_rebuilds_at_once_and_epochs_extend_a_run() {
    let mut s = session();
    open(&mut s, "#rbm?epochs=2&seed=4");
    train_to_end(&mut s, 50);
    let trained = s.main().rbm.clone();
    assert_eq!(s.summary().epoch, 2);
    // A new epoch target continues the same model.
    TABLE.set_text(&mut s, "epochs", "3").expect("in range");
    assert_eq!(s.main().rbm, trained);
    assert!(!s.summary().finished);
    s.work(&mut Budget::epoch(), 1, true).expect("an epoch");
    assert_eq!(s.summary().epoch, 3);
    assert!(s.summary().finished);
    // A model setting restarts from fresh weights at once.
    TABLE.set_text(&mut s, "hidden", "32").expect("in range");
    assert_eq!(s.main().rbm.nh(), 32);
    assert_eq!(s.summary().epoch, 0);
}

#[test]
fn training_lowers_the_reconstruction_error() {
    // Scene "Restricted Boltzmann machine: CD-1 on digits": fresh weights, the error falls.
    let mut s = session();
    assert!(open(&mut s, "#rbm?view=train&seed=1").is_empty());
    assert_eq!(s.main().origin(), Origin::Fresh);
    assert_eq!(s.summary().epoch, 0);
    for _ in 0..4 {
        s.work(&mut Budget::epoch(), 1, true).expect("an epoch");
    }
    let h = s.history();
    let (e1, e4) = (h.first_error().expect("e1"), h.last_error().expect("e4"));
    assert_eq!(s.summary().epoch, 4);
    assert!(e4 < 0.8 * e1, "error falls: {e1} → {e4}");
    assert!(h.last_metric().is_some_and(|pl| pl < 0.0));
}

#[test]
fn the_shipped_models_start_the_completion_label_and_dbn_scenes_ready() {
    let mut s = session();
    // Scene "Conditioned sampling: complete a digit" presses "Held-out digit".
    assert!(open(&mut s, "#rbm?view=complete&start=trained&seed=1").is_empty());
    let sm = s.summary();
    assert_eq!(sm.origin, Origin::Shipped);
    assert!(sm.finished && sm.epoch == 30 && sm.epochs == 30, "{sm:?}");
    let err = s.history().last_error().expect("measured");
    assert!(err < 0.06, "reconstruction error of the shipped RBM {err}");
    let (i, label) = s.next_example().expect("example");
    assert_eq!((i, label), (0, s.data().test_labels[0]));
    assert_eq!(s.completion().known_count(), 32);
    let m = s.completion_match().expect("free pixels");
    assert!(
        m > 0.8,
        "the completion matches the held-out bottom half: {m}"
    );
    for _ in 0..20 {
        s.work(&mut Budget::batches(1), 1, true).expect("gibbs");
    }
    assert_eq!(s.completion().clamp_agreement(s.image()), Some(1.0));
    assert!(s.completion_match().expect("free") > 0.75);

    // Scene "Label units": the label RBM classifies held-out digits at once.
    TABLE.set_text(&mut s, "view", "labels").expect("view");
    let acc = s.history().last_metric().expect("accuracy");
    assert!(
        acc > 0.9,
        "held-out accuracy of the shipped label RBM {acc}"
    );
    assert_eq!(
        s.labels().predicted,
        usize::from(label),
        "{:?}",
        s.labels().probs
    );
    let p: f64 = s.labels().probs.iter().sum();
    assert!((p - 1.0).abs() < 1e-9);
    // Clamping a label generates that class: the label RBM reads the samples as it.
    TABLE.set_text(&mut s, "label", "7").expect("label");
    for _ in 0..200 {
        s.work(&mut Budget::batches(1), 1, false).expect("sample");
    }
    let chains = s.labels().chains.visible_probs().to_vec();
    let nv = s.labels().model.rbm.nv();
    let sevens = chains
        .chunks_exact(nv)
        .filter(|row| {
            s.labels()
                .model
                .classify(&row[..PIXELS])
                .is_ok_and(|(c, _)| c == 7)
        })
        .count();
    assert!(sevens >= 6, "{sevens} of {COND_CHAINS} samples read as a 7");

    // Scene "Deep belief net": both layers pretrained; it generates at once.
    TABLE.set_text(&mut s, "view", "dbn").expect("view");
    assert!(s.dbn().finished());
    assert_eq!(s.dbn().layer(), 2);
    let sm = s.summary();
    assert_eq!((sm.epoch, sm.epochs, sm.finished), (60, 60, true));
    for _ in 0..50 {
        s.work(&mut Budget::batches(1), 1, false).expect("generate");
    }
    let ink = s.dbn().ink();
    let data_ink = s.data().ink();
    assert!(
        (ink - data_ink).abs() < 0.35 * data_ink,
        "the net inks like the data: {ink} vs {data_ink}"
    );
    assert!(s.dbn().distinct_samples() > DBN_CHAINS / 2);
}

#[test]
fn a_model_trained_to_the_end_is_kept_by_a_link_that_asks_for_a_trained_one() {
    let mut s = session();
    open(&mut s, "#rbm?view=train&epochs=2&seed=6");
    train_to_end(&mut s, 100);
    let mine = s.main().rbm.clone();
    let curve = s.history().epochs.clone();
    // The next scene asks for a trained model with the same settings and seed: keep it.
    open(&mut s, "#rbm?view=complete&start=trained&epochs=2&seed=6");
    assert_eq!(s.main().origin(), Origin::Kept);
    assert_eq!(s.main().rbm, mine);
    assert_eq!(s.history().epochs, curve, "its charts come along");
    let sm = s.summary();
    assert!(sm.finished && sm.epoch == 2, "{sm:?}");
    // The label RBM was not trained here: it comes from the page.
    assert_eq!(s.labels().origin(), Origin::Shipped);
    // Reset (no link) starts over from the shipped model.
    s.restart(6);
    s.settle(false).expect("settles");
    assert_eq!(s.main().origin(), Origin::Shipped);
    // Another seed, or a fresh start, does not keep it.
    open(&mut s, "#rbm?view=train&epochs=2&seed=6");
    train_to_end(&mut s, 100);
    open(&mut s, "#rbm?view=complete&start=trained&epochs=2&seed=7");
    assert_eq!(s.main().origin(), Origin::Shipped);
    open(&mut s, "#rbm?view=train&epochs=2&seed=7");
    assert_eq!(s.main().origin(), Origin::Fresh);
}

#[test]
fn the_gaussian_rbm_samples_spread_over_the_blobs() {
    // Scene "Continuous visible units": train, then the samples cover every blob.
    let mut s = session();
    assert!(open(&mut s, "#rbm?view=gauss&seed=1").is_empty());
    let ll0 = s.gauss().model.log_likelihood(&s.gauss().data).expect("ll");
    train_to_end(&mut s, 40);
    for _ in 0..20 {
        s.work(&mut Budget::batches(1), 1, false).expect("sample");
    }
    let ll = s.history().last_metric().expect("ll");
    assert!(ll > ll0 + 0.5, "likelihood rises: {ll0} → {ll}");
    let shares = s.gauss().shares();
    assert_eq!(shares.len(), 4);
    assert!(
        shares.iter().all(|&f| f > 0.1),
        "samples near every blob: {shares:?}"
    );
}

#[test]
fn the_shipped_files_hold_rounded_models_of_the_right_shape() {
    let data = DigitData::shipped().expect("digits");
    let sh = shipped::Shipped::load(&data).expect("shipped models");
    let d = sh.digit_rbm();
    assert_eq!((d.model.nv(), d.model.nh()), (64, 64));
    assert_eq!((d.epochs, d.batches), (30, 30 * 144));
    assert_eq!(
        shipped::rounded(&d.model, shipped::DIGITS).expect("r"),
        d.model
    );
    let l = sh.label_rbm();
    assert_eq!((l.model.rbm.nv(), l.model.rbm.nh()), (74, 64));
    let n = sh.dbn();
    assert_eq!((n.dbn.top.nv(), n.dbn.top.nh()), (64, dbn_top(64)));
    assert_eq!(
        n.dbn.bottom, d.model,
        "the net's bottom layer is the digit RBM"
    );
    assert!(shipped::available(&Settings::default()));
    assert!(!shipped::available(&Settings {
        pcd: true,
        ..Settings::default()
    }));
}

#[test]
fn importing_a_model_sets_the_hidden_units_and_refuses_bad_shapes() {
    let mut s = session();
    let mut rng = crate::rng::Rng::new(2);
    let good = Rbm::with_random_weights(64, 32, 0.1, &mut rng).expect("rbm");
    assert_eq!(s.import(good.clone()), Ok(32));
    assert_eq!(s.settings().hidden, 32);
    assert_eq!(s.main().rbm, good);
    assert_eq!(s.main().origin(), Origin::Imported);
    let small = Rbm::with_random_weights(10, 20, 0.1, &mut rng).expect("rbm");
    assert!(s.import(small).is_err_and(|e| e.contains("64")));
    assert_eq!(s.main().rbm, good, "a refused import changes nothing");
}
