//! Record ids: the 18-character case checksum is checked, and 15-character ids convert.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_salesforce::validate::{case_safe_id, record_id};
use common::client;
use wiremock::MockServer;

/// 15-character id → its 18-character form. The first is Salesforce's documented example;
/// the rest were computed by the algorithm and checked by hand, chunk by chunk (e.g.
/// `0035e|00000|Kk9ZQ`: no capitals → `A`, none → `A`, K(bit 0)+Z(bit 3)+Q(bit 4) = 25 → `Z`).
const TABLE: &[(&str, &str)] = &[
    ("001D000000IqhSL", "001D000000IqhSLIAZ"),
    ("001D000000JliST", "001D000000JliSTIAZ"),
    ("00Dx0000000BV7z", "00Dx0000000BV7zEAG"),
    ("0035e00000Kk9ZQ", "0035e00000Kk9ZQAAZ"),
    ("5003000000D8cuI", "5003000000D8cuIAAR"),
    ("a0B5e00000XYZab", "a0B5e00000XYZabEAH"),
    ("000000000000000", "000000000000000AAA"),
    ("abcdefghijklmno", "abcdefghijklmnoAAA"),
    ("ABCDEFGHIJKLMNO", "ABCDEFGHIJKLMNO555"),
    ("Z0000Z0000Z0000", "Z0000Z0000Z0000BBB"),
    ("0000Z0000Z0000Z", "0000Z0000Z0000ZQQQ"),
];

#[test]
fn fifteen_converts_to_eighteen() {
    for (id15, id18) in TABLE {
        assert_eq!(case_safe_id(id15).unwrap(), *id18, "{id15}");
        assert_eq!(case_safe_id(id18).unwrap(), *id18, "{id18}");
        assert_eq!(record_id(id15).unwrap(), *id15);
        assert_eq!(record_id(id18).unwrap(), *id18);
    }
}

#[test]
fn a_wrong_checksum_is_refused() {
    for bad in [
        // Suffix of another id.
        "001D000000IqhSLAAA",
        // One letter's case changed in the first 15.
        "001D000000IqhsLIAZ",
        "001d000000IqhSLIAZ",
        // Lower-cased suffix: Salesforce writes it in capitals and digits.
        "001D000000IqhSLiaz",
        // The whole id lower-cased, as a case-insensitive store would return it.
        "001d000000iqhsliaz",
        // Suffix characters outside the alphabet's digits 0-5.
        "000000000000000AA9",
    ] {
        let err = record_id(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{bad}");
        assert!(err.message().contains("checksum"), "{err}");
        assert!(case_safe_id(bad).is_err(), "{bad}");
    }
    for bad in [
        "",
        "001",
        "001D000000IqhSLI",
        "001D000000IqhSL/AZ",
        "001D000000IqhSLIAZ0",
    ] {
        assert_eq!(
            record_id(bad).unwrap_err().kind(),
            ErrorKind::Config,
            "{bad:?}"
        );
    }
}

#[tokio::test]
async fn a_wrong_checksum_never_reaches_the_server() {
    let server = MockServer::start().await;
    let err = client(&server)
        .accounts()
        .delete("001D000000IqhsLIAZ")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(server.received_requests().await.unwrap().is_empty());
}
