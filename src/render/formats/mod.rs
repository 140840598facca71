//! Table downloads: CSV, JSON, YAML (and YODA), written from the record model.
