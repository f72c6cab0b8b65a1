//! Formulas for the page, typeset as MathML (which Chromium and Firefox render natively — no
//! script, no web font, nothing fetched). A formula is written in a small subset of TeX in the
//! source and parsed here into a tree of MathML elements; the browser shell builds the
//! elements from the tree (never from markup text), so the page's Content-Security-Policy and
//! its rule of "no `innerHTML`" stay as they are.
//!
//! The subset is what the lecture's formulas need: letters, digits and operators (Unicode is
//! welcome: `Σ`, `⟨y⟩`, `≈`, `ε`), `_` and `^` with a token or a `{group}`, `\frac{a}{b}`,
//! `\sqrt{x}`, `\text{words}`, `\sum`, `\prod`, `\int`, Greek letters by name (`\alpha`), a
//! few operators by name (`\cdot`, `\approx`, `\propto`, `\le`, `\ge`, `\to`, `\leftarrow`,
//! `\nabla`, `\partial`, `\infty`, `\langle`, `\rangle`, `\pm`, `\times`, `\in`, `\sim`,
//! `\neq`) and function names (`\exp`, `\log`, `\ln`, `\min`, `\max`, `\tanh`). Anything
//! else is refused with a message, and a native test parses every formula on the page.

use std::fmt;

/// A MathML element of a formula.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// `<mi>`: an identifier (one letter is italic, a word upright).
    Ident(String),
    /// `<mn>`: a number.
    Number(String),
    /// `<mo>`: an operator or fence.
    Op(String),
    /// `<mtext>`: words.
    Text(String),
    /// `<mrow>`: a group.
    Row(Vec<Node>),
    /// `<msub>`: base and subscript.
    Sub(Box<Node>, Box<Node>),
    /// `<msup>`: base and superscript.
    Sup(Box<Node>, Box<Node>),
    /// `<msubsup>`: base, subscript and superscript.
    SubSup(Box<Node>, Box<Node>, Box<Node>),
    /// `<mfrac>`: numerator over denominator.
    Frac(Box<Node>, Box<Node>),
    /// `<msqrt>`.
    Sqrt(Box<Node>),
}

impl Node {
    /// The MathML tag of this node.
    pub fn tag(&self) -> &'static str {
        match self {
            Node::Ident(_) => "mi",
            Node::Number(_) => "mn",
            Node::Op(_) => "mo",
            Node::Text(_) => "mtext",
            Node::Row(_) => "mrow",
            Node::Sub(..) => "msub",
            Node::Sup(..) => "msup",
            Node::SubSup(..) => "msubsup",
            Node::Frac(..) => "mfrac",
            Node::Sqrt(_) => "msqrt",
        }
    }

    /// The children of a node that has elements inside (empty for a leaf).
    pub fn children(&self) -> Vec<&Node> {
        match self {
            Node::Row(v) => v.iter().collect(),
            Node::Sub(a, b) | Node::Sup(a, b) | Node::Frac(a, b) => vec![a, b],
            Node::SubSup(a, b, c) => vec![a, b, c],
            Node::Sqrt(a) => vec![a],
            _ => Vec::new(),
        }
    }

    /// The text of a leaf.
    pub fn text(&self) -> Option<&str> {
        match self {
            Node::Ident(s) | Node::Number(s) | Node::Op(s) | Node::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The formula as MathML markup (for tests and for reading; the page builds elements).
    pub fn to_mathml(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        let tag = self.tag();
        out.push('<');
        out.push_str(tag);
        if matches!(self, Node::Ident(s) if s.chars().count() > 1) {
            out.push_str(" mathvariant=\"normal\"");
        }
        out.push('>');
        match self.text() {
            Some(t) => {
                for c in t.chars() {
                    match c {
                        '<' => out.push_str("&lt;"),
                        '>' => out.push_str("&gt;"),
                        '&' => out.push_str("&amp;"),
                        c => out.push(c),
                    }
                }
            }
            None => {
                for c in self.children() {
                    c.write(out);
                }
            }
        }
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
    }
}

/// Why a formula could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct MathError {
    /// What went wrong.
    pub why: String,
    /// The formula.
    pub tex: String,
}

impl fmt::Display for MathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "formula {:?}: {}", self.tex, self.why)
    }
}

impl std::error::Error for MathError {}

/// Parses a formula written in the subset above into a row of MathML nodes.
pub fn parse(tex: &str) -> Result<Node, MathError> {
    let mut p = Parser {
        chars: tex.chars().collect(),
        i: 0,
    };
    let row = p.row(None).map_err(|why| MathError {
        why,
        tex: tex.to_string(),
    })?;
    Ok(Node::Row(row))
}

struct Parser {
    chars: Vec<char>,
    i: usize,
}

const GREEK: [(&str, char); 30] = [
    ("alpha", 'α'),
    ("beta", 'β'),
    ("gamma", 'γ'),
    ("delta", 'δ'),
    ("epsilon", 'ε'),
    ("varepsilon", 'ε'),
    ("zeta", 'ζ'),
    ("eta", 'η'),
    ("theta", 'θ'),
    ("kappa", 'κ'),
    ("lambda", 'λ'),
    ("mu", 'μ'),
    ("nu", 'ν'),
    ("xi", 'ξ'),
    ("pi", 'π'),
    ("rho", 'ρ'),
    ("sigma", 'σ'),
    ("tau", 'τ'),
    ("phi", 'φ'),
    ("chi", 'χ'),
    ("psi", 'ψ'),
    ("omega", 'ω'),
    ("Gamma", 'Γ'),
    ("Delta", 'Δ'),
    ("Theta", 'Θ'),
    ("Lambda", 'Λ'),
    ("Xi", 'Ξ'),
    ("Pi", 'Π'),
    ("Phi", 'Φ'),
    ("Omega", 'Ω'),
];

const OPS: [(&str, &str); 24] = [
    ("sum", "∑"),
    ("prod", "∏"),
    ("int", "∫"),
    ("cdot", "·"),
    ("times", "×"),
    ("approx", "≈"),
    ("propto", "∝"),
    ("le", "≤"),
    ("ge", "≥"),
    ("neq", "≠"),
    ("to", "→"),
    ("leftarrow", "←"),
    ("nabla", "∇"),
    ("partial", "∂"),
    ("infty", "∞"),
    ("langle", "⟨"),
    ("rangle", "⟩"),
    ("pm", "±"),
    ("in", "∈"),
    ("sim", "∼"),
    ("mid", "|"),
    ("quad", "\u{2003}"),
    ("ldots", "…"),
    ("prime", "′"),
];

const FUNCS: [&str; 8] = ["exp", "log", "ln", "min", "max", "tanh", "sgn", "Var"];

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.i += 1;
        }
    }

    /// Nodes until `close` (or the end when `close` is `None`).
    fn row(&mut self, close: Option<char>) -> Result<Vec<Node>, String> {
        let mut out: Vec<Node> = Vec::new();
        loop {
            self.skip_space();
            let Some(c) = self.peek() else {
                return match close {
                    None => Ok(out),
                    Some(c) => Err(format!("missing {c:?}")),
                };
            };
            if Some(c) == close {
                self.i += 1;
                return Ok(out);
            }
            if c == '_' || c == '^' {
                self.i += 1;
                let base = out.pop().unwrap_or(Node::Row(Vec::new()));
                let script = self.atom()?;
                let node = match (c, base) {
                    ('_', Node::Sup(b, sup)) => Node::SubSup(b, Box::new(script), sup),
                    ('^', Node::Sub(b, sub)) => Node::SubSup(b, sub, Box::new(script)),
                    ('_', b) => Node::Sub(Box::new(b), Box::new(script)),
                    (_, b) => Node::Sup(Box::new(b), Box::new(script)),
                };
                out.push(node);
                continue;
            }
            let a = self.atom()?;
            out.push(a);
        }
    }

    /// One token or group.
    fn atom(&mut self) -> Result<Node, String> {
        self.skip_space();
        let c = self.peek().ok_or("a script or argument is missing")?;
        self.i += 1;
        Ok(match c {
            '{' => {
                let mut r = self.row(Some('}'))?;
                if r.len() == 1 {
                    r.remove(0)
                } else {
                    Node::Row(r)
                }
            }
            '}' => return Err("unbalanced '}'".into()),
            '\\' => self.command()?,
            c if c.is_ascii_digit() || c == '.' => {
                let mut s = c.to_string();
                while let Some(d) = self.peek().filter(|d| d.is_ascii_digit() || *d == '.') {
                    s.push(d);
                    self.i += 1;
                }
                Node::Number(s)
            }
            c if c.is_alphabetic() => Node::Ident(c.to_string()),
            '-' => Node::Op("−".into()),
            '\'' => Node::Op("′".into()),
            c => Node::Op(c.to_string()),
        })
    }

    fn command(&mut self) -> Result<Node, String> {
        let mut name = String::new();
        while let Some(c) = self.peek().filter(char::is_ascii_alphabetic) {
            name.push(c);
            self.i += 1;
        }
        if name.is_empty() {
            // \{ \} \, \| and the like: the character itself.
            let c = self.peek().ok_or("a lone backslash")?;
            self.i += 1;
            return Ok(match c {
                ',' | ' ' | ';' => Node::Op("\u{2009}".into()),
                c => Node::Op(c.to_string()),
            });
        }
        if let Some((_, g)) = GREEK.iter().find(|(n, _)| *n == name) {
            return Ok(Node::Ident(g.to_string()));
        }
        if let Some((_, o)) = OPS.iter().find(|(n, _)| *n == name) {
            return Ok(Node::Op((*o).to_string()));
        }
        if FUNCS.contains(&name.as_str()) {
            return Ok(Node::Ident(name));
        }
        match name.as_str() {
            "frac" => {
                let a = self.atom()?;
                let b = self.atom()?;
                Ok(Node::Frac(Box::new(a), Box::new(b)))
            }
            "sqrt" => Ok(Node::Sqrt(Box::new(self.atom()?))),
            "text" => {
                self.skip_space();
                if self.peek() != Some('{') {
                    return Err("\\text needs {words}".into());
                }
                self.i += 1;
                let mut s = String::new();
                loop {
                    match self.peek() {
                        Some('}') => {
                            self.i += 1;
                            break;
                        }
                        Some(c) => {
                            s.push(c);
                            self.i += 1;
                        }
                        None => return Err("\\text{… is not closed".into()),
                    }
                }
                Ok(Node::Text(s))
            }
            other => Err(format!("\\{other} is not in the page's formula subset")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn energy_of_the_hopfield_network() {
        let n =
            parse(r"E(y) = -\frac{1}{2}\sum_{i,j} w_{ij} y_i y_j - \sum_i b_i y_i").expect("ok");
        let m = n.to_mathml();
        assert!(m.starts_with("<mrow><mi>E</mi><mo>(</mo><mi>y</mi><mo>)</mo><mo>=</mo><mo>−</mo>"));
        assert!(m.contains("<mfrac><mn>1</mn><mn>2</mn></mfrac>"), "{m}");
        assert!(
            m.contains("<msub><mo>∑</mo><mrow><mi>i</mi><mo>,</mo><mi>j</mi></mrow></msub>"),
            "{m}"
        );
        assert!(
            m.contains("<msub><mi>w</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub>"),
            "{m}"
        );
    }

    #[test]
    fn scripts_functions_greek_and_text() {
        let m = parse(r"\varepsilon_t = a(b+t)^{-\gamma},\ \sum_t \varepsilon_t^2 < \infty")
            .expect("ok")
            .to_mathml();
        assert!(
            m.contains("<msubsup><mi>ε</mi><mi>t</mi><mn>2</mn></msubsup>"),
            "sub then sup: {m}"
        );
        assert!(m.contains("<mo>&lt;</mo><mo>∞</mo>"), "{m}");
        let m = parse(r"P(y_i = +1) = \sigma(2h_i/T),\ \text{fair coin}")
            .expect("ok")
            .to_mathml();
        assert!(m.contains("<mtext>fair coin</mtext>"), "{m}");
        let m = parse(r"\exp(-E/T)").expect("ok").to_mathml();
        assert!(m.contains("<mi mathvariant=\"normal\">exp</mi>"), "{m}");
        // Unicode passes through.
        let m = parse("⟨yᵢyⱼ⟩_{data}").expect("ok").to_mathml();
        assert!(m.contains("<mi>d</mi><mi>a</mi>"), "{m}");
    }

    #[test]
    fn refuses_what_it_cannot_typeset() {
        for bad in [r"\frac{1}", r"x^", r"{x", r"\unknown{x}", r"\text x", "x}"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let e = parse(r"\unknown").expect_err("refused");
        assert!(e.to_string().contains("not in the page's formula subset"));
    }
}
