//! atom-stripe (in progress)
