//! The chunked CSV reader: any table written in any dialect and cut into any chunks reads
//! back the same; any bytes in any chunks give the same answer as read whole, never a
//! panic; the row cap holds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use atom_core::ErrorKind;
use atom_core::testing::proptest_config as config;
use atom_salesforce::bulk::csv_parts;
use atom_salesforce::bulk_csv::{ColumnDelimiter, CsvDecoder, CsvFormat, CsvTable, LineEnding};
use proptest::prelude::*;

const SPECIALS: &[char] = &[
    ',', ';', '|', '^', '`', '\t', '"', '\r', '\n', ' ', 'é', '\u{feff}', '#',
];

fn value() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![1 => any::<char>(), 3 => proptest::sample::select(SPECIALS)],
        0..12,
    )
    .prop_map(String::from_iter)
}

fn format() -> impl Strategy<Value = CsvFormat> {
    (
        proptest::sample::select(ColumnDelimiter::ALL.to_vec()),
        proptest::sample::select(LineEnding::ALL.to_vec()),
    )
        .prop_map(|(d, l)| CsvFormat::new(d, l))
}

/// Feeds `bytes` cut at `cuts` (positions, any order) and returns the rows and header.
fn decode_chunked(
    bytes: &[u8],
    cuts: &[usize],
    decoder: &mut CsvDecoder,
) -> atom_core::Result<Vec<Vec<String>>> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.push(bytes.len());
    cuts.sort_unstable();
    let mut rows = Vec::new();
    let mut start = 0;
    for end in cuts {
        let chunk = &bytes[start..end];
        start = end;
        let mut pos = 0;
        while let Some(record) = decoder.decode(chunk, &mut pos)? {
            rows.push(record.values().map(str::to_owned).collect());
        }
    }
    if let Some(record) = decoder.finish()? {
        rows.push(record.values().map(str::to_owned).collect());
    }
    Ok(rows)
}

#[test]
fn a_byte_order_mark_split_over_chunks_is_dropped() {
    let bytes = b"\xEF\xBB\xBFId,Name\n1,A\n";
    for cut in 0..bytes.len() {
        let mut decoder = CsvDecoder::new(ColumnDelimiter::Comma);
        let rows = decode_chunked(bytes, &[cut], &mut decoder).unwrap();
        assert_eq!(decoder.headers().unwrap().to_vec(), ["Id", "Name"]);
        assert_eq!(rows, [["1", "A"]]);
    }
}

#[test]
fn hostile_bodies_are_decode_errors() {
    for body in [
        &b"Id,Name\n1,\"open"[..],
        b"Id,Name\n1,\"x\"y\n",
        b"Id,Name\n1,2,3\n",
        b"Id,Name\n1,\xff\n",
    ] {
        let mut decoder = CsvDecoder::new(ColumnDelimiter::Comma);
        let err = decode_chunked(body, &[], &mut decoder).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{body:?}");
    }
    // A million empty fields cost their offsets too: the cap stops them.
    let body = [&b"Id\n"[..], &vec![b','; 1 << 20]].concat();
    let mut decoder = CsvDecoder::new(ColumnDelimiter::Comma).max_row_bytes(1 << 16);
    let err = decode_chunked(&body, &[], &mut decoder).unwrap_err();
    assert!(err.to_string().contains("longer than the limit"), "{err}");
}

proptest! {
    // Tables of up to 5 columns and 6 rows of 12 characters: about 1 ms a case in debug.
    #![proptest_config(config(2_000))]

    #[test]
    fn any_table_in_any_dialect_cut_anywhere_reads_back_the_same(
        (headers, rows) in (1usize..5).prop_flat_map(|width| (
            proptest::collection::vec("[A-Za-z][A-Za-z0-9]{0,6}", width),
            proptest::collection::vec(proptest::collection::vec(value(), width), 0..6),
        )),
        format in format(),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let mut table = CsvTable::new(headers.clone()).unwrap();
        for row in &rows {
            table.push_row(row.clone()).unwrap();
        }
        let bytes = table.to_csv_with(format).unwrap();
        let mut decoder = CsvDecoder::new(format.delimiter);
        let read = decode_chunked(&bytes, &cuts, &mut decoder).unwrap();
        prop_assert_eq!(decoder.headers().unwrap().to_vec(), headers);
        prop_assert_eq!(&read, &rows);
        prop_assert_eq!(CsvTable::parse_with(&bytes, format).unwrap(), table);
    }

    #[test]
    fn any_bytes_cut_anywhere_read_as_they_do_whole(
        bytes in proptest::collection::vec(
            prop_oneof![1 => any::<u8>(), 3 => proptest::sample::select(b",;\"\r\n\tab\xEF\xBB\xBF".to_vec())],
            0..128,
        ),
        delimiter in proptest::sample::select(ColumnDelimiter::ALL.to_vec()),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let whole = decode_chunked(&bytes, &[], &mut CsvDecoder::new(delimiter));
        let chunked = decode_chunked(&bytes, &cuts, &mut CsvDecoder::new(delimiter));
        match (whole, chunked) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => prop_assert_eq!(a.kind(), b.kind()),
            (a, b) => prop_assert!(false, "whole {:?} vs chunked {:?}", a, b),
        }
    }

    #[test]
    fn no_row_over_the_cap_comes_out(
        rows in proptest::collection::vec(proptest::collection::vec(value(), 2), 0..6),
        cap in 8usize..64,
        cuts in proptest::collection::vec(any::<usize>(), 0..4),
    ) {
        let mut table = CsvTable::new(["A", "B"]).unwrap();
        for row in &rows {
            table.push_row(row.clone()).unwrap();
        }
        let bytes = table.to_csv().unwrap();
        let mut decoder = CsvDecoder::new(ColumnDelimiter::Comma).max_row_bytes(cap);
        match decode_chunked(&bytes, &cuts, &mut decoder) {
            Ok(read) => {
                for row in &read {
                    let cost: usize = row.iter().map(|v| v.len() + 4).sum();
                    prop_assert!(cost <= cap, "row {:?} over {}", row, cap);
                }
                prop_assert_eq!(read, rows);
            }
            Err(error) => prop_assert_eq!(error.kind(), ErrorKind::Decode),
        }
    }

    /// Every upload fits, starts with the header, and the uploads hold the table's rows in
    /// order, exactly once; or a row that cannot fit alone is a `Config` error.
    #[test]
    fn uploads_split_at_row_boundaries_hold_every_row_once_in_order(
        rows in proptest::collection::vec(proptest::collection::vec(value(), 2), 0..12),
        format in format(),
        max in 8usize..120,
    ) {
        let mut table = CsvTable::new(["Name", "Description"]).unwrap();
        for row in &rows {
            table.push_row(row.clone()).unwrap();
        }
        let header = CsvTable::new(["Name", "Description"]).unwrap().to_csv_with(format).unwrap();
        let longest = rows.iter().map(|r| {
            let mut one = CsvTable::new(["Name", "Description"]).unwrap();
            one.push_row(r.clone()).unwrap();
            one.to_csv_with(format).unwrap().len()
        }).max().unwrap_or(0);
        let parts: Result<Vec<_>, _> = csv_parts(&table, format, max).collect();
        match parts {
            Ok(parts) => {
                prop_assert!(longest <= max);
                let mut next = 0;
                let mut read = Vec::new();
                for (range, body) in &parts {
                    prop_assert!(body.len() <= max);
                    prop_assert!(body.starts_with(&header));
                    prop_assert_eq!(range.start, next);
                    prop_assert!(range.end > range.start);
                    next = range.end;
                    read.extend(CsvTable::parse_with(body, format).unwrap().rows().to_vec());
                }
                prop_assert_eq!(next, rows.len());
                prop_assert_eq!(read, rows);
            }
            Err(error) => {
                prop_assert_eq!(error.kind(), ErrorKind::Config);
                prop_assert!(longest > max || header.len() > max);
            }
        }
    }
}
