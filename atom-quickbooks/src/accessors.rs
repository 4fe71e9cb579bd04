//! The per-entity accessors, all built on [`Client::entity`], and the two singletons
//! (company info and preferences) read without an id.

use atom_core::Result;
use http::Method;

use crate::client::{Client, RequestOptions};
use crate::entity::Entities;
use crate::envelope;
use crate::models::*;

macro_rules! accessors {
    ($($(#[$doc:meta])* $name:ident => $ty:ident,)+) => {
        impl Client {
            $(
                $(#[$doc])*
                pub fn $name(&self) -> Entities<$ty> {
                    self.entity::<$ty>()
                }
            )+
        }
    };
}

impl Client {
    /// The handler of any entity type: `client.entity::<Invoice>()`.
    pub fn entity<T: Entity>(&self) -> Entities<T> {
        Entities::new(self)
    }

    /// `GET /companyinfo/{realmId}`: the company's own information.
    pub async fn company_info(&self) -> Result<CompanyInfo> {
        let realm = self.realm_id().to_owned();
        let request = self.request(
            Method::GET,
            &format!("companyinfo/{realm}"),
            "companyinfo.get",
            "/v3/company/{realmId}/companyinfo/{id}",
        );
        let response = self.send_raw(request, &RequestOptions::default()).await?;
        envelope::entity(&response)
    }

    /// `GET /preferences`: the company's preferences.
    pub async fn preferences(&self) -> Result<Preferences> {
        let request = self.request(
            Method::GET,
            "preferences",
            "preferences.get",
            "/v3/company/{realmId}/preferences",
        );
        let response = self.send_raw(request, &RequestOptions::default()).await?;
        envelope::entity(&response)
    }
}

accessors! {
    /// Customers.
    customers => Customer,
    /// Vendors.
    vendors => Vendor,
    /// Items (products and services).
    items => Item,
    /// The chart of accounts.
    accounts => Account,
    /// Invoices.
    invoices => Invoice,
    /// Payments received.
    payments => Payment,
    /// Sales receipts.
    sales_receipts => SalesReceipt,
    /// Credit memos.
    credit_memos => CreditMemo,
    /// Estimates.
    estimates => Estimate,
    /// Bills.
    bills => Bill,
    /// Bill payments.
    bill_payments => BillPayment,
    /// Purchases (expenses).
    purchases => Purchase,
    /// Deposits.
    deposits => Deposit,
    /// Journal entries.
    journal_entries => JournalEntry,
    /// Tax codes (read only).
    tax_codes => TaxCode,
    /// Payment terms.
    terms => Term,
    /// Payment methods.
    payment_methods => PaymentMethod,
}

impl Line {
    /// A sales line: `amount` of `item` (quantity and unit price left to QuickBooks).
    pub fn sales_item(amount: atom_core::Decimal, item: Ref) -> Self {
        Self {
            amount: Some(amount),
            detail_type: Some(LineDetailType::SalesItem),
            sales_item_line_detail: Some(SalesItemLineDetail {
                item_ref: Some(item),
                ..SalesItemLineDetail::default()
            }),
            ..Self::default()
        }
    }

    /// A payment line applying `amount` to the invoice `invoice_id`.
    pub fn payment_for_invoice(amount: atom_core::Decimal, invoice_id: impl Into<String>) -> Self {
        Self {
            amount: Some(amount),
            linked_txn: vec![LinkedTxn {
                txn_id: Some(invoice_id.into()),
                txn_type: Some("Invoice".to_owned()),
                ..LinkedTxn::default()
            }],
            ..Self::default()
        }
    }

    /// An expense line booked to `account`.
    pub fn account_expense(amount: atom_core::Decimal, account: Ref) -> Self {
        Self {
            amount: Some(amount),
            detail_type: Some(LineDetailType::AccountBasedExpense),
            account_based_expense_line_detail: Some(AccountBasedExpenseLineDetail {
                account_ref: Some(account),
                ..AccountBasedExpenseLineDetail::default()
            }),
            ..Self::default()
        }
    }

    /// A journal entry line: `amount` posted as `posting` to `account`.
    pub fn journal(amount: atom_core::Decimal, posting: PostingType, account: Ref) -> Self {
        Self {
            amount: Some(amount),
            detail_type: Some(LineDetailType::JournalEntry),
            journal_entry_line_detail: Some(JournalEntryLineDetail {
                posting_type: Some(posting),
                account_ref: Some(account),
                ..JournalEntryLineDetail::default()
            }),
            ..Self::default()
        }
    }
}

/// The exact sum of a transaction's item lines, for reconciling against its `TotalAmt`
/// (less tax): sales-item, group (bundle), expense, journal and deposit lines add; discount
/// lines subtract; subtotal and description-only lines, which repeat or carry no amount,
/// are skipped. `None` on overflow.
///
/// ```
/// use atom_quickbooks::{amount, lines_total, Line, Ref};
/// let lines = vec![
///     Line::sales_item(amount("1000.10").unwrap(), Ref::new("1")),
///     Line::sales_item(amount("250.40").unwrap(), Ref::new("2")),
/// ];
/// assert_eq!(lines_total(&lines).unwrap().as_str(), "1250.50");
/// ```
pub fn lines_total(lines: &[Line]) -> Option<atom_core::Decimal> {
    let mut total = atom_core::Decimal::zero();
    for line in lines {
        let Some(value) = &line.amount else { continue };
        total = match &line.detail_type {
            Some(LineDetailType::SubTotal | LineDetailType::DescriptionOnly) => continue,
            Some(LineDetailType::Discount) => total.checked_sub(value)?,
            _ => total.checked_add(value)?,
        };
    }
    Some(total)
}
