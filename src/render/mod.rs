//! Render: the record model -> pages and downloads.

pub mod formats;
