//! Render: the record model -> pages and downloads.

pub mod formats;
pub mod links;
pub mod markdown;
pub mod number;
pub mod pages;
pub mod view;
