//! HEPData schema versions: which set of submission rules a record follows.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A version of HEPData's submission and data schemas, oldest first, so versions compare
/// with `<` and `>=` in the order the rules were introduced.
///
/// What changed, as far as the checker is concerned:
/// - `0.1.0`: loose documents (any extra keys, free keyword names), no checks on values.
/// - `1.0.0`: closed table documents, keyword names from a fixed list, `cmenergies` must
///   be a number or a range, uncertainties checked (not empty, not all zero), equal row
///   counts.
/// - `1.0.1`: tables may name a custom `data_schema` and carry their `table_doi`.
/// - `1.1.0`: resources need a description, bins need both edges, at most one open bin per
///   side, no text ranges; duplicate names and data files, files referenced by nothing and
///   data files over the size limit are errors.
/// - `1.1.1`: `related_to_hepdata_records` and `related_to_table_dois`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum SchemaVersion {
    #[serde(rename = "0.1.0")]
    V0_1_0,
    #[serde(rename = "1.0.0")]
    V1_0_0,
    #[serde(rename = "1.0.1")]
    V1_0_1,
    #[serde(rename = "1.1.0")]
    V1_1_0,
    /// The latest, and the default for records that declare none.
    #[default]
    #[serde(rename = "1.1.1")]
    V1_1_1,
}

impl SchemaVersion {
    /// Every version, oldest first.
    pub const ALL: [SchemaVersion; 5] = [
        SchemaVersion::V0_1_0,
        SchemaVersion::V1_0_0,
        SchemaVersion::V1_0_1,
        SchemaVersion::V1_1_0,
        SchemaVersion::V1_1_1,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SchemaVersion::V0_1_0 => "0.1.0",
            SchemaVersion::V1_0_0 => "1.0.0",
            SchemaVersion::V1_0_1 => "1.0.1",
            SchemaVersion::V1_1_0 => "1.1.0",
            SchemaVersion::V1_1_1 => "1.1.1",
        }
    }

    /// Version 0.x: the schema of records converted from the old HepData site.
    pub fn is_v0(self) -> bool {
        self == SchemaVersion::V0_1_0
    }
}

impl fmt::Display for SchemaVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SchemaVersion {
    type Err = String;

    /// Parses `"1.1.1"` and the other known versions.
    ///
    /// # Errors
    /// When the text names no version hepstatic knows; the message lists the known ones.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        SchemaVersion::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = SchemaVersion::ALL.iter().map(|v| v.as_str()).collect();
                format!(
                    "unknown HEPData schema version \"{s}\"; known versions: {}",
                    known.join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::SchemaVersion;

    #[test]
    fn parses_orders_and_prints() {
        assert_eq!("1.0.1".parse::<SchemaVersion>(), Ok(SchemaVersion::V1_0_1));
        assert!(
            "2.0.0"
                .parse::<SchemaVersion>()
                .unwrap_err()
                .contains("1.1.1")
        );
        assert!(SchemaVersion::V0_1_0 < SchemaVersion::V1_1_0);
        assert_eq!(SchemaVersion::default().to_string(), "1.1.1");
    }
}
