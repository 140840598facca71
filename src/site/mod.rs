//! Site: write rendered pages and files to the output folder.
