//! The org's limits (`GET /limits`), also used by `Connector::health`.
//!
//! ```no_run
//! # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
//! let limits = client.limits().get().await?;
//! if let Some(api) = limits.daily_api_requests() {
//!     println!("{} of {} API calls left today", api.remaining, api.max);
//! }
//! # Ok(()) }
//! ```

use atom_core::{Request, Result};

use crate::Client;
use crate::models::Limits;

/// The `limits` resource; from [`Client::limits`].
#[derive(Debug, Clone)]
pub struct LimitsResource {
    client: Client,
}

impl Client {
    /// The `limits` resource.
    pub fn limits(&self) -> LimitsResource {
        LimitsResource {
            client: self.clone(),
        }
    }
}

impl LimitsResource {
    pub(crate) fn request(&self) -> Request {
        Request::get(self.client.data_path("/limits"))
            .operation("limits.get")
            .path_template("/services/data/vXX.X/limits")
    }

    /// Every limit with its maximum and what remains.
    pub async fn get(&self) -> Result<Limits> {
        self.client.send(self.request()).await?.json()
    }
}
