//! What stops a sync run.

use std::fmt;

use super::Crashed;

/// A run stopped: by a provider or configuration error, or by a simulated crash.
#[derive(Debug)]
#[non_exhaustive]
pub enum SyncError {
    /// A provider call, the checkpoint store or the configuration failed.
    Api(atom_core::Error),
    /// A test stopped the run at a step.
    Crashed(Crashed),
}

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(e) => write!(f, "{e}"),
            Self::Crashed(c) => write!(f, "{c}"),
        }
    }
}

impl std::error::Error for SyncError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Api(e) => Some(e),
            Self::Crashed(c) => Some(c),
        }
    }
}

impl From<atom_core::Error> for SyncError {
    fn from(e: atom_core::Error) -> Self {
        Self::Api(e)
    }
}

impl From<Crashed> for SyncError {
    fn from(c: Crashed) -> Self {
        Self::Crashed(c)
    }
}

impl SyncError {
    /// The error kind, for a provider or configuration error.
    pub fn kind(&self) -> Option<atom_core::ErrorKind> {
        self.api().map(atom_core::Error::kind)
    }

    /// The provider error, if the run did not stop at a simulated crash.
    pub fn api(&self) -> Option<&atom_core::Error> {
        match self {
            Self::Api(e) => Some(e),
            Self::Crashed(_) => None,
        }
    }
}
