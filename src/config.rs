//! `hepstatic.toml`: site, DOI and checker settings.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::load::Options;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub site: SiteConfig,
    pub doi: DoiConfig,
    pub check: CheckConfig,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    pub title: String,
    /// Absolute URL the site is served from, ending in `/`.
    pub base_url: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DoiConfig {
    pub prefix: String,
    pub namespace: String,
    pub publisher: String,
    pub endpoint: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    pub schema_version: String,
    pub max_data_file_mib: f64,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "hepstatic".to_string(),
            base_url: "http://localhost:8000/".to_string(),
        }
    }
}

impl Default for DoiConfig {
    fn default() -> Self {
        DoiConfig {
            prefix: "10.5072".to_string(),
            namespace: "hepstatic".to_string(),
            publisher: "hepstatic".to_string(),
            endpoint: "https://api.test.datacite.org".to_string(),
        }
    }
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            schema_version: "1.1.1".to_string(),
            max_data_file_mib: 10.0,
        }
    }
}

impl Config {
    /// Reads `path`; a missing file gives the defaults.
    ///
    /// # Errors
    /// When the file exists but cannot be read or is not valid settings.
    pub fn load(path: &Path) -> Result<Config> {
        if !path.exists() {
            return Ok(Config::default());
        }
        let text =
            fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut config: Config = toml::from_str(&text)
            .with_context(|| format!("{} is not valid settings", path.display()))?;
        config
            .check
            .schema_version
            .parse::<crate::model::SchemaVersion>()
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("{}: [check] schema_version", path.display()))?;
        if !config.site.base_url.ends_with('/') {
            config.site.base_url.push('/');
        }
        Ok(config)
    }

    pub fn load_options(&self) -> Options {
        Options {
            max_data_file_bytes: (self.check.max_data_file_mib * 1024.0 * 1024.0) as u64,
            // Validated by `Config::load`; defaults only for a hand-built Config.
            schema_version: self.check.schema_version.parse().unwrap_or_default(),
        }
    }

    /// `prefix/namespace.<id>` and longer forms, as DESIGN.md fixes them.
    pub fn doi(&self, id: &str) -> String {
        format!("{}/{}.{}", self.doi.prefix, self.doi.namespace, id)
    }
}
