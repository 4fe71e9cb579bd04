//! Ticket fields and custom statuses, so custom fields can be set by name.

use std::collections::HashMap;

use atom_core::{Checkpoint, Paginator, Request, Result};
use futures::TryStreamExt as _;

use crate::client::Client;
use crate::models::{CustomStatus, TicketField};
use crate::pagination::{Scheme, cursor_first, paginate};

/// The account's ticket fields.
#[derive(Debug, Clone)]
pub struct TicketFields {
    client: Client,
}

/// The account's custom ticket statuses.
#[derive(Debug, Clone)]
pub struct CustomStatuses {
    client: Client,
}

impl Client {
    /// The ticket fields handler.
    pub fn ticket_fields(&self) -> TicketFields {
        TicketFields {
            client: self.clone(),
        }
    }

    /// The custom statuses handler.
    pub fn custom_statuses(&self) -> CustomStatuses {
        CustomStatuses {
            client: self.clone(),
        }
    }
}

impl TicketFields {
    /// `GET /api/v2/ticket_fields` (cursor paging).
    pub fn list(&self) -> Paginator<TicketField> {
        self.list_from(Checkpoint::default())
    }

    /// [`list`](Self::list) from a checkpoint.
    pub fn list_from(&self, from: Checkpoint) -> Paginator<TicketField> {
        let request = cursor_first(
            Request::get("/api/v2/ticket_fields")
                .operation("ticket_fields.list")
                .path_template("/api/v2/ticket_fields"),
            None,
        );
        paginate(
            &self.client,
            Ok(request),
            "ticket_fields",
            Scheme::Cursor,
            from,
        )
    }

    /// Every field's id by its title, to set custom fields by name
    /// (`CustomField::new(ids["Order number"], "A-1")`). A title used twice keeps the
    /// active field's id.
    pub async fn ids_by_title(&self) -> Result<HashMap<String, u64>> {
        let mut ids = HashMap::new();
        let mut fields = self.list();
        while let Some(field) = fields.try_next().await? {
            if let Some(title) = field.title {
                if field.active == Some(false) && ids.contains_key(&title) {
                    continue;
                }
                ids.insert(title, field.id);
            }
        }
        Ok(ids)
    }
}

impl CustomStatuses {
    /// `GET /api/v2/custom_statuses` (one page: Zendesk does not page this list).
    pub fn list(&self) -> Paginator<CustomStatus> {
        self.list_from(Checkpoint::default())
    }

    /// [`list`](Self::list) from a checkpoint.
    pub fn list_from(&self, from: Checkpoint) -> Paginator<CustomStatus> {
        let request = Request::get("/api/v2/custom_statuses")
            .operation("custom_statuses.list")
            .path_template("/api/v2/custom_statuses");
        paginate(
            &self.client,
            Ok(request),
            "custom_statuses",
            Scheme::Offset { max_results: None },
            from,
        )
    }
}
