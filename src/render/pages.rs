//! HTML pages from the theme's minijinja templates.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use minijinja::value::Serde;
use minijinja::{Environment, Value};
use serde::Serialize;

use super::markdown::escape;

/// The theme: templates to render pages with, and static files to copy.
pub struct Theme {
    env: Environment<'static>,
    pub static_dir: PathBuf,
}

/// Site-wide values every page sees as `site`.
#[derive(Serialize)]
pub struct SiteView {
    pub title: String,
    pub base_url: String,
}

impl Theme {
    /// Loads every `*.html` under `<dir>/templates`.
    ///
    /// # Errors
    /// When the folder cannot be read or a template does not parse.
    pub fn load(dir: &Path) -> Result<Theme> {
        let templates = dir.join("templates");
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        // minijinja's own HTML escaping also rewrites `/` as `&#x2f;`, which bloats every
        // link; escaping the five characters that matter in text and quoted attributes is
        // enough. Values marked safe (already sanitised HTML) pass through.
        env.set_formatter(|out, _state, value| {
            if value.is_undefined() || value.is_none() {
                return Ok(());
            }
            if value.is_safe() {
                return out
                    .write_str(value.as_str().unwrap_or_default())
                    .map_err(minijinja::Error::from);
            }
            out.write_str(&escape(&value.to_string()))
                .map_err(minijinja::Error::from)
        });
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        let entries = fs::read_dir(&templates).with_context(|| {
            format!(
                "cannot read the theme's templates in {}",
                templates.display()
            )
        })?;
        let mut names: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        names.sort();
        for path in names
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
        {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let source = fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            env.add_template_owned(name, source)
                .with_context(|| format!("template {} does not parse", path.display()))?;
        }
        Ok(Theme {
            env,
            static_dir: dir.join("static"),
        })
    }

    /// Renders template `name` with `page` as `page` and the site as `site`.
    ///
    /// # Errors
    /// When the template is missing or fails (an undefined value, say).
    pub fn render<T: Serialize>(&self, name: &str, site: &SiteView, page: &T) -> Result<String> {
        let template = self
            .env
            .get_template(name)
            .with_context(|| format!("the theme has no template {name}"))?;
        let ctx = minijinja::context! { site => Value::from(Serde(site)), page => Value::from(Serde(page)) };
        template
            .render(ctx)
            .with_context(|| format!("rendering {name} failed"))
    }
}
