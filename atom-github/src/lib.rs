//! atom-github (in progress)
