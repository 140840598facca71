//! `hepstatic nginx-config`: an nginx server block for the built site, with Accept
//! negotiation on resource landing URLs (the file for scripts, the page for browsers).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::config::Config;
use crate::load::load;
use crate::model::Record;
use crate::render::links;

use super::{EXIT_OK, EXIT_PROBLEMS};

/// What the server block says.
#[derive(Clone, Debug)]
pub struct Options {
    /// The folder holding records/.
    pub root: PathBuf,
    /// The folder nginx serves (the site, or the web root the hooks build into).
    pub site: PathBuf,
    /// `listen` (default 80).
    pub listen: String,
    /// `server_name` (default: the host of `base_url`).
    pub server_name: Option<String>,
}

/// Prints the server block for the records under `root`.
///
/// # Errors
/// When the records cannot be read.
pub fn run(config: &Config, options: &Options) -> Result<i32> {
    let records_dir = options.root.join("records");
    let loaded = load(&records_dir, &config.load_options()).map_err(anyhow::Error::msg)?;
    if loaded.diagnostics.iter().any(|d| d.is_error()) {
        eprintln!("nginx-config: the records have errors; run `hepstatic check` first");
        return Ok(EXIT_PROBLEMS);
    }
    let records: Vec<Record> = loaded.records().cloned().collect();
    let site = if options.site.is_absolute() {
        options.site.clone()
    } else {
        std::env::current_dir()?.join(&options.site)
    };
    print!("{}", server_block(config, &records, options, &site));
    Ok(EXIT_OK)
}

/// The text of the server block: two `map`s (http level) and the `server`.
pub fn server_block(config: &Config, records: &[Record], options: &Options, site: &Path) -> String {
    let server_name = options
        .server_name
        .clone()
        .unwrap_or_else(|| host(&config.site.base_url));
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# nginx configuration for {}, written by `hepstatic nginx-config`.\n\
         # Include it in nginx's http context (e.g. as /etc/nginx/conf.d/hepstatic.conf) and\n\
         # write it again when resources are added: the map below lists every resource file.\n\
         # Keep it out of the site folder, which is public.\n",
        one_line(&config.site.title)
    );
    t.push_str(
        "# Browsers ask for HTML; curl, wget and scripts send `*/*` or a data type.\n\
         map $http_accept $hepstatic_accept {\n    default file;\n    \"~*text/html\" html;\n    \"~*application/xhtml\\+xml\" html;\n}\n\n",
    );
    t.push_str(
        "# Resource landing URL -> the resource file, for requests that do not ask for HTML.\n\
         map \"$hepstatic_accept:$uri\" $hepstatic_resource {\n    default \"\";\n",
    );
    let mut skipped = Vec::new();
    for r in records {
        for v in &r.versions {
            for (i, res) in v.submission.local_resources().enumerate() {
                let landing = links::resource(&r.id, v.number, i + 1);
                // nginx reads `$` as a variable and has no escape for it in a map value;
                // such names keep the landing page only.
                let file = format!("{landing}{}", res.file_name());
                if file.contains(['$', '"', '\\', '\n', '\r', '{', '}', ';']) {
                    skipped.push(landing);
                    continue;
                }
                let _ = writeln!(t, "    \"file:{landing}\" \"{file}\";");
            }
        }
    }
    t.push_str("}\n\n");
    for landing in &skipped {
        let _ = writeln!(
            t,
            "# {landing}: its file name cannot be written here; HTML only"
        );
    }
    let _ = write!(
        t,
        "server {{\n    listen {listen};\n    server_name {server_name};\n    root {root};\n    index index.html;\n    charset utf-8;\n\
         \n    # Folders starting with a dot are a build in progress, never the site.\n    location ~ /\\. {{\n        return 404;\n    }}\n\
         \n    # A resource's landing URL (what its DOI names besides the file): the file for\n    # `*/*`, the landing page for browsers.\n    location ~ \"^/record/[a-z0-9-]+/v[0-9]+/r[0-9]+/$\" {{\n        add_header Vary Accept always;\n        try_files $hepstatic_resource ${{uri}}index.html =404;\n    }}\n\
         \n    location ~ \"\\.(yaml|yoda)$\" {{\n        types {{ }}\n        default_type text/plain;\n        charset utf-8;\n    }}\n\
         \n    location / {{\n        try_files $uri $uri/ =404;\n    }}\n}}\n",
        listen = options.listen,
        root = nginx_word(&site.to_string_lossy()),
    );
    t
}

/// The host of an absolute URL, or `_` (any name).
fn host(url: &str) -> String {
    url.split_once("://")
        .map(|(_, rest)| rest.split(['/', ':']).next().unwrap_or("").to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "_".to_string())
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A path as one nginx word, quoted when it holds spaces.
fn nginx_word(text: &str) -> String {
    if text.contains([' ', ';', '{', '}', '#', '"', '\'']) {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        text.to_string()
    }
}
