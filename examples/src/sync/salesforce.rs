//! The Salesforce side both Salesforce-bound programs share: checking that the org has
//! what a program writes to (or saying what to configure), finding contacts by email, and
//! upserting by an external id with every record's result checked.

use std::collections::HashMap;

use atom_core::{Error, ErrorKind, Result};
use atom_salesforce::models::{Attributes, SObjectDescribe};
use atom_salesforce::soql::{Filter, Query};
use atom_salesforce::{Client, Record};
use futures::TryStreamExt as _;

/// The service name in the programs' own errors.
pub const SYNC: &str = "sync";

/// Most values in one `IN (…)` list: keeps each query far below SOQL's 100 000 characters.
const IN_LIST: usize = 200;

/// A configuration error that says what to set up, naming the setting.
pub fn config_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Config, SYNC, message.into())
}

/// The object's description, or a `Config` error when the org has no such object.
pub async fn describe(client: &Client, object: &str) -> Result<SObjectDescribe> {
    client
        .sobject(object)
        .describe()
        .await
        .map_err(|e| match e.kind() {
            ErrorKind::NotFound => config_error(format!(
                "the org has no {object} object (or this user cannot see it)"
            )),
            _ => e,
        })
}

/// Checks that `field` exists on `object` as an external id, else says how to create it
/// and which environment variable names another field.
pub fn require_external_id(describe: &SObjectDescribe, field: &str, setting: &str) -> Result<()> {
    match describe.field(field) {
        Some(f) if f.external_id => Ok(()),
        Some(_) => Err(config_error(format!(
            "{}.{field} exists but is not an external id: tick \"External ID\" on it in Setup \
             (Object Manager > {0} > Fields), or name another field with {setting}",
            describe.name
        ))),
        None => Err(config_error(format!(
            "{0} has no field {field}: create a Text(255) field {field} with \"External ID\" and \
             \"Unique\" ticked (Setup > Object Manager > {0} > Fields), or name another \
             external id field with {setting}",
            describe.name
        ))),
    }
}

/// Checks that `field` exists (a custom field the program fills).
pub fn require_field(describe: &SObjectDescribe, field: &str, setting: &str) -> Result<()> {
    if describe.field(field).is_some() {
        Ok(())
    } else {
        Err(config_error(format!(
            "{0} has no field {field}: create it (Setup > Object Manager > {0} > Fields) or \
             name another with {setting}",
            describe.name
        )))
    }
}

/// Checks that a picklist takes `value`.
pub fn require_picklist_value(
    describe: &SObjectDescribe,
    field: &str,
    value: &str,
    setting: &str,
) -> Result<()> {
    match describe.field(field) {
        Some(f) if f.picklist_values.is_empty() || f.allows(value) => Ok(()),
        Some(_) => Err(config_error(format!(
            "{}.{field} has no active value \"{value}\": add it to the picklist or set {setting}",
            describe.name
        ))),
        None => Err(config_error(format!(
            "{} has no field {field} (or this user cannot see it)",
            describe.name
        ))),
    }
}

/// A contact found by email: its id and account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactMatch {
    /// The Contact id.
    pub contact_id: String,
    /// Its Account, if any.
    pub account_id: Option<String>,
}

/// Contacts by email (lower-cased), one query per 200 addresses. When several contacts
/// share an address, the one with the lowest id wins, so reruns pick the same one.
pub async fn contacts_by_email(
    client: &Client,
    emails: &[String],
) -> Result<HashMap<String, ContactMatch>> {
    let mut found: HashMap<String, ContactMatch> = HashMap::new();
    for chunk in emails.chunks(IN_LIST) {
        let soql = Query::select(["Id", "Email", "AccountId"])
            .from("Contact")
            .filter(Filter::is_in("Email", chunk.iter().map(String::as_str)))
            .build()?;
        let contacts: Vec<Record> = client.query(&soql).try_collect().await?;
        for contact in contacts {
            let (Some(id), Some(email)) = (contact.id.clone(), contact.get_str("Email")) else {
                continue;
            };
            let candidate = ContactMatch {
                contact_id: id,
                account_id: contact.get_str("AccountId").map(str::to_owned),
            };
            found
                .entry(email.to_ascii_lowercase())
                .and_modify(|known| {
                    if candidate.contact_id < known.contact_id {
                        *known = candidate.clone();
                    }
                })
                .or_insert(candidate);
        }
    }
    Ok(found)
}

/// A record of `object` to upsert, with its `attributes.type`.
pub fn record(object: &str) -> Record {
    Record {
        attributes: Some(Attributes {
            sobject_type: object.to_owned(),
            ..Attributes::default()
        }),
        ..Record::default()
    }
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Upserted {
    /// Records created.
    pub created: usize,
    /// Records that existed and were updated.
    pub updated: usize,
}

/// Upserts `records` of `object` by `key` (200 per request, not all-or-none), and fails
/// naming the first record Salesforce refused and why: the caller then does not save its
/// checkpoint, so the batch is replayed after the cause is fixed. Returns the ids in the
/// order of `records`.
pub async fn upsert(
    client: &Client,
    object: &str,
    key: &str,
    records: &[Record],
) -> Result<(Vec<String>, Upserted)> {
    let results = client
        .collections()
        .upsert(object, key, records, false)
        .await?;
    let mut ids = Vec::with_capacity(records.len());
    let mut counts = Upserted::default();
    for (record, result) in records.iter().zip(&results) {
        let key_value = record.get_str(key).unwrap_or_default();
        match (&result.id, result.success) {
            (Some(id), true) => {
                ids.push(id.clone());
                if result.created == Some(true) {
                    counts.created += 1;
                } else {
                    counts.updated += 1;
                }
            }
            _ => {
                let why = result
                    .errors
                    .first()
                    .map(|e| match &e.status_code {
                        Some(code) => format!("{code}: {}", e.message),
                        None => e.message.clone(),
                    })
                    .unwrap_or_else(|| "no reason given".to_owned());
                return Err(Error::new(
                    ErrorKind::InvalidRequest,
                    SYNC,
                    format!("Salesforce refused {object} {key}={key_value}: {why}"),
                ));
            }
        }
    }
    if results.len() != records.len() {
        return Err(Error::new(
            ErrorKind::Decode,
            SYNC,
            format!(
                "Salesforce answered {} results for {} {object} records",
                results.len(),
                records.len()
            ),
        ));
    }
    Ok((ids, counts))
}
