//! Placeholder: the export benchmark (filled in later).
fn main() {}
