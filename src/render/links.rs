//! The site's URL scheme (DESIGN.md): every page and file's path, and every DOI.
//!
//! Paths are built from record ids (checked: `[a-z0-9-]`), version and table numbers only,
//! never from table names, so names with `/`, `%` or non-ASCII letters cannot break a link
//! or collide with another table's. File names of resources are percent-encoded once.

use crate::config::Config;

/// `/record/<id>/`: the record, whatever its version.
pub fn record(id: &str) -> String {
    format!("/record/{id}/")
}

/// `/record/<id>/v<n>/`.
pub fn version(id: &str, n: u32) -> String {
    format!("/record/{id}/v{n}/")
}

/// `/record/<id>/v<n>/t<k>/`, `k` 1-based.
pub fn table(id: &str, n: u32, k: usize) -> String {
    format!("/record/{id}/v{n}/t{k}/")
}

/// `/record/<id>/v<n>/r<k>/`, `k` 1-based over local resources.
pub fn resource(id: &str, n: u32, k: usize) -> String {
    format!("/record/{id}/v{n}/r{k}/")
}

/// `/record/<id>/v<n>/t<k>/rows/<p>/`: page `p` (2 and up) of a long table's rows; page 1
/// is the table's own page.
pub fn table_rows(id: &str, n: u32, k: usize, p: usize) -> String {
    if p <= 1 {
        return table(id, n, k);
    }
    format!("/record/{id}/v{n}/t{k}/rows/{p}/")
}

/// `<id>-v<n>.tar.gz` (the submission as submitted, `format` `None`) or
/// `<id>-v<n>-<format>.tar.gz` (every table in one format), in the version's folder.
pub fn version_archive(id: &str, n: u32, format: Option<&str>) -> String {
    match format {
        Some(f) => format!("{id}-v{n}-{f}.tar.gz"),
        None => format!("{id}-v{n}.tar.gz"),
    }
}

/// `<id>-v<n>-t<k>.<ext>`: a table download's file name.
pub fn table_file(id: &str, n: u32, k: usize, ext: &str) -> String {
    format!("{id}-v{n}-t{k}.{ext}")
}

/// The URL path of a resource file: its landing folder plus the encoded file name.
pub fn resource_file(id: &str, n: u32, k: usize, name: &str) -> String {
    format!("{}{}", resource(id, n, k), encode_segment(name))
}

/// Percent-encodes one path segment (RFC 3986 unreserved characters stay).
pub fn encode_segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The DOIs of DESIGN.md, from `hepstatic.toml`'s prefix and namespace.
pub struct Dois<'c> {
    config: &'c Config,
}

impl<'c> Dois<'c> {
    pub fn new(config: &'c Config) -> Self {
        Dois { config }
    }

    pub fn record(&self, id: &str) -> String {
        self.config.doi(id)
    }

    pub fn version(&self, id: &str, n: u32) -> String {
        format!("{}.v{n}", self.config.doi(id))
    }

    pub fn table(&self, id: &str, n: u32, k: usize) -> String {
        format!("{}.v{n}/t{k}", self.config.doi(id))
    }

    pub fn resource(&self, id: &str, n: u32, k: usize) -> String {
        format!("{}.v{n}/r{k}", self.config.doi(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme() {
        assert_eq!(table("ins1", 2, 3), "/record/ins1/v2/t3/");
        assert_eq!(table_file("ins1", 2, 3, "csv"), "ins1-v2-t3.csv");
        assert_eq!(table_rows("ins1", 2, 3, 1), "/record/ins1/v2/t3/");
        assert_eq!(table_rows("ins1", 2, 3, 4), "/record/ins1/v2/t3/rows/4/");
        assert_eq!(version_archive("ins1", 2, None), "ins1-v2.tar.gz");
        assert_eq!(
            version_archive("ins1", 2, Some("yoda")),
            "ins1-v2-yoda.tar.gz"
        );
        assert_eq!(
            resource_file("x", 1, 1, "figure_7_(2ph) a%.root"),
            "/record/x/v1/r1/figure_7_%282ph%29%20a%25.root"
        );
        let config = Config::default();
        let dois = Dois::new(&config);
        assert_eq!(dois.table("ins1", 1, 4), "10.5072/hepstatic.ins1.v1/t4");
        assert_eq!(dois.resource("ins1", 1, 2), "10.5072/hepstatic.ins1.v1/r2");
    }
}
