//! The batch-upsert benchmark (written below).
fn main() {}
