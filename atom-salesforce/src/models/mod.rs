//! Typed Salesforce resources. Every model keeps the fields it does not name in `extra`
//! (custom fields `Foo__c`, fields added in later API versions), and money is a
//! [`Decimal`], never an `f64`.

pub mod datetime;
mod describe;
mod field_text;
mod fields;
mod record_serde;
mod records;
mod results;

pub use atom_core::Decimal;
pub use describe::{
    ChildRelationship, DescribeGlobal, FieldDescribe, FieldType, PicklistValue, RecordTypeInfo,
    SObjectDescribe, SObjectSummary,
};
pub use fields::Fields;
pub(crate) use records::SYSTEM_FIELDS;
pub use records::{Account, Attributes, Contact, Lead, Opportunity, Record, SObject};
pub use results::{
    AggregateRow, ApiVersion, DeletedRecord, DeletedRecords, Limit, Limits, QueryResult, SaveError,
    SaveResult, UpdatedRecords, UpsertResult,
};
