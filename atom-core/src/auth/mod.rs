//! Credentials: static keys, OAuth 2.0 flows, token storage and the token manager.

pub mod credentials;
pub(crate) mod file_io;
pub mod file_store;
pub mod manager;
pub mod oauth;
pub mod store;
pub mod token;
mod token_endpoint;
