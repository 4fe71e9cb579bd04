//! atom-salesforce (in progress)
