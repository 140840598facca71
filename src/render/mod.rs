//! Render: the record model -> pages and downloads.
