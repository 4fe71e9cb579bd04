//! Client-side cost of reading query pages into the generic [`Record`] vs typed structs:
//! `P` pages of 2 000 Account rows (18 fields each: `attributes`, strings, nulls, a decimal,
//! an integer, a boolean, timestamps and an `Owner` lookup with its own `attributes`), every
//! record collected into one `Vec`, in one of six modes:
//!
//! * `floor`: plain reqwest + `serde_json::from_slice` into a minimal struct (four fields),
//!   what an expert writes by hand when only those are needed;
//! * `typed`: `Client::query` into a struct naming every field (an [`SObject`] of the
//!   caller's, no catch-all);
//! * `account`: `Client::query` into the crate's [`Account`] (named fields plus `extra`);
//! * `record`: `Client::query` into [`Record`];
//! * `record_read`: as `record`, then one field of every record read (`get_str`), which
//!   decodes a record's fields when they are kept as text until read;
//! * `record_read_all`: as `record`, then every field of every record read (`get`).
//!
//! The server runs in a child process, so a profiler on this process counts only the
//! client's work. Callgrind's counts repeat within 0.1 % where wall clock on a shared
//! machine varies by ±30 %. Per-record cost without the fixed start-up:
//!
//! ```text
//! cargo build --release -p atom-salesforce --example record_cost
//! for mode in floor typed account record record_read record_read_all; do for p in 2 10; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/record_cost $mode $p 2>&1 | grep Collected
//! done; done
//! ```
//!
//! and (I(10) - I(2)) / 16 000 for each mode. Memory: the example prints the process's peak
//! RSS (`VmHWM`); the peak of live heap bytes, exactly, is DHAT's `At t-gmax`:
//!
//! ```text
//! valgrind --tool=dhat --dhat-out-file=/dev/null \
//!   target/release/examples/record_cost record 10 2>&1 | grep -A1 't-gmax'
//! ```
//!
//! Figures (10 pages, 20 000 records; instructions per record from the callgrind recipe,
//! heap from DHAT, RSS as printed): before `Record` kept its fields as text, after it (with
//! a cheaper scan for cut-short child lists), and, last, with that scan a vectorised
//! search (`memchr::memmem`): every mode but `floor` scans each page once.
//!
//! | mode | instructions per record | heap at t-gmax | peak RSS |
//! | --- | --- | --- | --- |
//! | `floor` | 13 616 | 7.4 MB | 17 MiB |
//! | `typed` | 30 471 → 30 088 → 23 374 | 28.7 MB | 36 MiB |
//! | `account` | 44 108 → 43 860 → 37 243 | 61.6 MB | 72 MiB |
//! | `record` | 52 055 → 31 815 → **25 106** | 81.8 → **21.7 MB** | 101 → **28 MiB** |
//! | `record_read` | 52 311 → 41 437 → 34 729 | 81.8 → 30.2 MB | 101 → 37 MiB |
//! | `record_read_all` | 57 697 → 68 736 → 62 083 | 81.8 → 70.3 MB | 101 → 87 MiB |
//!
//! Reading every field of every record one by one costs more instructions than the map did
//! (each field is decoded on its own, about 2 300 instructions); a caller who reads whole
//! records is better served by a typed struct.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

use atom_core::Secret;
use atom_core::retry::RetryPolicy;
use atom_salesforce::models::Attributes;
use atom_salesforce::soql::Soql;
use atom_salesforce::{Account, Client, Decimal, Record, SObject};
use futures::TryStreamExt as _;
use serde::{Deserialize, Serialize};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PER_PAGE: usize = 2_000;
const VERSION: &str = atom_salesforce::DEFAULT_API_VERSION;

/// One Account row as a `SELECT` of 16 fields and `Owner.Name` returns it.
fn row(n: usize) -> String {
    let id = format!("001D000000{n:08}");
    let owner = format!("005D000000{:08}", n % 97);
    let website = if n.is_multiple_of(3) {
        "null".to_owned()
    } else {
        format!("\"https://www.example-{n}.com\"")
    };
    let parent = if n.is_multiple_of(5) {
        format!("\"001D000000{:08}\"", n / 5)
    } else {
        "null".to_owned()
    };
    format!(
        concat!(
            r#"{{"attributes":{{"type":"Account","url":"/services/data/v{v}/sobjects/Account/{id}"}},"#,
            r#""Id":"{id}","Name":"Account {n}, \"bench\" & Co","Type":"Customer - Direct","#,
            r#""Industry":"Manufacturing","Phone":"(555) 010-{p:04}","Website":{website},"#,
            r#""BillingCity":"Oslo","BillingCountry":"Norway","AnnualRevenue":{rev}.5,"#,
            r#""NumberOfEmployees":{emp},"OwnerId":"{owner}","ParentId":{parent},"#,
            r#""CreatedDate":"2024-01-02T03:04:05.000+0000","#,
            r#""LastModifiedDate":"2025-06-07T08:09:10.000+0000","IsDeleted":false,"#,
            r#""Tier__c":"Gold","#,
            r#""Owner":{{"attributes":{{"type":"User","url":"/services/data/v{v}/sobjects/User/{owner}"}},"Name":"Owner {o}"}}}}"#
        ),
        v = VERSION,
        id = id,
        n = n,
        p = n % 10_000,
        website = website,
        rev = n * 1000,
        emp = n % 5000,
        owner = owner,
        parent = parent,
        o = n % 97,
    )
}

fn page(index: usize, pages: usize) -> String {
    let rows: Vec<String> = (index * PER_PAGE..(index + 1) * PER_PAGE)
        .map(row)
        .collect();
    let next = if index + 1 < pages {
        format!(
            r#""nextRecordsUrl":"/services/data/v{VERSION}/query/01gD0000000BENCH-{}","#,
            (index + 1) * PER_PAGE
        )
    } else {
        String::new()
    };
    format!(
        r#"{{"totalSize":{},"done":{},{next}"records":[{}]}}"#,
        pages * PER_PAGE,
        index + 1 == pages,
        rows.join(",")
    )
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct MinimalAccount {
    #[serde(rename = "Id")]
    id: String,
    #[serde(rename = "Name")]
    name: Option<String>,
    #[serde(rename = "BillingCountry")]
    billing_country: Option<String>,
    #[serde(rename = "AnnualRevenue")]
    annual_revenue: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MinimalPage {
    done: bool,
    next_records_url: Option<String>,
    records: Vec<MinimalAccount>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Owner {
    #[serde(rename = "attributes")]
    attributes: Option<Attributes>,
    name: Option<String>,
}

/// Every field of the query named, as a caller who knows the statement writes it.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AccountRow {
    #[serde(rename = "attributes")]
    attributes: Option<Attributes>,
    id: Option<String>,
    name: Option<String>,
    #[serde(rename = "Type")]
    account_type: Option<String>,
    industry: Option<String>,
    phone: Option<String>,
    website: Option<String>,
    billing_city: Option<String>,
    billing_country: Option<String>,
    annual_revenue: Option<Decimal>,
    number_of_employees: Option<i64>,
    owner_id: Option<String>,
    parent_id: Option<String>,
    created_date: Option<String>,
    last_modified_date: Option<String>,
    is_deleted: Option<bool>,
    #[serde(rename = "Tier__c")]
    tier: Option<String>,
    owner: Option<Owner>,
}

impl SObject for AccountRow {
    const NAME: &'static str = "Account";
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn serve(pages: usize) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let server = MockServer::start().await;
        let bodies: Vec<String> = (0..pages).map(|i| page(i, pages)).collect();
        let first = bodies.first().cloned().unwrap_or_default();
        Mock::given(method("GET"))
            .and(path(format!("/services/data/v{VERSION}/query")))
            .respond_with(ResponseTemplate::new(200).set_body_raw(first, "application/json"))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path_regex(r"/query/01gD0000000BENCH-\d+$"))
            .respond_with(move |req: &wiremock::Request| {
                let at: usize = req
                    .url
                    .path()
                    .rsplit('-')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                let body = bodies.get(at / PER_PAGE).cloned().unwrap_or_default();
                ResponseTemplate::new(200).set_body_raw(body, "application/json")
            })
            .mount(&server)
            .await;
        println!("{}", server.uri());
        std::future::pending::<()>().await;
    });
}

async fn floor(base: &str) -> usize {
    let http = atom_core::reqwest::Client::new();
    let mut url = format!("{base}/services/data/v{VERSION}/query?q=SELECT+Id+FROM+Account");
    let mut all: Vec<MinimalAccount> = Vec::new();
    loop {
        let body = http
            .get(&url)
            .header("authorization", "Bearer 00Dx0000000BV7z!bench")
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let page: MinimalPage = serde_json::from_slice(&body).unwrap();
        all.extend(page.records);
        match page.next_records_url {
            Some(next) if !page.done => url = format!("{base}{next}"),
            _ => break,
        }
    }
    all.len()
}

async fn through_client<T: SObject>(client: &Client) -> usize {
    let soql = Soql::from_static("SELECT Id, Name, Owner.Name FROM Account");
    let all: Vec<T> = client.query(&soql).try_collect().await.unwrap();
    all.len()
}

async fn record_read(client: &Client) -> usize {
    let soql = Soql::from_static("SELECT Id, Name, Owner.Name FROM Account");
    let all: Vec<Record> = client.query(&soql).try_collect().await.unwrap();
    let norway = all
        .iter()
        .filter(|r| r.get_str("BillingCountry") == Some("Norway"))
        .count();
    assert_eq!(norway, all.len());
    all.len()
}

const FIELDS: [&str; 17] = [
    "Name",
    "Type",
    "Industry",
    "Phone",
    "Website",
    "BillingCity",
    "BillingCountry",
    "AnnualRevenue",
    "NumberOfEmployees",
    "OwnerId",
    "ParentId",
    "CreatedDate",
    "LastModifiedDate",
    "IsDeleted",
    "Tier__c",
    "Owner",
    "Missing__c",
];

async fn record_read_all(client: &Client) -> usize {
    let soql = Soql::from_static("SELECT Id, Name, Owner.Name FROM Account");
    let all: Vec<Record> = client.query(&soql).try_collect().await.unwrap();
    let found: usize = all
        .iter()
        .map(|r| FIELDS.iter().filter(|f| r.get(f).is_some()).count())
        .sum();
    assert_eq!(found, all.len() * (FIELDS.len() - 1));
    all.len()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str).unwrap_or("record");
    let pages: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(10);
    if mode == "serve" {
        serve(pages);
        return;
    }
    let mut server = Command::new(std::env::current_exe().unwrap())
        .args(["serve", &pages.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut base = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut base)
        .unwrap();
    let base = base.trim().to_owned();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = Client::builder()
        .base_url(&base)
        .access_token(Secret::new("00Dx0000000BV7z!bench"))
        .retry_policy(RetryPolicy::default())
        .build()
        .unwrap();
    let started = Instant::now();
    let n = rt.block_on(async {
        match mode {
            "floor" => floor(&base).await,
            "typed" => through_client::<AccountRow>(&client).await,
            "account" => through_client::<Account>(&client).await,
            "record_read" => record_read(&client).await,
            "record_read_all" => record_read_all(&client).await,
            _ => through_client::<Record>(&client).await,
        }
    });
    let elapsed = started.elapsed();
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(n, pages * PER_PAGE);
    println!(
        "{mode}: {n} records, {:.2} µs per record (wall), peak RSS {:.1} MiB",
        elapsed.as_secs_f64() * 1e6 / n.max(1) as f64,
        peak_rss_kib().unwrap_or(0) as f64 / 1024.0
    );
}
