//! `citation.bib`: one BibTeX entry per landing page.

use super::{Metadata, Target};

/// A `@misc` entry citing the DOI of `m`; the key is `<namespace>:<id>[.v<n>[/t<k>|/r<k>]]`
/// with `/` written as `.`, so that keys stay plain.
pub fn entry(m: &Metadata, namespace: &str, id: &str) -> String {
    let key = match m.target {
        Target::Record => format!("{namespace}:{id}"),
        Target::Version(n) => format!("{namespace}:{id}.v{n}"),
        Target::Table(n, k) => format!("{namespace}:{id}.v{n}.t{k}"),
        Target::Resource(n, k) => format!("{namespace}:{id}.v{n}.r{k}"),
    };
    let author = m
        .creators
        .iter()
        .map(|c| {
            if c.organisation {
                // Braces keep BibTeX from splitting "ATLAS Collaboration" into names.
                format!("{{{}}}", field(&c.name))
            } else {
                field(&c.name)
            }
        })
        .collect::<Vec<_>>()
        .join(" and ");
    let mut fields = vec![
        ("author", author),
        ("title", format!("{{{}}}", field(&m.title))),
        ("publisher", field(&m.publisher)),
        ("year", m.year.to_string()),
    ];
    let note = match m.target {
        Target::Record => None,
        Target::Version(n) => Some(format!("Version {n}")),
        Target::Table(n, k) => Some(format!("Version {n}, table {k}")),
        Target::Resource(n, k) => Some(format!("Version {n}, resource {k}")),
    };
    if let Some(note) = note {
        fields.push(("note", note));
    }
    fields.push(("doi", m.doi.clone()));
    fields.push(("url", format!("https://doi.org/{}", m.doi)));
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("  {k:<9} = {{{v}}}"))
        .collect();
    format!("@misc{{{key},\n{}\n}}\n", body.join(",\n"))
}

/// A field's text inside `{...}`: unbalanced braces would end the field early, so they go;
/// LaTeX such as `$\sqrt{s}$` stays as written.
fn field(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut depth = 0i32;
    let balanced = text.chars().all(|c| {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        depth >= 0
    }) && depth == 0;
    if balanced {
        text
    } else {
        text.replace(['{', '}'], "")
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn braces() {
        assert_eq!(field("$\\sqrt{s}$ = 13"), "$\\sqrt{s}$ = 13");
        assert_eq!(field("a } b {"), "a  b ");
        assert_eq!(field("two\n  lines"), "two lines");
    }
}
