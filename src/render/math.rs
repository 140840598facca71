//! `$...$` LaTeX: MathML for pages, plain Unicode text for titles, plots and the search
//! index.
//!
//! MathML is made at build time by the math-core crate (MathML Core, which browsers draw
//! natively), so no page needs a script to show a formula. The LaTeX source rides along as
//! an `<annotation>`, which keeps it copyable and findable. What math-core cannot read (an
//! experiment's own macro, a typo) is shown as its source in a `<code>` instead: readable,
//! and never a half-drawn formula.

use std::sync::OnceLock;

use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};

use super::markdown::escape;

/// Macros HEPData submissions use that are not standard LaTeX.
const MACROS: [(&str, &str); 8] = [
    ("GeV", r"\mathrm{GeV}"),
    ("TeV", r"\mathrm{TeV}"),
    ("MeV", r"\mathrm{MeV}"),
    ("pt", r"p_{\mathrm{T}}"),
    ("PT", r"p_{\mathrm{T}}"),
    ("met", r"E_{\mathrm{T}}^{\mathrm{miss}}"),
    ("ifb", r"\mathrm{fb}^{-1}"),
    ("rts", r"\sqrt{s}"),
];

fn converter() -> &'static LatexToMathML {
    static CONVERTER: OnceLock<LatexToMathML> = OnceLock::new();
    CONVERTER.get_or_init(|| {
        let config = MathCoreConfig {
            macros: MACROS
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
            annotation: true,
            ..MathCoreConfig::default()
        };
        // The macros above are constants that parse; a failure is a bug in this file.
        LatexToMathML::new(config).unwrap_or_default()
    })
}

/// One formula as HTML: `tex` is the text between the dollars, `display` is true for
/// `$$...$$`. Falls back to the escaped source, dollars included, when the formula
/// cannot be converted.
pub fn to_html(tex: &str, display: bool) -> String {
    let mode = if display {
        MathDisplay::Block
    } else {
        MathDisplay::Inline
    };
    match converter().convert_with_local_state(tex, mode) {
        Ok(result) => result.mathml,
        Err(_) => {
            let dollars = if display { "$$" } else { "$" };
            format!(
                "<code class=\"tex\" title=\"LaTeX source\">{dollars}{}{dollars}</code>",
                escape(tex)
            )
        }
    }
}

/// A piece of a formula as text: `shift` is 0 on the baseline, 1 raised, -1 lowered.
#[derive(Clone, Debug, PartialEq)]
pub struct Piece {
    pub text: String,
    pub shift: i8,
}

/// Text with `$...$` formulas replaced by plain Unicode (`$p_{T}^{\gamma}$` becomes
/// `p_T^γ`): for page titles, alt text and the search index.
pub fn plain(text: &str) -> String {
    let mut out = String::new();
    for p in pieces(text) {
        match p.shift {
            0 => out.push_str(&p.text),
            s => {
                let mark = if s > 0 { '^' } else { '_' };
                match scripted(&p.text, s > 0) {
                    Some(u) => out.push_str(&u),
                    None if p.text.chars().count() == 1 => {
                        out.push(mark);
                        out.push_str(&p.text);
                    }
                    None => {
                        out.push(mark);
                        out.push('(');
                        out.push_str(&p.text);
                        out.push(')');
                    }
                }
            }
        }
    }
    out
}

/// Text with formulas, as baseline, raised and lowered pieces (for SVG labels). Text
/// outside dollars is one baseline piece each.
pub fn pieces(text: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut rest = text;
    loop {
        let Some(start) = find_unescaped(rest, 0) else {
            push(&mut out, &rest.replace("\\$", "$"), 0);
            break;
        };
        let delim = if rest[start..].starts_with("$$") {
            2
        } else {
            1
        };
        let body = start + delim;
        let Some(end) = find_unescaped(rest, body).filter(|&e| e > body) else {
            push(&mut out, &rest.replace("\\$", "$"), 0);
            break;
        };
        push(&mut out, &rest[..start].replace("\\$", "$"), 0);
        for p in tex_pieces(&rest[body..end]) {
            push(&mut out, &p.text, p.shift);
        }
        rest = rest.get(end + delim..).unwrap_or("");
    }
    out
}

fn find_unescaped(s: &str, from: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    (from..bytes.len()).find(|&i| bytes[i] == b'$' && (i == 0 || bytes[i - 1] != b'\\'))
}

fn push(out: &mut Vec<Piece>, text: &str, shift: i8) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.shift == shift => last.text.push_str(text),
        _ => out.push(Piece {
            text: text.to_string(),
            shift,
        }),
    }
}

/// Reads a formula into pieces: commands become Unicode, braces go, `^` and `_` raise
/// and lower what follows (nested scripts stay at one level: labels, not typesetting).
fn tex_pieces(tex: &str) -> Vec<Piece> {
    let tokens = tokenize(tex);
    let mut out = Vec::new();
    let mut i = 0;
    read_group(&tokens, &mut i, 0, &mut out, false);
    out
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Cmd(String),
    Open,
    Close,
    Sup,
    Sub,
    Char(char),
}

fn tokenize(tex: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = tex.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let mut name = String::new();
                while let Some(&n) = chars.peek() {
                    if n.is_ascii_alphabetic() {
                        name.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if name.is_empty() {
                    if let Some(n) = chars.next() {
                        name.push(n);
                    }
                } else {
                    // TeX swallows the spaces after a control word.
                    while chars.next_if(|c| *c == ' ').is_some() {}
                }
                out.push(Tok::Cmd(name));
            }
            '{' => out.push(Tok::Open),
            '}' => out.push(Tok::Close),
            '^' => out.push(Tok::Sup),
            '_' => out.push(Tok::Sub),
            '~' => out.push(Tok::Char(' ')),
            _ => out.push(Tok::Char(c)),
        }
    }
    out
}

/// Reads tokens until the group closes (or, with `one`, after a single item).
fn read_group(toks: &[Tok], i: &mut usize, shift: i8, out: &mut Vec<Piece>, one: bool) {
    while *i < toks.len() {
        let tok = toks[*i].clone();
        *i += 1;
        match tok {
            Tok::Close => return,
            Tok::Open => read_group(toks, i, shift, out, false),
            Tok::Sup | Tok::Sub => {
                let s = if shift != 0 {
                    shift
                } else if tok == Tok::Sup {
                    1
                } else {
                    -1
                };
                read_group(toks, i, s, out, true);
            }
            Tok::Char(c) => {
                if !c.is_whitespace() || !out.last().is_some_and(|p| p.text.ends_with(' ')) {
                    push(out, &c.to_string(), shift);
                }
            }
            Tok::Cmd(name) => command(&name, toks, i, shift, out),
        }
        if one {
            return;
        }
    }
}

fn command(name: &str, toks: &[Tok], i: &mut usize, shift: i8, out: &mut Vec<Piece>) {
    // Commands whose argument is shown as it is.
    const KEEP_ARG: [&str; 17] = [
        "mathrm",
        "text",
        "textrm",
        "mathit",
        "textit",
        "mathbf",
        "textbf",
        "boldsymbol",
        "bm",
        "mathsf",
        "mathcal",
        "mathbb",
        "operatorname",
        "mbox",
        "hbox",
        "mathscr",
        "emph",
    ];
    let accent = match name {
        "bar" | "overline" => Some('\u{0304}'),
        "hat" | "widehat" => Some('\u{0302}'),
        "tilde" | "widetilde" => Some('\u{0303}'),
        "vec" => Some('\u{20D7}'),
        "dot" => Some('\u{0307}'),
        _ => None,
    };
    if KEEP_ARG.contains(&name) {
        read_group(toks, i, shift, out, true);
    } else if let Some(mark) = accent {
        let mut inner = Vec::new();
        read_group(toks, i, shift, &mut inner, true);
        for p in inner {
            let mut text = p.text;
            text.push(mark);
            push(out, &text, p.shift);
        }
    } else if name == "frac" || name == "dfrac" || name == "tfrac" {
        read_group(toks, i, shift, out, true);
        push(out, "/", shift);
        read_group(toks, i, shift, out, true);
    } else if name == "sqrt" {
        push(out, "√", shift);
        read_group(toks, i, shift, out, true);
    } else if let Some(s) = symbol(name) {
        push(out, s, shift);
    } else if name.chars().all(|c| c.is_ascii_alphabetic()) {
        // An unknown command: its name reads better than nothing.
        push(out, name, shift);
    } else {
        // `\,` `\;` `\!` `\ ` are spacing; `\%` `\_` `\{` and the like are the character.
        match name {
            "," | ";" | ":" | " " => push(out, " ", shift),
            "!" | "\\" => {}
            _ => push(out, name, shift),
        }
    }
}

fn symbol(name: &str) -> Option<&'static str> {
    const GREEK: [(&str, &str); 40] = [
        ("alpha", "α"),
        ("beta", "β"),
        ("gamma", "γ"),
        ("delta", "δ"),
        ("epsilon", "ϵ"),
        ("varepsilon", "ε"),
        ("zeta", "ζ"),
        ("eta", "η"),
        ("theta", "θ"),
        ("vartheta", "ϑ"),
        ("iota", "ι"),
        ("kappa", "κ"),
        ("lambda", "λ"),
        ("mu", "μ"),
        ("nu", "ν"),
        ("xi", "ξ"),
        ("pi", "π"),
        ("rho", "ρ"),
        ("sigma", "σ"),
        ("tau", "τ"),
        ("upsilon", "υ"),
        ("phi", "ϕ"),
        ("varphi", "φ"),
        ("chi", "χ"),
        ("psi", "ψ"),
        ("omega", "ω"),
        ("Gamma", "Γ"),
        ("Delta", "Δ"),
        ("Theta", "Θ"),
        ("Lambda", "Λ"),
        ("Xi", "Ξ"),
        ("Pi", "Π"),
        ("Sigma", "Σ"),
        ("Upsilon", "Υ"),
        ("Phi", "Φ"),
        ("Psi", "Ψ"),
        ("Omega", "Ω"),
        ("ell", "ℓ"),
        ("hbar", "ℏ"),
        ("partial", "∂"),
    ];
    const SYMBOLS: [(&str, &str); 44] = [
        ("to", "→"),
        ("rightarrow", "→"),
        ("Rightarrow", "⇒"),
        ("leftarrow", "←"),
        ("leftrightarrow", "↔"),
        ("pm", "±"),
        ("mp", "∓"),
        ("times", "×"),
        ("cdot", "·"),
        ("le", "≤"),
        ("leq", "≤"),
        ("ge", "≥"),
        ("geq", "≥"),
        ("neq", "≠"),
        ("ne", "≠"),
        ("ll", "≪"),
        ("gg", "≫"),
        ("sim", "∼"),
        ("simeq", "≃"),
        ("approx", "≈"),
        ("equiv", "≡"),
        ("propto", "∝"),
        ("infty", "∞"),
        ("prime", "′"),
        ("star", "⋆"),
        ("ast", "∗"),
        ("circ", "∘"),
        ("degree", "°"),
        ("langle", "⟨"),
        ("rangle", "⟩"),
        ("sum", "Σ"),
        ("prod", "Π"),
        ("int", "∫"),
        ("in", "∈"),
        ("nabla", "∇"),
        ("quad", " "),
        ("qquad", "  "),
        ("left", ""),
        ("right", ""),
        ("big", ""),
        ("Big", ""),
        ("displaystyle", ""),
        ("textstyle", ""),
        ("ldots", "…"),
    ];
    GREEK
        .iter()
        .chain(SYMBOLS.iter())
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
        .or_else(|| macro_text(name))
}

fn macro_text(name: &str) -> Option<&'static str> {
    match name {
        "GeV" => Some("GeV"),
        "TeV" => Some("TeV"),
        "MeV" => Some("MeV"),
        "pt" | "PT" => Some("pT"),
        "met" => Some("ETmiss"),
        "ifb" => Some("fb⁻¹"),
        "rts" => Some("√s"),
        _ => None,
    }
}

/// `text` in Unicode superscript or subscript letters, when every character has one.
fn scripted(text: &str, up: bool) -> Option<String> {
    const SUP: [(char, char); 19] = [
        ('0', '⁰'),
        ('1', '¹'),
        ('2', '²'),
        ('3', '³'),
        ('4', '⁴'),
        ('5', '⁵'),
        ('6', '⁶'),
        ('7', '⁷'),
        ('8', '⁸'),
        ('9', '⁹'),
        ('+', '⁺'),
        ('-', '⁻'),
        ('−', '⁻'),
        ('=', '⁼'),
        ('(', '⁽'),
        (')', '⁾'),
        ('n', 'ⁿ'),
        ('i', 'ⁱ'),
        ('*', '*'),
    ];
    const SUB: [(char, char); 15] = [
        ('0', '₀'),
        ('1', '₁'),
        ('2', '₂'),
        ('3', '₃'),
        ('4', '₄'),
        ('5', '₅'),
        ('6', '₆'),
        ('7', '₇'),
        ('8', '₈'),
        ('9', '₉'),
        ('+', '₊'),
        ('-', '₋'),
        ('=', '₌'),
        ('(', '₍'),
        (')', '₎'),
    ];
    let table: &[(char, char)] = if up { &SUP } else { &SUB };
    text.chars()
        .map(|c| table.iter().find(|(a, _)| *a == c).map(|(_, b)| *b))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_mathml() {
        let html = to_html(r"p_{T}^{j_1}", false);
        assert!(html.starts_with("<math>"), "{html}");
        assert!(
            html.contains("<msub") || html.contains("<msubsup"),
            "{html}"
        );
        assert!(
            html.contains("<annotation encoding=\"application/x-tex\">p_{T}^{j_1}</annotation>"),
            "{html}"
        );
        assert!(to_html(r"\sqrt{s} = 13\,\TeV", false).contains("<msqrt>"));
        assert!(to_html("x", true).contains("display=\"block\""));
        // HEPData's doubled braces are valid LaTeX.
        assert!(to_html(r"\mu^f_{{\mathrm{{ggF}}+ttH}}", false).starts_with("<math>"));
    }

    #[test]
    fn unknown_macros_fall_back_to_readable_source() {
        let html = to_html(r"\mycustommacro{x} < 1", false);
        assert_eq!(
            html,
            "<code class=\"tex\" title=\"LaTeX source\">$\\mycustommacro{x} &lt; 1$</code>"
        );
    }

    #[test]
    fn plain_text_reads_well() {
        assert_eq!(plain(r"$p_{T}^{\gamma}$ [GeV]"), "p_T^γ [GeV]");
        assert_eq!(plain(r"$\sqrt{s}=13$ TeV"), "√s=13 TeV");
        assert_eq!(plain(r"$E_{T}^{miss}$"), "E_T^(miss)");
        assert_eq!(plain(r"$m_{jj}$ and $x^{2}$"), "m_(jj) and x²");
        assert_eq!(
            plain(r"$\mathrm{d}\sigma/\mathrm{d}p_{T,1}$"),
            "dσ/dp_(T,1)"
        );
        assert_eq!(plain(r"$\bar{t}$"), "t\u{304}");
        assert_eq!(plain("costs 5 $ only"), "costs 5 $ only");
        assert_eq!(
            plain(r"$p p\to H (\to ZZ^*\to 4\ell)\,X$"),
            "p p→H (→ZZ*→4ℓ) X"
        );
    }

    #[test]
    fn pieces_mark_scripts() {
        let p = pieces(r"$p_{T}$ [GeV]");
        assert_eq!(
            p,
            vec![
                Piece {
                    text: "p".into(),
                    shift: 0
                },
                Piece {
                    text: "T".into(),
                    shift: -1
                },
                Piece {
                    text: " [GeV]".into(),
                    shift: 0
                },
            ]
        );
    }
}
