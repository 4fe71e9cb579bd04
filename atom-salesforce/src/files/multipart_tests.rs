//! The multipart framing: its computed length against the bytes the body stream yields.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures::StreamExt as _;
use proptest::prelude::*;

use super::*;

/// Drains the body stream of a file of `data` (declared as `declared` bytes).
fn drain(framing: &Framing, data: Vec<u8>, declared: u64) -> io::Result<Vec<u8>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let reader: Reader = Box::pin(std::io::Cursor::new(data));
        let mut stream = Box::pin(body_stream(framing, reader, declared));
        let mut out = Vec::new();
        while let Some(chunk) = stream.next().await {
            out.extend_from_slice(&chunk?);
        }
        Ok(out)
    })
}

#[test]
fn a_reader_shorter_or_longer_than_declared_breaks_the_body_off() {
    let framing = Framing::new(b"{}", "a.txt", "text/plain", "b");
    let short = drain(&framing, vec![1; 10], 11).unwrap_err();
    assert_eq!(short.kind(), io::ErrorKind::UnexpectedEof);
    assert!(
        short.to_string().contains("after 10 of its declared 11"),
        "{short}"
    );
    let long = drain(&framing, vec![1; 12], 11).unwrap_err();
    assert_eq!(long.kind(), io::ErrorKind::InvalidData);
    let exact = drain(&framing, vec![1; 11], 11).unwrap();
    assert_eq!(exact.len() as u64, framing.length(11).unwrap());
}

#[test]
fn file_names_cannot_break_out_of_their_parameter() {
    assert_eq!(escape_filename("a\"b\\c\r\nd.pdf"), "a%22b%5Cc%0D%0Ad.pdf");
    assert_eq!(escape_filename("Résumé 2024.pdf"), "Résumé 2024.pdf");
}

#[test]
fn boundaries_are_fresh_and_avoid_the_parts_contents() {
    let a = pick_boundary(&[b"{}"]).unwrap();
    let b = pick_boundary(&[b"{}"]).unwrap();
    assert_ne!(a, b);
    assert!(a.len() <= 70, "RFC 2046 caps a boundary at 70 characters");
    assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'));
}

#[test]
fn a_boundary_found_in_the_json_part_is_replaced_and_a_lasting_clash_refused() {
    let json: &[u8] = br#"{"Title":"--atom-sf-1 clash"}"#;
    let mut candidates = ["atom-sf-1", "atom-sf-2"].into_iter().map(str::to_owned);
    let picked = pick_boundary_from(&[json], || candidates.next().unwrap()).unwrap();
    assert_eq!(picked, "atom-sf-2");
    let err = pick_boundary_from(&[json], || "atom-sf-1".to_owned()).unwrap_err();
    assert_eq!(err.kind(), atom_core::ErrorKind::Config);
}

#[test]
fn content_types_that_cannot_be_a_header_are_refused() {
    for bad in ["", " ", "text/plain\r\nX-Evil: 1", "tëxt/plain"] {
        assert!(check_content_type(bad).is_err(), "{bad:?}");
    }
    assert!(check_content_type("application/pdf").is_ok());
}

proptest! {
    #![proptest_config(atom_core::testing::proptest_config(256))]
    /// For any title, file name, content type and size, the computed length is the number
    /// of bytes the body stream yields, and the body parses back into both parts. (256
    /// cases: each drains a body of up to 200 KB through a runtime.)
    #[test]
    fn the_computed_length_is_the_bodys_length(
        title in any::<String>(),
        filename in any::<String>(),
        content_type in "[ -~]{1,40}",
        size in 0usize..200_000,
    ) {
        let version = crate::files::NewVersion::new(title, filename.clone());
        let json = serde_json::to_vec(&version).unwrap();
        let escaped = escape_filename(&filename);
        prop_assert!(!escaped.contains(['"', '\\']) && !escaped.chars().any(|c| c.is_ascii_control()));
        let boundary = pick_boundary(&[&json, escaped.as_bytes(), content_type.as_bytes()])
            .unwrap();
        let framing = Framing::new(&json, &filename, &content_type, &boundary);
        let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let body = drain(&framing, data.clone(), size as u64).unwrap();
        prop_assert_eq!(framing.length(size as u64), Some(body.len() as u64));

        // Split on the delimiter: preamble, two parts, epilogue.
        let delimiter = format!("--{boundary}");
        let text = body.as_slice();
        let starts: Vec<usize> = text
            .windows(delimiter.len())
            .enumerate()
            .filter(|(_, w)| *w == delimiter.as_bytes())
            .map(|(i, _)| i)
            .collect();
        prop_assert_eq!(starts.len(), 3, "exactly two parts and the close");
        let first = &text[starts[0] + delimiter.len() + 2..starts[1] - 2];
        let second = &text[starts[1] + delimiter.len() + 2..starts[2] - 2];
        let json_at = first.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        prop_assert_eq!(&first[json_at..], json.as_slice());
        let data_at = second.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        prop_assert!(&second[data_at..] == data.as_slice());
        let close = format!("--{boundary}--\r\n");
        prop_assert_eq!(&text[starts[2]..], close.as_bytes());
    }
}
