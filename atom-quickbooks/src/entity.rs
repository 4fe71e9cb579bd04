//! One generic handler for every entity: `client.entity::<Invoice>()` or
//! `client.invoices()`. The calls it offers follow the entity's capability traits, so a
//! delete of a customer (which QuickBooks does not allow) does not compile.

use std::marker::PhantomData;

use atom_core::{Checkpoint, Error, Paginator, Request, Result};
use bytes::Bytes;
use http::Method;
use serde_json::{Map, Value};

use crate::client::{Client, RequestOptions, id_segment};
use crate::models::{
    Creatable, Deletable, Entity, Printable, Sendable, Updatable, VoidStyle, Voidable,
};
use crate::query::Query;
use crate::{SERVICE, envelope, pagination};

/// The calls on one entity type. Owned and cheap (a clone of the client).
///
/// ```no_run
/// # async fn demo(qb: atom_quickbooks::Client) -> atom_core::Result<()> {
/// use atom_quickbooks::{Invoice, Line, Ref};
/// let mut invoice = Invoice::default();
/// invoice.customer_ref = Some(Ref::new("58"));
/// invoice.line = vec![Line::sales_item(atom_quickbooks::amount("150.25")?, Ref::new("1"))];
/// let created = qb.invoices().request_id("order-1042").create(&invoice).await?;
/// let read = qb.invoices().get(created.id.as_deref().unwrap_or_default()).await?;
/// # let _ = read; Ok(()) }
/// ```
#[derive(Debug)]
pub struct Entities<T> {
    client: Client,
    options: RequestOptions,
    _entity: PhantomData<fn() -> T>,
}

impl<T> Clone for Entities<T> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            options: self.options.clone(),
            _entity: PhantomData,
        }
    }
}

/// Refuses an update QuickBooks could apply over someone else's change: without `Id` and
/// `SyncToken` the object cannot be checked against the stored version.
fn require_version<T: Entity>(entity: &T) -> Result<()> {
    let id = entity.id().filter(|s| !s.is_empty());
    let token = entity.sync_token().filter(|s| !s.is_empty());
    match (id, token) {
        (Some(_), Some(_)) => Ok(()),
        (None, _) => Err(Error::config(
            SERVICE,
            format!("{} has no Id: create it, or read it first", T::NAME),
        )),
        (_, None) => Err(Error::config(
            SERVICE,
            format!(
                "{} has no SyncToken: read the object and update that copy, so a concurrent \
                 change is refused (Conflict) instead of overwritten",
                T::NAME
            ),
        )),
    }
}

impl<T: Entity> Entities<T> {
    pub(crate) fn new(client: &Client) -> Self {
        Self {
            client: client.clone(),
            options: RequestOptions::default(),
            _entity: PhantomData,
        }
    }

    /// Uses this `requestid` for the writes made through this handler (instead of a fresh
    /// UUID): QuickBooks answers a repeated request id with the first request's result.
    /// Take a new handler for each operation.
    pub fn request_id(mut self, id: impl Into<String>) -> Self {
        self.options.request_id = Some(id.into());
        self
    }

    /// Sets every option of the calls made through this handler.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    async fn post_entity(
        &self,
        body: &Value,
        query: &[(&str, &str)],
        op: &'static str,
    ) -> Result<T> {
        let mut request = self
            .client
            .request(
                Method::POST,
                T::RESOURCE,
                op,
                "/v3/company/{realmId}/{entity}",
            )
            .json(body);
        for (k, v) in query {
            request = request.query(*k, *v);
        }
        let response = self.client.send_raw(request, &self.options).await?;
        envelope::entity::<T>(&response)
    }

    /// `GET /{entity}/{id}`.
    pub async fn get(&self, id: &str) -> Result<T> {
        let segment = id_segment(id)?;
        let request = self.client.request(
            Method::GET,
            &format!("{}/{segment}", T::RESOURCE),
            "entity.get",
            "/v3/company/{realmId}/{entity}/{id}",
        );
        let response = self.client.send_raw(request, &self.options).await?;
        envelope::entity::<T>(&response)
    }

    /// Every row of `query`, page by page (`STARTPOSITION`, up to 1000 a page), to the end.
    pub fn query(&self, query: Query) -> Paginator<T> {
        self.query_from(query, Checkpoint::default())
    }

    /// [`Entities::query`] resumed from a checkpoint.
    pub fn query_from(&self, query: Query, checkpoint: Checkpoint) -> Paginator<T> {
        pagination::query_pages(&self.client, query, checkpoint)
    }

    /// Every object of the type (`SELECT * FROM {Entity}`), page by page.
    pub fn list(&self) -> Paginator<T> {
        self.query(Query::of::<T>())
    }

    /// [`Entities::list`] resumed from a checkpoint.
    pub fn list_from(&self, checkpoint: Checkpoint) -> Paginator<T> {
        self.query_from(Query::of::<T>(), checkpoint)
    }

    /// `SELECT COUNT(*) FROM {Entity} WHERE …`.
    pub async fn count(&self, query: &Query) -> Result<u64> {
        if query.entity() != T::NAME {
            return Err(Error::config(SERVICE, "the query names another entity"));
        }
        let text = query.count_text()?;
        let request = self
            .client
            .request(
                Method::GET,
                "query",
                "query.count",
                "/v3/company/{realmId}/query",
            )
            .query("query", text);
        let response = self.client.send_raw(request, &self.options).await?;
        let page = envelope::query_page::<T>(&response)?;
        page.total_count.ok_or_else(|| {
            Error::decode(SERVICE, "the COUNT answer has no totalCount")
                .with_request_id_opt(response.meta.request_id.clone())
        })
    }
}

fn to_object<T: Entity>(entity: &T) -> Result<Map<String, Value>> {
    match serde_json::to_value(entity) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::config(
            SERVICE,
            "an entity must encode as a JSON object",
        )),
        Err(e) => Err(Error::config(
            SERVICE,
            format!("{} cannot be encoded: {e}", T::NAME),
        )),
    }
}

impl<T: Creatable> Entities<T> {
    /// `POST /{entity}`: creates the object, with a `requestid` kept on every retry.
    pub async fn create(&self, entity: &T) -> Result<T> {
        let body = Value::Object(to_object(entity)?);
        self.post_entity(&body, &[], "entity.create").await
    }
}

impl<T: Updatable> Entities<T> {
    /// A full update (`POST /{entity}`): every writable field is replaced by the object's,
    /// so fields left unset are cleared. Needs `Id` and `SyncToken` (refused before any
    /// request otherwise); a stale `SyncToken` is a `Conflict` error.
    pub async fn update(&self, entity: &T) -> Result<T> {
        require_version(entity)?;
        let mut body = to_object(entity)?;
        body.insert("sparse".to_owned(), Value::Bool(false));
        self.post_entity(&Value::Object(body), &[], "entity.update")
            .await
    }

    /// A sparse update (`"sparse": true`): only the fields set on `changes` are written.
    /// Needs `Id` and `SyncToken` like [`Entities::update`].
    pub async fn sparse_update(&self, changes: &T) -> Result<T> {
        require_version(changes)?;
        let mut body = to_object(changes)?;
        body.insert("sparse".to_owned(), Value::Bool(true));
        self.post_entity(&Value::Object(body), &[], "entity.sparse_update")
            .await
    }
}

fn id_and_token<T: Entity>(entity: &T) -> Result<Value> {
    require_version(entity)?;
    let mut body = Map::new();
    body.insert(
        "Id".to_owned(),
        Value::from(entity.id().unwrap_or_default()),
    );
    body.insert(
        "SyncToken".to_owned(),
        Value::from(entity.sync_token().unwrap_or_default()),
    );
    Ok(Value::Object(body))
}

impl<T: Deletable> Entities<T> {
    /// `POST /{entity}?operation=delete` with `Id` and `SyncToken`. Returns the object as
    /// QuickBooks reports it (`status` `Deleted`).
    pub async fn delete(&self, entity: &T) -> Result<T> {
        let body = id_and_token(entity)?;
        self.post_entity(&body, &[("operation", "delete")], "entity.delete")
            .await
    }
}

impl<T: Voidable> Entities<T> {
    /// Voids the transaction (amounts set to zero, kept for the record): invoices with
    /// `operation=void`, payments and sales receipts with a sparse
    /// `operation=update&include=void`. Needs `Id` and `SyncToken`.
    pub async fn void(&self, entity: &T) -> Result<T> {
        let mut body = id_and_token(entity)?;
        match T::VOID {
            VoidStyle::Operation => {
                self.post_entity(&body, &[("operation", "void")], "entity.void")
                    .await
            }
            VoidStyle::SparseUpdate => {
                if let Value::Object(map) = &mut body {
                    map.insert("sparse".to_owned(), Value::Bool(true));
                }
                self.post_entity(
                    &body,
                    &[("operation", "update"), ("include", "void")],
                    "entity.void",
                )
                .await
            }
        }
    }
}

impl<T: Sendable> Entities<T> {
    /// `POST /{entity}/{id}/send`: emails the form, to `to` or to the address on the
    /// object (`BillEmail`).
    pub async fn send(&self, id: &str, to: Option<&str>) -> Result<T> {
        let segment = id_segment(id)?;
        if let Some(to) = to
            && (to.is_empty()
                || to.len() > 254
                || to
                    .chars()
                    .any(|c| c.is_control() || c.is_whitespace() || c == ',' || c == ';')
                || !to.contains('@'))
        {
            return Err(Error::config(SERVICE, "sendTo must be one email address"));
        }
        let mut request = self
            .client
            .request(
                Method::POST,
                &format!("{}/{segment}/send", T::RESOURCE),
                "entity.send",
                "/v3/company/{realmId}/{entity}/{id}/send",
            )
            .body(atom_core::Body::Raw {
                content_type: "application/octet-stream".into(),
                bytes: Bytes::new(),
            });
        if let Some(to) = to {
            request = request.query("sendTo", to);
        }
        let response = self.client.send_raw(request, &self.options).await?;
        envelope::entity::<T>(&response)
    }
}

impl<T: Printable> Entities<T> {
    /// `GET /{entity}/{id}/pdf`: the form as PDF bytes. An answer that is not a PDF (a
    /// `Fault`) is an error.
    pub async fn pdf(&self, id: &str) -> Result<Bytes> {
        let segment = id_segment(id)?;
        let request: Request = self
            .client
            .request(
                Method::GET,
                &format!("{}/{segment}/pdf", T::RESOURCE),
                "entity.pdf",
                "/v3/company/{realmId}/{entity}/{id}/pdf",
            )
            .header("accept", "application/pdf");
        let response = self.client.send_raw(request, &self.options).await?;
        if !response.body.starts_with(b"%PDF") {
            crate::client::check_fault(&response)?;
            return Err(Error::decode(SERVICE, "the answer is not a PDF")
                .with_request_id_opt(response.meta.request_id.clone()));
        }
        Ok(response.body)
    }
}
