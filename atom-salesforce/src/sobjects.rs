//! One object's records: create, get (chosen fields), update, delete, upsert by external
//! id, describe, and the ids updated or deleted in a time window. Typed for the standard
//! objects ([`crate::Account`], …) and generic ([`crate::Record`]) for any object, custom
//! ones included.

use std::marker::PhantomData;

use atom_core::feed::{ChangeFeed, FeedCheckpoint};
use atom_core::http_util::path_segment;
use atom_core::{Error, Request, Result};
use chrono::{DateTime, Utc};
use http::StatusCode;
use serde_json::{Map, Value};

use crate::feed::{RecordFeedParams, feed_name};
use crate::models::{
    DeletedRecords, DescribeGlobal, SObject, SObjectDescribe, SaveResult, UpdatedRecords,
    UpsertResult,
};
use crate::validate::{field_path, identifier, record_id};
use crate::{Account, Client, Contact, Lead, Opportunity, Record, SERVICE};

/// Records of one object. Get it with [`Client::sobject`] (any object, as [`Record`]),
/// [`Client::records`] (your own typed struct) or [`Client::accounts`] and its siblings.
///
/// The object name is checked as an API name when a call is made: a name chosen at run
/// time that is not one (`Account/../User`) fails that call with a `Config` error and
/// sends nothing.
#[derive(Debug, Clone)]
pub struct SObjects<T> {
    client: Client,
    name: String,
    _type: PhantomData<fn() -> T>,
}

impl Client {
    /// Records of any object (`Account`, `Invoice__c`) as [`Record`]s. The name is checked
    /// when a call is made, and that call fails if it is not an API name.
    ///
    /// ```no_run
    /// # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
    /// use atom_salesforce::Record;
    /// let invoices = client.sobject("Invoice__c");
    /// let mut r = Record::default();
    /// r.set("Amount__c", 120.5).set("Status__c", "Open");
    /// let saved = invoices.create(&r).await?;
    /// let back = invoices.get(saved.id.as_deref().unwrap_or_default(), &["Amount__c"]).await?;
    /// # let _ = back; Ok(()) }
    /// ```
    pub fn sobject(&self, object: &str) -> SObjects<Record> {
        SObjects {
            client: self.clone(),
            name: object.to_owned(),
            _type: PhantomData,
        }
    }

    /// Records of your own typed object (`T::NAME`), e.g. a struct for `Invoice__c`.
    pub fn records<T: SObject>(&self) -> SObjects<T> {
        SObjects {
            client: self.clone(),
            name: T::NAME.to_owned(),
            _type: PhantomData,
        }
    }

    /// Accounts.
    ///
    /// ```no_run
    /// # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
    /// use atom_salesforce::Account;
    /// let mut acme = Account { name: Some("Acme".into()), ..Default::default() };
    /// acme.set_extra("Tier__c", "Gold");
    /// let saved = client.accounts().create(&acme).await?;
    /// # let _ = saved; Ok(()) }
    /// ```
    pub fn accounts(&self) -> SObjects<Account> {
        self.records()
    }

    /// Contacts.
    pub fn contacts(&self) -> SObjects<Contact> {
        self.records()
    }

    /// Opportunities (see also [`Client::opportunities`] for stage advance).
    pub fn opportunity_records(&self) -> SObjects<Opportunity> {
        self.records()
    }

    /// Leads (see also [`Client::leads`] for conversion).
    pub fn lead_records(&self) -> SObjects<Lead> {
        self.records()
    }

    /// Every object of the org (`GET /sobjects`).
    pub async fn describe_global(&self) -> Result<DescribeGlobal> {
        self.send(
            Request::get(self.data_path("/sobjects"))
                .operation("sobjects.describe_global")
                .path_template("/services/data/vXX.X/sobjects"),
        )
        .await?
        .json()
    }
}

/// The JSON object sent on create or update: the record without `attributes`, `Id`, system
/// fields and the type's read-only fields.
pub(crate) fn write_body<T: SObject>(record: &T) -> Result<Map<String, Value>> {
    let value = serde_json::to_value(record)
        .map_err(|e| Error::config(SERVICE, format!("record is not serialisable: {e}")))?;
    let Value::Object(mut map) = value else {
        return Err(Error::config(
            SERVICE,
            "a record must serialise to a JSON object",
        ));
    };
    for field in crate::models::SYSTEM_FIELDS.iter().chain(T::READ_ONLY) {
        map.remove(*field);
    }
    Ok(map)
}

fn window(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<(String, String)> {
    if end <= start {
        return Err(Error::config(
            SERVICE,
            "the window's end must be after its start",
        ));
    }
    let fmt = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string();
    Ok((fmt(start), fmt(end)))
}

impl<T: SObject> SObjects<T> {
    /// The object's API name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `/sobjects/{object}{rest}`, once the object name is checked.
    fn path(&self, rest: &str) -> Result<String> {
        let name = identifier(&self.name)?;
        Ok(self.client.data_path(&format!("/sobjects/{name}{rest}")))
    }

    /// Creates a record (`POST /sobjects/{object}`).
    pub async fn create(&self, record: &T) -> Result<SaveResult> {
        let request = Request::post(self.path("")?)
            .operation("sobjects.create")
            .path_template("/services/data/vXX.X/sobjects/{object}")
            .json(&write_body(record)?);
        self.client.send(request).await?.json()
    }

    /// Reads a record; `fields` empty means every field.
    pub async fn get(&self, id: &str, fields: &[&str]) -> Result<T> {
        let id = record_id(id)?;
        let mut request = Request::get(self.path(&format!("/{id}"))?)
            .operation("sobjects.get")
            .path_template("/services/data/vXX.X/sobjects/{object}/{id}");
        if !fields.is_empty() {
            let fields = fields
                .iter()
                .map(|f| field_path(f))
                .collect::<Result<Vec<_>>>()?;
            request = request.query("fields", fields.join(","));
        }
        self.client.send(request).await?.json()
    }

    /// Reads a record by an external id field.
    pub async fn get_by_external_id(&self, field: &str, value: &str) -> Result<T> {
        let path = self.path(&format!(
            "/{}/{}",
            identifier(field)?,
            path_segment(SERVICE, value)?
        ))?;
        let request = Request::get(path)
            .operation("sobjects.get_by_external_id")
            .path_template("/services/data/vXX.X/sobjects/{object}/{field}/{value}");
        self.client.send(request).await?.json()
    }

    /// Updates the fields set on `record` (`PATCH`, `204 No Content`).
    pub async fn update(&self, id: &str, record: &T) -> Result<()> {
        let id = record_id(id)?;
        let request = Request::patch(self.path(&format!("/{id}"))?)
            .operation("sobjects.update")
            .path_template("/services/data/vXX.X/sobjects/{object}/{id}")
            .json(&write_body(record)?);
        self.client.send(request).await.map(|_| ())
    }

    /// Deletes a record.
    pub async fn delete(&self, id: &str) -> Result<()> {
        let id = record_id(id)?;
        let request = Request::delete(self.path(&format!("/{id}"))?)
            .operation("sobjects.delete")
            .path_template("/services/data/vXX.X/sobjects/{object}/{id}");
        self.client.send(request).await.map(|_| ())
    }

    /// Creates or updates the record whose `field` (an external id field) equals `value`.
    /// Several matches give a `Conflict` error with code `MULTIPLE_CHOICES`.
    pub async fn upsert(&self, field: &str, value: &str, record: &T) -> Result<UpsertResult> {
        let field = identifier(field)?;
        let mut body = write_body(record)?;
        body.remove(field);
        let request =
            Request::patch(self.path(&format!("/{field}/{}", path_segment(SERVICE, value)?))?)
                .operation("sobjects.upsert")
                .path_template("/services/data/vXX.X/sobjects/{object}/{field}/{value}")
                .json(&body);
        let response = self.client.send(request).await?;
        if response.body.is_empty() {
            return Ok(UpsertResult {
                id: None,
                created: response.status == StatusCode::CREATED,
            });
        }
        let saved: SaveResult = response.json()?;
        Ok(UpsertResult {
            id: saved.id,
            created: saved
                .created
                .unwrap_or(response.status == StatusCode::CREATED),
        })
    }

    /// The object's fields, picklists and record types.
    pub async fn describe(&self) -> Result<SObjectDescribe> {
        let request = Request::get(self.path("/describe")?)
            .operation("sobjects.describe")
            .path_template("/services/data/vXX.X/sobjects/{object}/describe");
        self.client.send(request).await?.json()
    }

    /// Ids of records changed between `start` and `end` (Salesforce keeps 30 days).
    pub async fn updated(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<UpdatedRecords> {
        let (start, end) = window(start, end)?;
        let request = Request::get(self.path("/updated/")?)
            .query("start", start)
            .query("end", end)
            .operation("sobjects.updated")
            .path_template("/services/data/vXX.X/sobjects/{object}/updated/");
        self.client.send(request).await?.json()
    }

    /// A feed of this object's records created, updated or deleted at or after `start`,
    /// oldest first, each a [`Change`](atom_core::feed::Change) with the checkpoint to save
    /// once it is handled: a SOQL query on `SystemModstamp` for the fields you choose,
    /// merged with `getDeleted` windows (see [`crate::feed`] for the walk, the guarantee,
    /// the 15-day deletion horizon and a complete example).
    ///
    /// ```no_run
    /// # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
    /// use atom_salesforce::feed::RecordFeedParams;
    /// use futures::TryStreamExt as _;
    /// let since = chrono::Utc::now() - chrono::Duration::hours(1);
    /// let mut feed = client.sobject("Invoice__c")
    ///     .feed(&RecordFeedParams::new().fields(["Amount__c", "Status__c"]), since);
    /// while let Some(change) = feed.try_next().await? {
    ///     println!("{} {} {:?}", change.kind, change.object_id, change.object.get("Amount__c"));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn feed(&self, params: &RecordFeedParams, start: DateTime<Utc>) -> ChangeFeed<T> {
        self.feed_from(
            params,
            &FeedCheckpoint::new(feed_name(&self.name)).with_at(start),
        )
    }

    /// [`feed`](Self::feed) resumed from a checkpoint one of its changes carried (or the
    /// start checkpoint `ChangeFeed::checkpoint` reports before any change). A checkpoint
    /// of another feed or object, one without a time, with a time in the future or a
    /// cursor this feed did not write is a `Config` error; one older than the deletion
    /// horizon a `FeedGap`.
    pub fn feed_from(
        &self,
        params: &RecordFeedParams,
        checkpoint: &FeedCheckpoint,
    ) -> ChangeFeed<T> {
        crate::feed::records_feed(&self.client, &self.name, params, checkpoint)
    }

    /// Records deleted between `start` and `end`.
    pub async fn deleted(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<DeletedRecords> {
        let (start, end) = window(start, end)?;
        let request = Request::get(self.path("/deleted/")?)
            .query("start", start)
            .query("end", end)
            .operation("sobjects.deleted")
            .path_template("/services/data/vXX.X/sobjects/{object}/deleted/");
        self.client.send(request).await?.json()
    }
}

/// Serialises a record for a collections body: `attributes.type` set (from `T::NAME` or the
/// record's own attributes), `id` lower-case when `with_id`.
pub(crate) fn collection_record<T: SObject>(record: &T, with_id: bool) -> Result<Value> {
    let value = serde_json::to_value(record)
        .map_err(|e| Error::config(SERVICE, format!("record is not serialisable: {e}")))?;
    let Value::Object(full) = value else {
        return Err(Error::config(
            SERVICE,
            "a record must serialise to a JSON object",
        ));
    };
    let object = if T::NAME.is_empty() {
        full.get("attributes")
            .and_then(|a| a.get("type"))
            .and_then(Value::as_str)
            .ok_or_else(|| {
                Error::config(
                    SERVICE,
                    "a generic record needs attributes.type in a collection",
                )
            })?
            .to_owned()
    } else {
        T::NAME.to_owned()
    };
    identifier(&object)?;
    let id = full.get("Id").and_then(Value::as_str).map(str::to_owned);
    let mut body = write_body(record)?;
    let mut out = Map::new();
    out.insert("attributes".into(), serde_json::json!({ "type": object }));
    if with_id {
        let id = id.ok_or_else(|| Error::config(SERVICE, "a record to update has no Id"))?;
        out.insert("id".into(), Value::String(record_id(&id)?.to_owned()));
    }
    out.append(&mut body);
    Ok(Value::Object(out))
}
