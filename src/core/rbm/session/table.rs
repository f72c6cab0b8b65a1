//! The RBM lab's settings: one row per parameter, in the order a link applies them.

use super::{shipped, Known, RbmSession, Start, View, PRESETS};
use crate::settings::{opt, when, Opt, Range, Setting, Show, Table};

const VIEW_OPTS: [Opt; 5] = [
    opt("train", "Train"),
    opt("complete", "Complete a drawing"),
    opt("labels", "Label units"),
    opt("dbn", "Deep belief net"),
    opt("gauss", "Gaussian 2-D"),
];
const START_OPTS: [Opt; 2] = [
    opt("fresh", "fresh weights"),
    opt("trained", "trained model (shipped)"),
];
const KNOWN_OPTS: [Opt; 5] = [
    opt("top", "top half"),
    opt("bottom", "bottom half"),
    opt("left", "left half"),
    opt("right", "right half"),
    opt("ink", "drawn pixels only"),
];
const LABEL_OPTS: [Opt; 10] = [
    opt("0", "0"),
    opt("1", "1"),
    opt("2", "2"),
    opt("3", "3"),
    opt("4", "4"),
    opt("5", "5"),
    opt("6", "6"),
    opt("7", "7"),
    opt("8", "8"),
    opt("9", "9"),
];
const GDATA_OPTS: [Opt; 3] = [
    opt("2", "two blobs"),
    opt("3", "three blobs"),
    opt("4", "four blobs (square)"),
];

fn digits(s: &RbmSession) -> bool {
    s.view.digits()
}

fn gauss(s: &RbmSession) -> bool {
    !s.view.digits()
}

/// A trained start asks for a shipped model; without one for these settings the digit models
/// start from fresh weights, and the link says so.
fn fix(s: &mut RbmSession) -> Option<String> {
    let mut note = None;
    if s.start == Start::Trained && !shipped::available(&s.settings) {
        s.set_start(Start::Fresh);
        let d = shipped::settings();
        note = Some(format!(
            "a trained model ships only for {} hidden units, CD-{}, η = {}, batches of {} \
             without PCD; the digit models start from fresh weights",
            d.hidden, d.k, d.lr, d.batch
        ));
    }
    // A change from a control rebuilds at once; a link's rebuild waits for its settle.
    if !s.pending {
        if let Err(e) = s.settle(false) {
            note = Some(e);
        }
    }
    note
}

/// The RBM lab's settings, in the order a link applies them.
pub static TABLE: Table<RbmSession> = Table {
    rows: &[
        Setting::choice(
            "view",
            "RBM sub-view",
            "Train: CD-k on the digits · Complete: clamp the known pixels and Gibbs-sample the \
             rest · Labels: y = (v, h, c) with a one-hot label c · Deep belief net: stacked \
             RBMs · Gaussian 2-D: continuous visible units (exponential family)",
            &VIEW_OPTS,
            0,
            |s| View::ALL.iter().position(|&v| v == s.view).unwrap_or(0),
            |s, i| {
                s.view = View::ALL[i];
                Ok(())
            },
        ),
        when(
            digits,
            Setting::number(
                "hidden",
                "Hidden units",
                "Number of hidden units h (each learns one filter); changing it restarts the \
                 digit models",
                Range {
                    step: 8.0,
                    ..Range::int(16.0, 200.0)
                },
                64.0,
                |s| s.settings.hidden as f64,
                |s, v| s.change(|x| x.hidden = v as usize),
            ),
        ),
        when(
            digits,
            Setting::number(
                "k",
                "k (CD-k)",
                "Gibbs steps v₀ → h₀ → v₁ → … → v_k before the negative statistics (the \
                 lecture's CD uses k = 1)",
                Range::int(1.0, 3.0),
                1.0,
                |s| s.settings.k as f64,
                |s, v| s.change(|x| x.k = v as usize),
            ),
        ),
        when(
            digits,
            Setting::toggle(
                "pcd",
                "Persistent CD (PCD)",
                "Persistent CD (Tieleman 2008): the negative chains continue between updates \
                 instead of restarting at the data",
                false,
                |s| s.settings.pcd,
                |s, b| s.change(|x| x.pcd = b),
            ),
        ),
        when(
            digits,
            Setting::number(
                "lr",
                "Learning rate η",
                "Step size η of wᵢⱼ ← wᵢⱼ + η(⟨vᵢhⱼ⟩_data − ⟨vᵢhⱼ⟩_k) (momentum 0.5)",
                Range::log(0.001, 1.0),
                0.1,
                |s| s.settings.lr,
                |s, v| s.change(|x| x.lr = v),
            ),
        ),
        when(
            digits,
            Setting::number(
                "batch",
                "Batch size",
                "Training digits N_P averaged per update of the weights",
                Range::int(1.0, 100.0),
                10.0,
                |s| s.settings.batch as f64,
                |s, v| s.change(|x| x.batch = v as usize),
            ),
        ),
        when(
            digits,
            Setting::number(
                "epochs",
                "Epochs",
                "Passes over the 1437 training digits (per layer for the deep belief net); \
                 raising it continues a finished run",
                Range::int(1.0, 500.0),
                30.0,
                |s| s.settings.epochs as f64,
                |s, v| s.change(|x| x.epochs = v as usize),
            ),
        ),
        when(
            digits,
            Setting::choice(
                "start",
                "Start from",
                "Fresh weights N(0, 0.01²) train from scratch; the trained models were trained \
                 30 epochs with the default settings and ship with the page, so completion, \
                 labels and the deep belief net work at once",
                &START_OPTS,
                0,
                |s| usize::from(s.start == Start::Trained),
                |s, i| {
                    s.set_start(if i == 1 { Start::Trained } else { Start::Fresh });
                    Ok(())
                },
            ),
        ),
        when(
            |s| s.view == View::Complete,
            Setting::choice(
                "known",
                "Known pixels",
                "Which visible units are clamped to the drawing; the others are sampled from \
                 P(v | h)",
                &KNOWN_OPTS,
                0,
                |s| {
                    Known::ALL
                        .iter()
                        .position(|&k| k == s.completion.known)
                        .unwrap_or(0)
                },
                |s, i| {
                    s.set_known(Known::ALL[i]);
                    Ok(())
                },
            ),
        ),
        when(
            |s| s.view == View::Labels,
            Setting::choice(
                "label",
                "Generate label c",
                "Clamp the one-hot label units to this class and Gibbs-sample the pixels",
                &LABEL_OPTS,
                3,
                |s| s.labels.label,
                |s, i| s.set_label(i),
            ),
        ),
        when(
            gauss,
            Setting::choice(
                "gdata",
                "Data",
                "Training points: 400 draws from equal blobs of spread 0.4 (= the model's fixed σ)",
                &GDATA_OPTS,
                2,
                |s| s.gsettings.preset.min(PRESETS.len() - 1),
                |s, i| s.change_gauss(|g| g.preset = i),
            ),
        ),
        when(
            gauss,
            Setting::number(
                "ghidden",
                "Hidden units",
                "n hidden units give a mixture of 2ⁿ Gaussians with means b + Wh",
                Range::int(1.0, 6.0),
                2.0,
                |s| s.gsettings.hidden as f64,
                |s, v| s.change_gauss(|g| g.hidden = v as usize),
            ),
        ),
        when(
            gauss,
            Setting::number(
                "glr",
                "Learning rate η",
                "Step size of CD-1 (momentum 0.5, batches of 20)",
                Range::log(0.001, 0.1).show(Show::Sig),
                0.01,
                |s| s.gsettings.lr,
                |s, v| s.change_gauss(|g| g.lr = v),
            ),
        ),
    ],
    fix,
};
