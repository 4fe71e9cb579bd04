//! Typed QuickBooks entities. Field names follow Intuit's Finance.xsd; unknown fields are
//! kept in each model's `extra`; money, quantities and rates are exact
//! [`Decimal`](atom_core::Decimal)s; dates are `NaiveDate`, timestamps keep their offset.
//!
//! Every entity implements [`Entity`] (its name and path), and the capability traits say
//! what QuickBooks allows on it: [`Creatable`], [`Updatable`], [`Deletable`], [`Voidable`],
//! [`Sendable`] (email), [`Printable`] (PDF). The generic handler
//! [`Entities`](crate::Entities) offers exactly those calls.

mod common;
mod company;
mod lists;
mod names;
mod purchases;
mod sales;

pub use common::*;
pub use company::*;
pub use lists::*;
pub use names::*;
pub use purchases::*;
pub use sales::*;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A QuickBooks entity: its name in JSON and queries (`Invoice`) and its path segment
/// (`invoice`).
pub trait Entity: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The entity name (`Invoice`): the JSON key and the query's `FROM`.
    const NAME: &'static str;
    /// The path segment (`invoice`).
    const RESOURCE: &'static str;
    /// The id, once QuickBooks assigned one.
    fn id(&self) -> Option<&str>;
    /// The `SyncToken` read with the object.
    fn sync_token(&self) -> Option<&str>;
    /// The `status` attribute (`Deleted` in change data capture, `Voided`).
    fn status(&self) -> Option<&str>;
    /// True when QuickBooks reports the object deleted.
    fn is_deleted(&self) -> bool {
        self.status() == Some("Deleted")
    }
}

/// The entity can be created (`POST /{entity}`).
pub trait Creatable: Entity {}
/// The entity can be updated, fully or sparsely (`POST /{entity}` with `Id` and `SyncToken`).
pub trait Updatable: Entity {}
/// The entity can be deleted (`POST /{entity}?operation=delete`). Names (customers,
/// vendors, items, accounts) cannot: set `Active` to false instead.
pub trait Deletable: Entity {}
/// The entity can be voided.
pub trait Voidable: Entity {
    /// How QuickBooks voids it.
    const VOID: VoidStyle;
}
/// The entity can be emailed (`POST /{entity}/{id}/send`).
pub trait Sendable: Entity {}
/// The entity has a PDF (`GET /{entity}/{id}/pdf`).
pub trait Printable: Entity {}

/// How an entity is voided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VoidStyle {
    /// `POST /{entity}?operation=void` with `Id` and `SyncToken` (invoices).
    Operation,
    /// `POST /{entity}?operation=update&include=void` with a sparse `Id` and `SyncToken`
    /// (payments, sales receipts).
    SparseUpdate,
}

macro_rules! entity {
    ($ty:ident, $resource:literal $(, $cap:ident)*) => {
        impl Entity for $ty {
            const NAME: &'static str = stringify!($ty);
            const RESOURCE: &'static str = $resource;
            fn id(&self) -> Option<&str> {
                self.id.as_deref()
            }
            fn sync_token(&self) -> Option<&str> {
                self.sync_token.as_deref()
            }
            fn status(&self) -> Option<&str> {
                self.status.as_deref()
            }
        }
        $( impl $cap for $ty {} )*
    };
}

entity!(Customer, "customer", Creatable, Updatable);
entity!(Vendor, "vendor", Creatable, Updatable);
entity!(Item, "item", Creatable, Updatable);
entity!(Account, "account", Creatable, Updatable);
entity!(
    Invoice, "invoice", Creatable, Updatable, Deletable, Sendable, Printable
);
entity!(
    Payment, "payment", Creatable, Updatable, Deletable, Sendable, Printable
);
entity!(
    SalesReceipt,
    "salesreceipt",
    Creatable,
    Updatable,
    Deletable,
    Sendable,
    Printable
);
entity!(
    CreditMemo,
    "creditmemo",
    Creatable,
    Updatable,
    Deletable,
    Sendable,
    Printable
);
entity!(
    Estimate, "estimate", Creatable, Updatable, Deletable, Sendable, Printable
);
entity!(Bill, "bill", Creatable, Updatable, Deletable);
entity!(BillPayment, "billpayment", Creatable, Updatable, Deletable);
entity!(Purchase, "purchase", Creatable, Updatable, Deletable);
entity!(Deposit, "deposit", Creatable, Updatable, Deletable);
entity!(
    JournalEntry,
    "journalentry",
    Creatable,
    Updatable,
    Deletable
);
entity!(TaxCode, "taxcode");
entity!(Term, "term", Creatable, Updatable);
entity!(PaymentMethod, "paymentmethod", Creatable, Updatable);
entity!(CompanyInfo, "companyinfo", Updatable);
entity!(Preferences, "preferences", Updatable);

impl Voidable for Invoice {
    const VOID: VoidStyle = VoidStyle::Operation;
}
impl Voidable for Payment {
    const VOID: VoidStyle = VoidStyle::SparseUpdate;
}
impl Voidable for SalesReceipt {
    const VOID: VoidStyle = VoidStyle::SparseUpdate;
}

/// Parses an exact amount (`"1250.50"`), with the parse error as a `Config` error so it
/// can be `?`-ed in code returning `atom_core::Result`.
///
/// ```
/// let a = atom_quickbooks::amount("1250.50").unwrap();
/// assert_eq!(a.as_str(), "1250.50");
/// assert!(atom_quickbooks::amount("12,50").is_err());
/// ```
pub fn amount(text: &str) -> atom_core::Result<atom_core::Decimal> {
    text.parse().map_err(|e: atom_core::ParseDecimalError| {
        atom_core::Error::config(crate::SERVICE, e.to_string())
    })
}
