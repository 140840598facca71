//! hepstatic: HEPData records in, a static, DOI-citable site out.
//!
//! The stages, in order: `load` reads the records tree into the `model`; `check` runs
//! the rules over the model and returns diagnostics; `render` turns records into pages
//! and downloads; `site` writes them out. `cmd` holds one function per subcommand.

pub mod archive;
pub mod bdt;
pub mod check;
pub mod cmd;
pub mod config;
pub mod doi;
pub mod hook;
pub mod likelihood;
pub mod load;
pub mod model;
pub mod publish;
pub mod render;
pub mod resource;
pub mod site;
