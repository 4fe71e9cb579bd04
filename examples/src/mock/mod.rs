//! Local mock servers that keep state, for the sync programs' tour legs and tests.
//!
//! Each is a [`wiremock::Respond`] over shared state: what a program writes is there for the
//! next request and for a rerun after a simulated crash, and the test compares the final
//! state. Each can answer a storm of 429s or 5xxs for a stretch of requests
//! ([`Storm`]), and counts the requests it served by operation.

pub mod salesforce;
pub mod storm;
pub mod stripe;
pub mod zendesk;

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Respond};

pub use salesforce::SalesforceMock;
pub use storm::Storm;
pub use stripe::StripeMock;
pub use zendesk::{TicketSpec, ZendeskMock};

/// Starts a local server that answers every request with `mock` (which keeps its state).
pub async fn serve<R: Respond + 'static>(mock: R) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(mock).mount(&server).await;
    server
}
