//! Render: the record model -> pages and downloads.

pub mod formats;
pub mod links;
pub mod markdown;
pub mod math;
pub mod number;
pub mod pages;
pub mod plot;
pub mod search;
pub mod view;
