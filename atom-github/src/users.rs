//! The authenticated user.

use atom_core::{Request, Result};

use crate::client::Client;
use crate::models::PrivateUser;

impl Client {
    /// `GET /user`: the account the credentials act for (not available to installation
    /// tokens, which act for an app).
    pub async fn current_user(&self) -> Result<PrivateUser> {
        self.send_json(
            Request::get("/user")
                .operation("users.get_authenticated")
                .path_template("/user"),
        )
        .await
    }
}
