//! "What am I looking at?": for every lab and sub-view, two to four sentences in the lecture's
//! words saying what the picture shows, with the key equation (typeset by [`super::math`]).
//! The browser shell shows them folded at the top of each lab.

/// One text: the lab, the sub-view it is for (empty: any), a title, the text and the key
/// equation (in the TeX subset of [`crate::math`]).
pub struct About {
    /// Lab id.
    pub lab: &'static str,
    /// Sub-view (`view=` value); empty for the whole lab.
    pub view: &'static str,
    /// Shown folded.
    pub title: &'static str,
    /// Two to four sentences.
    pub text: &'static str,
    /// The key equation.
    pub tex: &'static str,
}

const fn a(
    lab: &'static str,
    view: &'static str,
    title: &'static str,
    text: &'static str,
    tex: &'static str,
) -> About {
    About {
        lab,
        view,
        title,
        text,
        tex,
    }
}

/// Every lab's and sub-view's text.
#[rustfmt::skip]
pub const ABOUT: &[About] = &[
    a("hopfield", "", "a Hopfield network recalling a memory",
      "Each square is a neuron yᵢ = ±1. The stored memories set the weights W; recall updates one neuron at a time to the sign of its local field, so the energy never rises and the state slides into a valley: a stored pattern, its inverse, or a spurious mixture (a “fake memory”).",
      r"E(y) = -\frac{1}{2}\sum_{i,j} w_{ij} y_i y_j - \sum_i b_i y_i,\quad y_i \leftarrow \Theta(\sum_j w_{ij} y_j + b_i)"),
    a("boltzmann", "temp", "a stochastic Hopfield network at temperature T",
      "The same network with noise: each neuron is redrawn from its conditional probability at temperature T. A single sample stays noisy, but the average of the last M samples retrieves the memory. Annealing lowers T slowly and ends in a state of low energy.",
      r"P(y_i = +1 \mid y_{j \neq i}) = \sigma(2 h_i / T),\quad h_i = \sum_j w_{ij} y_j + b_i"),
    a("boltzmann", "exact", "the exact Boltzmann distribution against Gibbs sampling",
      "A network small enough to list every state: the bars are the exact distribution, the histogram is where Gibbs sampling has been. The total-variation distance between them falls as samples accumulate.",
      r"P(y) = \frac{e^{-E(y)/T}}{Z},\quad Z = \sum_y e^{-E(y)/T}"),
    a("boltzmann", "learn", "Boltzmann-machine learning: clamped minus free phase",
      "Each step raises the weights by the correlations in the data (clamped phase) and lowers them by those the model produces on its own (free phase). The exact log-likelihood of the data climbs.",
      r"\Delta w_{ij} = \eta(\langle y_i y_j \rangle_{\text{data}} - \langle y_i y_j \rangle_{\text{model}})"),
    a("rbm", "train", "a restricted Boltzmann machine learning digits",
      "Visible pixels talk only to hidden units, so each layer is sampled in one block. Contrastive divergence compares the data with k steps of Gibbs sampling; each filter is the weights into one hidden unit.",
      r"\Delta W = \eta(\langle v h^T \rangle_{\text{data}} - \langle v h^T \rangle_k)"),
    a("rbm", "complete", "completing a digit by conditional sampling",
      "The known pixels are clamped; Gibbs sampling alternates P(h | v) and P(v | h) for the rest and fills in a digit that fits them.",
      r"P(h_j = 1 \mid v) = \sigma(c_j + \sum_i w_{ij} v_i)"),
    a("rbm", "labels", "label units: classify, or generate a class",
      "The visible layer holds the pixels and a one-hot label c. Clamp the pixels to read P(c | v) from the free energy; clamp a label to sample digits of that class.",
      r"P(c \mid v) \propto e^{-F(v, c)}"),
    a("rbm", "dbn", "a deep belief net of stacked RBMs",
      "RBMs trained greedily, one layer at a time, each on the hidden activities of the one below. A sample is Gibbs sampling in the top RBM followed by one pass down.",
      r"P(v, h^1, h^2) = P(v \mid h^1)\, P(h^1, h^2)"),
    a("rbm", "gauss", "an RBM with continuous visible units",
      "With Gaussian visible units, P(v | h) is a Gaussian around Wh + a, so block Gibbs sampling still works on points in the plane.",
      r"P(v \mid h) = N(v;\, W h + a,\, \sigma^2 I)"),
    a("sampling", "mcmc", "a Markov chain sampling an energy landscape",
      "An energy E(x) on the plane defines a density. A chain moves by proposals accepted with min(1, p(x′)/p(x)), by gradient steps plus noise (Langevin) or along Hamiltonian trajectories; the histograms of its samples approach the exact marginals drawn beside them.",
      r"p(x) = \frac{e^{-E(x)/T}}{Z}"),
    a("sampling", "direct", "sampling easy distributions directly",
      "Some distributions need no Markov chain: a uniform number through the inverse CDF, sums of coin flips (central limit theorem), Box–Muller for normals, and x = Lz + μ for any covariance Σ = LLᵀ.",
      r"x = F^{-1}(u),\quad u \sim U(0, 1)"),
    a("sampling", "markov", "a Markov chain on a few states",
      "The distribution over states evolves by one matrix product per step and converges to the stationary distribution when the chain is irreducible and aperiodic.",
      r"\pi_{t+1} = \pi_t T,\quad \pi = \pi T"),
    a("sampling", "", "sampling",
      "An energy on the plane and the lecture's samplers.",
      r"p(x) \propto e^{-E(x)/T}"),
    a("energy", "", "training an energy by contrastive divergence",
      "A small neural network E(x; θ) is pushed down on the data (white) and up on negatives (orange) drawn from the model itself by Langevin dynamics. Low energy means high density: valleys form where the data are.",
      r"\nabla_\theta L = E_{\text{data}}[\nabla_\theta E] - E_{\text{model}}[\nabla_\theta E]"),
    a("ising", "", "the Ising model, where the energy comes from",
      "Spins sᵢ = ±1 on a periodic L × L lattice. Below the critical temperature the spins order into large domains; above it they are disordered. The dashed lines are Onsager's and Yang's exact results for the infinite lattice.",
      r"E(s) = -\sum_{\langle ij \rangle} s_i s_j - h \sum_i s_i,\quad T_c = \frac{2}{\ln(1 + \sqrt{2})}"),
    a("speed", "", "how fast the page computes",
      "Each row runs the same algorithm in this page's WebAssembly and in plain JavaScript and reports the median time; the checksums show the same work was done.",
      r"\text{ratio} = t_{\text{JS}} / t_{\text{wasm}}"),
];

/// The text for `lab` in sub-view `view` (the view's own, else the lab's).
pub fn find(lab: &str, view: &str) -> Option<&'static About> {
    ABOUT
        .iter()
        .find(|a| a.lab == lab && a.view == view && !view.is_empty())
        .or_else(|| ABOUT.iter().find(|a| a.lab == lab && a.view.is_empty()))
        .or_else(|| ABOUT.iter().find(|a| a.lab == lab))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_equation_typesets_and_every_lab_has_a_text() {
        for a in ABOUT {
            crate::math::parse(a.tex).unwrap_or_else(|e| panic!("{}: {e}", a.lab));
            let sentences = a.text.matches(". ").count() + 1;
            assert!(
                (1..=4).contains(&sentences),
                "{}/{}: {sentences}",
                a.lab,
                a.view
            );
        }
        for lab in [
            "hopfield",
            "boltzmann",
            "rbm",
            "sampling",
            "energy",
            "ising",
            "speed",
        ] {
            assert!(find(lab, "").is_some(), "{lab}");
        }
        assert_eq!(find("rbm", "labels").map(|a| a.view), Some("labels"));
        assert_eq!(find("sampling", "nope").map(|a| a.view), Some(""));
    }
}
