//! atom examples
