//! DataCite Metadata Schema 4.6 XML (`datacite.xml` beside each landing page, and the
//! metadata sent when a DOI is registered).

use std::fmt::Write as _;

use super::Metadata;

const NAMESPACE: &str = "http://datacite.org/schema/kernel-4";
const SCHEMA: &str = "https://schema.datacite.org/meta/kernel-4.6/metadata.xsd";

/// The DataCite XML document of one DOI.
pub fn to_xml(m: &Metadata) -> String {
    let mut x = String::new();
    let _ = writeln!(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        x,
        "<resource xmlns=\"{NAMESPACE}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"{NAMESPACE} {SCHEMA}\">"
    );
    let _ = writeln!(
        x,
        "  <identifier identifierType=\"DOI\">{}</identifier>",
        esc(&m.doi)
    );

    x.push_str("  <creators>\n");
    for c in &m.creators {
        if c.organisation {
            let _ = writeln!(
                x,
                "    <creator>\n      <creatorName nameType=\"Organizational\">{}</creatorName>\n    </creator>",
                esc(&c.name)
            );
        } else {
            let _ = write!(
                x,
                "    <creator>\n      <creatorName nameType=\"Personal\">{}</creatorName>\n",
                esc(&c.name)
            );
            // "Family, Given" is how HEPData and INSPIRE write authors.
            if let Some((family, given)) = c.name.split_once(", ") {
                let _ = write!(
                    x,
                    "      <givenName>{}</givenName>\n      <familyName>{}</familyName>\n",
                    esc(given),
                    esc(family)
                );
            }
            x.push_str("    </creator>\n");
        }
    }
    x.push_str("  </creators>\n");

    let _ = writeln!(
        x,
        "  <titles>\n    <title xml:lang=\"en\">{}</title>\n  </titles>",
        esc(&m.title)
    );
    let _ = writeln!(x, "  <publisher>{}</publisher>", esc(&m.publisher));
    let _ = writeln!(x, "  <publicationYear>{:04}</publicationYear>", m.year);
    let _ = writeln!(
        x,
        "  <resourceType resourceTypeGeneral=\"{}\">{}</resourceType>",
        m.type_general,
        esc(&m.type_text)
    );

    if !m.subjects.is_empty() {
        x.push_str("  <subjects>\n");
        for (scheme, term) in &m.subjects {
            match scheme {
                Some(s) => {
                    let _ = writeln!(
                        x,
                        "    <subject subjectScheme=\"{}\">{}</subject>",
                        esc(s),
                        esc(term)
                    );
                }
                None => {
                    let _ = writeln!(x, "    <subject>{}</subject>", esc(term));
                }
            }
        }
        x.push_str("  </subjects>\n");
    }
    if let Some(date) = &m.issued {
        let _ = writeln!(
            x,
            "  <dates>\n    <date dateType=\"Issued\">{}</date>\n  </dates>",
            esc(date)
        );
    }
    x.push_str("  <language>en</language>\n");
    let _ = writeln!(
        x,
        "  <alternateIdentifiers>\n    <alternateIdentifier alternateIdentifierType=\"URL\">{}</alternateIdentifier>\n  </alternateIdentifiers>",
        esc(&m.landing_url)
    );
    if !m.related.is_empty() {
        x.push_str("  <relatedIdentifiers>\n");
        for r in &m.related {
            let _ = writeln!(
                x,
                "    <relatedIdentifier relatedIdentifierType=\"{}\" relationType=\"{}\">{}</relatedIdentifier>",
                r.kind,
                r.relation,
                esc(&r.id)
            );
        }
        x.push_str("  </relatedIdentifiers>\n");
    }
    list(&mut x, "sizes", "size", &m.sizes);
    let formats: Vec<String> = m.formats.iter().map(|f| f.to_string()).collect();
    list(&mut x, "formats", "format", &formats);
    if let Some(v) = m.version {
        let _ = writeln!(x, "  <version>{v}</version>");
    }

    let r = &m.rights;
    let mut attrs = String::new();
    if let Some(url) = &r.url {
        let _ = write!(attrs, " rightsURI=\"{}\"", esc(url));
    }
    if let Some(spdx) = r.spdx {
        let _ = write!(
            attrs,
            " rightsIdentifier=\"{spdx}\" rightsIdentifierScheme=\"SPDX\" schemeURI=\"https://spdx.org/licenses/\""
        );
    }
    let _ = writeln!(
        x,
        "  <rightsList>\n    <rights xml:lang=\"en\"{attrs}>{}</rights>\n  </rightsList>",
        esc(&r.name)
    );

    if !m.descriptions.is_empty() {
        x.push_str("  <descriptions>\n");
        for (kind, text) in &m.descriptions {
            let _ = writeln!(
                x,
                "    <description xml:lang=\"en\" descriptionType=\"{kind}\">{}</description>",
                esc(text.trim())
            );
        }
        x.push_str("  </descriptions>\n");
    }
    x.push_str("</resource>\n");
    x
}

fn list(x: &mut String, outer: &str, inner: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(x, "  <{outer}>");
    for i in items {
        let _ = writeln!(x, "    <{inner}>{}</{inner}>", esc(i));
    }
    let _ = writeln!(x, "  </{outer}>");
}

/// Escapes text for XML content and attributes, dropping characters XML 1.0 cannot hold
/// (control characters other than tab and line breaks).
pub fn esc(text: &str) -> String {
    crate::render::markdown::escape(text)
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes() {
        assert_eq!(esc("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
