//! Shared parts of the QuickBooks entities: references, metadata, addresses, lines and
//! their detail types, custom fields, linked transactions. Field names follow Intuit's
//! Finance.xsd (checked by the crate's fixture tests).

use atom_core::{Decimal, Extra};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// A reference to another object: its id (`value`) and, on reads, its `name`.
///
/// ```
/// let r = atom_quickbooks::Ref::new("21");
/// assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"value":"21"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ref {
    /// The referenced object's id.
    #[serde(default)]
    pub value: String,
    /// Its display name (sent by QuickBooks on reads; ignored on writes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The referenced object's type, where QuickBooks says.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub ref_type: Option<String>,
}

impl Ref {
    /// A reference by id.
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            ..Self::default()
        }
    }

    /// A reference by id with a name.
    pub fn named(value: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            name: Some(name.into()),
            ref_type: None,
        }
    }
}

/// A message reference (`CustomerMemo`): `{"value": "Thank you"}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MemoRef {
    /// The text.
    #[serde(default)]
    pub value: String,
    /// The memo's id, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl MemoRef {
    /// A memo with this text.
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            id: None,
        }
    }
}

atom_core::string_enum! {
    /// A line's `DetailType`: which detail object the line carries.
    pub enum LineDetailType {
        /// A product or service sold.
        SalesItem = "SalesItemLineDetail",
        /// A discount.
        Discount = "DiscountLineDetail",
        /// A subtotal.
        SubTotal = "SubTotalLineDetail",
        /// A description only.
        DescriptionOnly = "DescriptionOnly",
        /// A bundle (group) of items.
        Group = "GroupLineDetail",
        /// An expense booked to an account.
        AccountBasedExpense = "AccountBasedExpenseLineDetail",
        /// An expense of an item.
        ItemBasedExpense = "ItemBasedExpenseLineDetail",
        /// A journal entry line.
        JournalEntry = "JournalEntryLineDetail",
        /// A deposit line.
        Deposit = "DepositLineDetail",
        /// A payment line.
        Payment = "PaymentLineDetail",
        /// A tax line.
        Tax = "TaxLineDetail",
    }
}

atom_core::string_enum! {
    /// Debit or credit (journal entry lines).
    pub enum PostingType {
        /// Debit.
        Debit = "Debit",
        /// Credit.
        Credit = "Credit",
    }
}

atom_core::string_enum! {
    /// Whether an expense is billable to a customer.
    pub enum BillableStatus {
        /// Billable, not yet billed.
        Billable = "Billable",
        /// Not billable.
        NotBillable = "NotBillable",
        /// Billed.
        HasBeenBilled = "HasBeenBilled",
    }
}

atom_core::string_enum! {
    /// How tax applies to a transaction's amounts.
    pub enum GlobalTaxCalculation {
        /// Amounts exclude tax.
        TaxExcluded = "TaxExcluded",
        /// Amounts include tax.
        TaxInclusive = "TaxInclusive",
        /// No tax.
        NotApplicable = "NotApplicable",
    }
}

atom_core::string_enum! {
    /// Print status of a form.
    pub enum PrintStatus {
        /// Not set.
        NotSet = "NotSet",
        /// To be printed.
        NeedToPrint = "NeedToPrint",
        /// Printed.
        PrintComplete = "PrintComplete",
    }
}

atom_core::string_enum! {
    /// Email status of a form.
    pub enum EmailStatus {
        /// Not set.
        NotSet = "NotSet",
        /// To be sent.
        NeedToSend = "NeedToSend",
        /// Sent.
        EmailSent = "EmailSent",
    }
}

atom_core::string_enum! {
    /// How a purchase was paid.
    pub enum PaymentType {
        /// Cash.
        Cash = "Cash",
        /// Check.
        Check = "Check",
        /// Credit card.
        CreditCard = "CreditCard",
    }
}

atom_core::string_enum! {
    /// How a bill payment is made.
    pub enum BillPaymentType {
        /// By check.
        Check = "Check",
        /// By credit card.
        CreditCard = "CreditCard",
    }
}

atom_core::string_enum! {
    /// The kind of an item.
    pub enum ItemType {
        /// Tracked inventory.
        Inventory = "Inventory",
        /// A service.
        Service = "Service",
        /// A product not tracked.
        NonInventory = "NonInventory",
        /// A bundle.
        Group = "Group",
        /// A category.
        Category = "Category",
    }
}

atom_core::string_enum! {
    /// The top-level classification of an account.
    pub enum AccountClassification {
        /// Asset.
        Asset = "Asset",
        /// Liability.
        Liability = "Liability",
        /// Equity.
        Equity = "Equity",
        /// Revenue.
        Revenue = "Revenue",
        /// Expense.
        Expense = "Expense",
    }
}

atom_core::string_enum! {
    /// The type of a custom field.
    pub enum CustomFieldType {
        /// Text.
        String = "StringType",
        /// Yes / no.
        Boolean = "BooleanType",
        /// A date.
        Date = "DateType",
        /// A number.
        Number = "NumberType",
    }
}

/// When an object was created and last changed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetaData {
    /// When it was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<DateTime<FixedOffset>>,
    /// When it was last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_time: Option<DateTime<FixedOffset>>,
    /// When it was last changed in QuickBooks Desktop (synced companies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_changed_in_q_b: Option<DateTime<FixedOffset>>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PhysicalAddress {
    /// Its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Line 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line1: Option<String>,
    /// Line 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// Line 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line3: Option<String>,
    /// Line 4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line4: Option<String>,
    /// Line 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line5: Option<String>,
    /// The city.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// The country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// The county.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub county: Option<String>,
    /// The state or province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_sub_division_code: Option<String>,
    /// The postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// The postal code suffix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code_suffix: Option<String>,
    /// Latitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<String>,
    /// Longitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long: Option<String>,
    /// A tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// A note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An email address.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EmailAddress {
    /// The address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A phone number.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TelephoneNumber {
    /// The number as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_form_number: Option<String>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A website.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WebSiteAddress {
    /// The address.
    #[serde(rename = "URI", default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A custom field value.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomField {
    /// The field definition id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition_id: Option<String>,
    /// The field name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The type.
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<CustomFieldType>,
    /// A text value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_value: Option<String>,
    /// A yes/no value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boolean_value: Option<bool>,
    /// A date value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_value: Option<NaiveDate>,
    /// A number value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_value: Option<Decimal>,
}

/// A link to another transaction (the estimate an invoice came from, the invoice a payment pays).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LinkedTxn {
    /// The linked transaction id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_id: Option<String>,
    /// Its type (`Invoice`, `Estimate`, `Payment`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_type: Option<String>,
    /// The linked line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_line_id: Option<String>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A transaction line; `detail_type` says which detail it carries.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Line {
    /// The line id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The line number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_num: Option<i64>,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The line amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Decimal>,
    /// Which detail the line carries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail_type: Option<LineDetailType>,
    /// Transactions the line links to (a payment line names the invoice it pays).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub linked_txn: Vec<LinkedTxn>,
    /// A sale of an item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_item_line_detail: Option<SalesItemLineDetail>,
    /// A discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_line_detail: Option<DiscountLineDetail>,
    /// A subtotal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_total_line_detail: Option<SubTotalLineDetail>,
    /// A bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_line_detail: Option<GroupLineDetail>,
    /// An expense booked to an account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_based_expense_line_detail: Option<AccountBasedExpenseLineDetail>,
    /// An expense of an item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_based_expense_line_detail: Option<ItemBasedExpenseLineDetail>,
    /// A journal entry line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal_entry_line_detail: Option<JournalEntryLineDetail>,
    /// A deposit line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit_line_detail: Option<DepositLineDetail>,
    /// Line-level custom fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_field: Vec<CustomField>,
    /// The project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_ref: Option<Ref>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A sale of an item.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SalesItemLineDetail {
    /// The item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_ref: Option<Ref>,
    /// The class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_ref: Option<Ref>,
    /// The unit price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Decimal>,
    /// The rate, for percentage items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_percent: Option<Decimal>,
    /// The price level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_level_ref: Option<Ref>,
    /// The quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qty: Option<Decimal>,
    /// The income account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_account_ref: Option<Ref>,
    /// The tax code (`TAX`, `NON`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_code_ref: Option<Ref>,
    /// When the service was performed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_date: Option<NaiveDate>,
    /// The amount including tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_inclusive_amt: Option<Decimal>,
    /// The line discount rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_rate: Option<Decimal>,
    /// The line discount amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_amt: Option<Decimal>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A discount.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DiscountLineDetail {
    /// The discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_ref: Option<Ref>,
    /// Whether it is a percentage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_based: Option<bool>,
    /// The percentage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_percent: Option<Decimal>,
    /// The discount account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_account_ref: Option<Ref>,
    /// The service date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_date: Option<NaiveDate>,
    /// The class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_ref: Option<Ref>,
    /// The tax code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_code_ref: Option<Ref>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A subtotal.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubTotalLineDetail {
    /// The subtotal item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_ref: Option<Ref>,
    /// The service date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_date: Option<NaiveDate>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A bundle of items, with its own lines.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupLineDetail {
    /// The bundle item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_item_ref: Option<Ref>,
    /// How many bundles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Decimal>,
    /// The service date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_date: Option<NaiveDate>,
    /// The lines of the bundle.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line: Vec<Line>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An expense booked to an account.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountBasedExpenseLineDetail {
    /// The customer it is billable to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_ref: Option<Ref>,
    /// The class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_ref: Option<Ref>,
    /// The expense account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_ref: Option<Ref>,
    /// Whether billable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billable_status: Option<BillableStatus>,
    /// The tax amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_amount: Option<Decimal>,
    /// The tax code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_code_ref: Option<Ref>,
    /// The amount including tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_inclusive_amt: Option<Decimal>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An expense of an item.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ItemBasedExpenseLineDetail {
    /// The item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_ref: Option<Ref>,
    /// The class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_ref: Option<Ref>,
    /// The unit price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Decimal>,
    /// The quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qty: Option<Decimal>,
    /// The tax code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_code_ref: Option<Ref>,
    /// The customer it is billable to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_ref: Option<Ref>,
    /// Whether billable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billable_status: Option<BillableStatus>,
    /// The amount including tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_inclusive_amt: Option<Decimal>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A journal entry line.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct JournalEntryLineDetail {
    /// Debit or credit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posting_type: Option<PostingType>,
    /// The customer, vendor or employee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<JournalEntity>,
    /// The account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_ref: Option<Ref>,
    /// The class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_ref: Option<Ref>,
    /// The location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_ref: Option<Ref>,
    /// The tax code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_code_ref: Option<Ref>,
    /// The tax amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_amount: Option<Decimal>,
    /// Whether billable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billable_status: Option<BillableStatus>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The name a journal entry line is about.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct JournalEntity {
    /// `Customer`, `Vendor` or `Employee`.
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_ref: Option<Ref>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A deposit line.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DepositLineDetail {
    /// The payer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<Ref>,
    /// The class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_ref: Option<Ref>,
    /// The account the money comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_ref: Option<Ref>,
    /// The payment method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_ref: Option<Ref>,
    /// The check number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_num: Option<String>,
    /// The transaction type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_type: Option<String>,
    /// The tax code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_code_ref: Option<Ref>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The tax of a transaction.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TxnTaxDetail {
    /// The tax code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_tax_code_ref: Option<Ref>,
    /// The total tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_tax: Option<Decimal>,
    /// The tax lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tax_line: Vec<serde_json::Value>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}
