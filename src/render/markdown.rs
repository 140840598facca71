//! Markdown descriptions -> safe HTML, with `$...$` math kept away from Markdown.

use pulldown_cmark::{Options, Parser, html};

use super::math;

/// Renders Markdown to HTML and sanitises it: no raw HTML element, attribute or URL
/// scheme that could run script reaches a page.
///
/// LaTeX between `$` signs is cut out before Markdown sees it (Markdown would read
/// `p_{T}$ and $x_` as emphasis and eat backslashes), given to the math renderer byte for
/// byte, and its MathML put back after sanitising (the sanitiser knows no MathML).
pub fn to_html(text: &str) -> String {
    let (masked, spans) = mask_math(text);
    let mut raw = String::with_capacity(masked.len() * 2);
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    html::push_html(&mut raw, Parser::new_ext(&masked, options));
    unmask(sanitize(&raw), &spans)
}

/// Plain text (names, headers, qualifiers) as HTML: escaped, with its math rendered.
pub fn inline(text: &str) -> String {
    let (masked, spans) = mask_math(text);
    unmask(escape(&masked), &spans)
}

/// Puts each formula, rendered, where its placeholder is.
fn unmask(mut html: String, spans: &[String]) -> String {
    for (i, span) in spans.iter().enumerate().rev() {
        html = html.replace(&placeholder(i), &render_span(span));
    }
    html
}

/// `$...$` or `$$...$$`, dollars included, as MathML.
fn render_span(span: &str) -> String {
    match span.strip_prefix("$$").and_then(|s| s.strip_suffix("$$")) {
        Some(tex) => math::to_html(tex, true),
        None => math::to_html(&span[1..span.len() - 1], false),
    }
}

fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener nofollow"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(html)
        .to_string()
}

/// Escapes text for HTML or XML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            // Control characters and the two non-characters are invalid in HTML and in
            // XML 1.0 alike (DataCite XML uses this function too): dropped.
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A token Markdown leaves alone and that cannot occur in real text.
fn placeholder(i: usize) -> String {
    format!("\u{e000}M{i}\u{e001}")
}

/// Replaces each `$...$` (and `$$...$$`) with a placeholder; returns the masked text and
/// the math, dollars included. An unpaired `$` (a price, "5 $") stays as it is, and
/// `\$` is an escaped dollar, not a delimiter.
fn mask_math(text: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut spans = Vec::new();
    let mut rest = text;
    while let Some(start) = find_dollar(rest) {
        let delim = if rest[start..].starts_with("$$") {
            "$$"
        } else {
            "$"
        };
        let body_start = start + delim.len();
        let Some(len) = find_closing(&rest[body_start..], delim) else {
            break;
        };
        let end = body_start + len + delim.len();
        out.push_str(&rest[..start]);
        out.push_str(&placeholder(spans.len()));
        spans.push(rest[start..end].to_string());
        rest = &rest[end..];
    }
    out.push_str(rest);
    (out, spans)
}

fn find_dollar(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    (0..bytes.len()).find(|&i| bytes[i] == b'$' && (i == 0 || bytes[i - 1] != b'\\'))
}

fn find_closing(s: &str, delim: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find(delim) {
        let at = from + i;
        if at > 0 && s.as_bytes()[at - 1] == b'\\' {
            from = at + 1;
            continue;
        }
        return (at > 0).then_some(at);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn math_survives_markdown() {
        let html = to_html("The $p_{T}^{\\gamma}$ and $x_{1}$ spectra *here*.");
        assert!(html.contains(">p_{T}^{\\gamma}</annotation>"), "{html}");
        assert!(html.contains(">x_{1}</annotation>"), "{html}");
        assert_eq!(html.matches("<math>").count(), 2, "{html}");
        assert!(html.contains("<em>here</em>"));
    }

    #[test]
    fn script_never_reaches_the_page() {
        let html = to_html(
            "hi <script>alert(1)</script> <img src=x onerror=alert(1)> [a](javascript:alert(1))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn math_cannot_smuggle_html() {
        let html = to_html("$<script>x</script>$");
        assert!(!html.contains("<script"), "{html}");
        let html = inline("$a<b$ & c <b>");
        assert!(html.contains("<mo>&lt;</mo>"), "{html}");
        assert!(html.ends_with(" &amp; c &lt;b&gt;"), "{html}");
    }

    #[test]
    fn lone_dollars_stay() {
        assert_eq!(mask_math("costs 5 $ only").1.len(), 0);
        assert_eq!(mask_math(r"\$5 and $x$").1, vec!["$x$".to_string()]);
        assert_eq!(mask_math("$$E=mc^2$$").1, vec!["$$E=mc^2$$".to_string()]);
    }
}
