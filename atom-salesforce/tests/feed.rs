//! The records feed against a mock org that keeps state ([`feed_org`]): exact requests,
//! paging, resume from every checkpoint, gaps, `latestDateCovered`, deletion rounds,
//! retries, real payload shapes and Outbound Messages (hostile input: `feed_hostile.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod feed_org;

use std::collections::VecDeque;

use atom_core::ErrorKind;
use atom_core::feed::{Change, ChangeKind, ChangeSource as _, FeedCheckpoint};
use atom_salesforce::feed::{RecordFeedParams, feed_name};
use atom_salesforce::webhook::{self, Notification, OutboundMessages};
use atom_salesforce::{Account, Record};
use chrono::{DateTime, Duration, DurationRound as _, Utc};
use common::{client, fixture_json, id};
use feed_org::{Org, base, gap_of, kinds, minute, org_server, populated, rank_of, sf_time};
use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::json;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_full_walk_sends_the_documented_requests_and_merges_oldest_first() {
    let org = populated(3);
    let (_server, sf) = org_server(&org).await;
    let start = base();
    let feed = sf.sobject("Account").feed(
        &RecordFeedParams::new().fields(["Name", "Id", "Owner.Name"]),
        start,
    );
    assert_eq!(
        feed.checkpoint(),
        Some(&FeedCheckpoint::new("salesforce.sobjects/Account").with_at(start))
    );
    let changes: Vec<Change<Record>> = feed.try_collect().await.unwrap();
    let expected = org.expected_after((start, 0, String::new()));
    assert_eq!(kinds(&changes), expected);
    assert_eq!(changes.len(), 12);
    // The deletion of 5 comes after the updates of the same second, 3's update is an
    // update (created earlier), the twins of second 900 come in Id order.
    let deleted: Vec<_> = changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Deleted)
        .map(|c| (c.object_id.clone(), c.at))
        .collect();
    assert_eq!(
        deleted,
        vec![
            (id("001", 4), start + Duration::seconds(300)),
            (id("001", 5), start + Duration::seconds(900)),
            (id("001", 6), start + Duration::seconds(1500)),
        ]
    );
    let first = &changes[0];
    assert_eq!(first.object_type, "Account");
    assert_eq!(first.object.get_str("Name"), Some("Account 1"));
    assert_eq!(
        first.checkpoint,
        Some(
            FeedCheckpoint::new(feed_name("Account"))
                .with_at(start + Duration::seconds(60))
                .with_cursor(format!("updated:{}", id("001", 1)))
        )
    );
    let del = changes
        .iter()
        .find(|c| c.kind == ChangeKind::Deleted)
        .unwrap();
    assert_eq!(
        del.checkpoint.as_ref().and_then(|c| c.cursor.clone()),
        Some(format!("deleted:{}", id("001", 4)))
    );
    assert_eq!(del.object.id.as_deref(), Some(id("001", 4).as_str()));
    assert_eq!(del.object.get("IsDeleted"), Some(&json!(true)));

    let (queries, windows) = org.with(|s| (s.queries.clone(), s.windows.clone()));
    let t = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (_, end) = windows[0];
    assert_eq!(
        queries,
        vec![format!(
            "SELECT Id, SystemModstamp, CreatedDate, Name, Owner.Name FROM Account WHERE \
             (SystemModstamp >= {} AND SystemModstamp < {}) ORDER BY SystemModstamp ASC, Id ASC",
            t(start),
            t(end)
        )]
    );
    // One window from the start's minute to a minute at least two minutes (the settle
    // time) before now.
    assert_eq!(windows.len(), 1);
    assert_eq!(windows[0].0, start - Duration::minutes(1));
    assert!(end <= Utc::now() - Duration::minutes(2) && end > Utc::now() - Duration::minutes(4));
    // Nine live records at 3 a page: the query and two locator pages; one window.
    assert_eq!(org.with(|s| s.requests), 1 + 3);
}

#[tokio::test]
async fn resuming_from_every_checkpoint_yields_exactly_the_later_changes() {
    let org = populated(2);
    let (_server, sf) = org_server(&org).await;
    let accounts = sf.sobject("Account");
    let params = RecordFeedParams::new().field("Name");
    let all: Vec<Change<Record>> = accounts.feed(&params, base()).try_collect().await.unwrap();
    assert_eq!(all.len(), 12);
    for (i, change) in all.iter().enumerate() {
        let checkpoint = change.checkpoint.clone().unwrap();
        // Saved and read back, as a store would.
        let checkpoint = FeedCheckpoint::from_json(checkpoint.to_json().as_bytes()).unwrap();
        let rest: Vec<Change<Record>> = accounts
            .feed_from(&params, &checkpoint)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(kinds(&rest), kinds(&all[i + 1..]), "resumed after #{i}");
        assert_eq!(kinds(&rest), org.expected_after(rank_of(&checkpoint)));
    }
}

#[tokio::test]
async fn changes_between_runs_come_out_once_in_their_latest_state() {
    let org = populated(3);
    let (_server, sf) = org_server(&org).await;
    let accounts = sf.accounts();
    let params = RecordFeedParams::new().field("Name");
    let all: Vec<Change<Account>> = accounts.feed(&params, base()).try_collect().await.unwrap();
    let last = all.last().unwrap().checkpoint.clone().unwrap();
    let b = base();
    // Two updates of 1, one of 12, a new account, a deletion, all after the last change.
    org.update(1, b + Duration::seconds(1600));
    org.update(1, b + Duration::seconds(1700));
    org.update(12, b + Duration::seconds(1650));
    let new = org.create(20, b + Duration::seconds(1650));
    org.delete(9, b + Duration::seconds(1800));
    let next: Vec<Change<Account>> = accounts
        .feed_from(&params, &last)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        kinds(&next),
        vec![
            // Same second: Id order.
            (ChangeKind::Updated, id("001", 12)),
            (ChangeKind::Created, new.clone()),
            (ChangeKind::Updated, id("001", 1)),
            (ChangeKind::Deleted, id("001", 9)),
        ]
    );
    let one = &next[2].object;
    assert_eq!(
        one.name.as_deref(),
        Some(format!("Account 1 v{}", (b + Duration::seconds(1700)).timestamp()).as_str())
    );
    assert_eq!(one.extra("IsDeleted"), None);
    assert_eq!(next[3].object.extra("IsDeleted"), Some(&json!(true)));
    assert_eq!(next[3].object.id.as_deref(), Some(id("001", 9).as_str()));
    // Nothing more: a third run from the end yields nothing.
    let end = next.last().unwrap().checkpoint.clone().unwrap();
    let none: Vec<Change<Account>> = accounts
        .feed_from(&params, &end)
        .try_collect()
        .await
        .unwrap();
    assert!(none.is_empty());
}

#[tokio::test]
async fn a_position_older_than_the_deletion_log_is_a_gap_before_any_request() {
    let org = populated(3);
    let (_server, sf) = org_server(&org).await;
    let old = Utc::now() - Duration::days(16);
    let mut feed = sf.sobject("Account").feed(&RecordFeedParams::new(), old);
    let err = feed.next().await.unwrap().unwrap_err();
    let gap = gap_of(&err);
    assert_eq!(gap.feed, "salesforce.sobjects/Account");
    assert_eq!(
        gap.resume_from,
        Some(old.duration_trunc(Duration::seconds(1)).unwrap())
    );
    let horizon = gap.horizon.unwrap();
    assert!(horizon > Utc::now() - Duration::days(15) - Duration::minutes(1));
    assert!(feed.next().await.is_none());
    assert_eq!(org.with(|s| s.requests), 0);
    // Just inside the horizon the first window still starts where getDeleted accepts it
    // (the mock refuses a start more than 15 days back), and the walk goes on day by day.
    let inside = Utc::now() - Duration::days(15) + Duration::minutes(10);
    let changes: Vec<Change<Record>> = sf
        .sobject("Account")
        .feed(&RecordFeedParams::new(), inside)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(changes.len(), 12);
    // Within the five-minute margin it is a gap already.
    let edge = Utc::now() - Duration::days(15) + Duration::minutes(2);
    let mut feed = sf.sobject("Account").feed(&RecordFeedParams::new(), edge);
    gap_of(&feed.next().await.unwrap().unwrap_err());
    org.with(|s| s.windows.clear());
    // Without deletions there is no horizon: the query alone serves any time.
    let changes: Vec<Change<Record>> = sf
        .sobject("Account")
        .feed(&RecordFeedParams::new().deletions(false), old)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(changes.len(), 9);
    assert!(changes.iter().all(|c| c.kind != ChangeKind::Deleted));
    assert!(org.with(|s| s.windows.is_empty()));
}

#[tokio::test]
async fn a_purged_delete_log_after_the_position_is_a_gap() {
    let org = populated(3);
    let purged = base() + Duration::minutes(20);
    org.with(|s| s.earliest = Some(purged));
    let (_server, sf) = org_server(&org).await;
    let mut feed = sf.sobject("Account").feed(&RecordFeedParams::new(), base());
    let err = feed.next().await.unwrap().unwrap_err();
    let gap = gap_of(&err);
    assert_eq!((gap.resume_from, gap.horizon), (Some(base()), Some(purged)));
    assert!(feed.next().await.is_none());
    // A position after the purge is fine.
    let after = purged + Duration::seconds(1);
    let rest: Vec<Change<Record>> = sf
        .sobject("Account")
        .feed(&RecordFeedParams::new(), after)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(kinds(&rest), vec![(ChangeKind::Deleted, id("001", 6))]);
}

#[tokio::test]
async fn a_round_stops_at_latest_date_covered_and_resumes_from_there() {
    let org = populated(3);
    // Salesforce says changes from 17 minutes after the base may still be in flight.
    let covered = base() + Duration::minutes(17);
    org.with(|s| s.covered_at = Some(covered));
    let (_server, sf) = org_server(&org).await;
    let accounts = sf.sobject("Account");
    let first: Vec<Change<Record>> = accounts
        .feed(&RecordFeedParams::new(), base())
        .try_collect()
        .await
        .unwrap();
    let expected = org.expected_timed((base(), 0, String::new()));
    let (before, after): (Vec<_>, Vec<_>) = expected.into_iter().partition(|e| e.0 < covered);
    let strip = |v: Vec<(DateTime<Utc>, ChangeKind, String)>| -> Vec<(ChangeKind, String)> {
        v.into_iter().map(|(_, k, id)| (k, id)).collect()
    };
    assert!(!before.is_empty() && !after.is_empty());
    assert_eq!(kinds(&first), strip(before));
    let query = org.with(|s| s.queries[0].clone());
    let upper = covered.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert!(
        query.ends_with(&format!(
            "AND SystemModstamp < {upper}) ORDER BY SystemModstamp ASC, Id ASC"
        )),
        "{query}"
    );
    // Once Salesforce covers the rest, a resume yields it.
    org.with(|s| s.covered_at = None);
    let last = first.last().unwrap().checkpoint.clone().unwrap();
    let rest: Vec<Change<Record>> = accounts
        .feed_from(&RecordFeedParams::new(), &last)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(kinds(&rest), strip(after));
}

#[tokio::test]
async fn the_feed_stays_the_settle_time_behind_now() {
    let org = Org::new(10);
    let now = Utc::now().duration_trunc(Duration::seconds(1)).unwrap();
    let old = org.create(1, now - Duration::minutes(30));
    let recent = org.create(2, now - Duration::seconds(30));
    let (_server, sf) = org_server(&org).await;
    let accounts = sf.sobject("Account");
    let start = now - Duration::hours(1);
    for (deletions, settle, expected) in [
        (false, 120, vec![old.clone()]),
        (true, 120, vec![old.clone()]),
        (false, 0, vec![old.clone(), recent.clone()]),
    ] {
        let params = RecordFeedParams::new()
            .deletions(deletions)
            .settle(std::time::Duration::from_secs(settle));
        let got: Vec<Change<Record>> = accounts.feed(&params, start).try_collect().await.unwrap();
        let ids: Vec<String> = got.into_iter().map(|c| c.object_id).collect();
        assert_eq!(ids, expected, "deletions {deletions}, settle {settle}s");
    }
    // Only the feed with deletions asked for a window.
    assert_eq!(org.with(|s| s.windows.len()), 1);
}

#[tokio::test]
async fn a_start_days_back_walks_day_windows_in_order() {
    let org = Org::new(4);
    let start = minute(Utc::now() - Duration::days(3));
    for day in 0..3 {
        for k in 0..3 {
            let n = day * 10 + k + 1;
            let t = start + Duration::days(day as i64) + Duration::hours(k as i64 + 1);
            org.create(n, t);
        }
        org.delete(
            day * 10 + 2,
            start + Duration::days(day as i64) + Duration::hours(5),
        );
    }
    let (_server, sf) = org_server(&org).await;
    let changes: Vec<Change<Record>> = sf
        .sobject("Account")
        .feed(&RecordFeedParams::new(), start)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        kinds(&changes),
        org.expected_after((start, 0, String::new()))
    );
    assert_eq!(changes.len(), 6 + 3);
    let windows = org.with(|s| s.windows.clone());
    assert!(windows.len() >= 3, "{windows:?}");
    for pair in windows.windows(2) {
        // Each window starts a minute before the previous one ended: no edge is lost.
        assert_eq!(pair[0].1 - Duration::minutes(1), pair[1].0, "{windows:?}");
    }
    assert!(
        windows
            .iter()
            .all(|(s, e)| *e - *s <= Duration::days(1) + Duration::minutes(1))
    );
}

#[tokio::test]
async fn more_deletions_than_a_round_holds_are_split_without_loss() {
    let org = Org::new(500);
    let b = base();
    for n in 1..=4400 {
        org.create(n, b + Duration::seconds(1));
    }
    for n in 1..=4400 {
        // 300 in one second, 2 000 a second apart, then 2 100 in one second (more than a
        // round holds: that round takes the whole second).
        let at = match n {
            ..=300 => 10,
            301..=2300 => 10 + n as i64,
            _ => 3000,
        };
        org.delete(n, b + Duration::seconds(at));
    }
    org.create(9000, b + Duration::seconds(5000));
    let (_server, sf) = org_server(&org).await;
    let changes: Vec<Change<Record>> = sf
        .sobject("Account")
        .feed(&RecordFeedParams::new(), b)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(kinds(&changes), org.expected_after((b, 0, String::new())));
    assert_eq!(changes.len(), 4401);
    assert!(org.with(|s| s.windows.len()) >= 3);
}

#[tokio::test]
async fn server_errors_mid_walk_are_retried_and_the_walk_finishes() {
    let org = populated(2);
    let (_server, sf) = org_server(&org).await;
    // The first query page fails once (503), the third twice (429 then 503).
    org.with(|s| s.fail = VecDeque::from([503]));
    let mut feed = sf.sobject("Account").feed(&RecordFeedParams::new(), base());
    let mut got = Vec::new();
    while let Some(change) = feed.next().await {
        let change = change.unwrap();
        if got.len() == 3 {
            org.with(|s| s.fail = VecDeque::from([429, 503]));
        }
        got.push(change);
    }
    assert_eq!(kinds(&got), org.expected_after((base(), 0, String::new())));
    // 1 window + 5 query pages (nine live records, two a page) + 3 failed answers retried.
    assert_eq!(org.with(|s| s.requests), 1 + 5 + 3);
}

#[tokio::test]
async fn records_changed_during_a_walk_come_out_in_this_run_or_the_next() {
    let org = populated(2);
    let (_server, sf) = org_server(&org).await;
    let accounts = sf.sobject("Account");
    let params = RecordFeedParams::new().field("Name");
    let mut feed = accounts.feed(&params, base());
    let mut first = Vec::new();
    while let Some(change) = feed.next().await {
        first.push(change.unwrap());
        if first.len() == 2 {
            // Changed while the walk pages through the query it already started.
            org.update(1, Utc::now() - Duration::minutes(3));
            org.update(11, Utc::now() - Duration::minutes(3));
            org.delete(12, Utc::now() - Duration::minutes(3));
        }
    }
    let last = first.last().unwrap().checkpoint.clone().unwrap();
    let second: Vec<Change<Record>> = accounts
        .feed_from(&params, &last)
        .try_collect()
        .await
        .unwrap();
    let latest: Vec<_> = second
        .iter()
        .map(|c| (c.kind, c.object_id.clone()))
        .collect();
    assert_eq!(
        latest,
        vec![
            (ChangeKind::Updated, id("001", 1)),
            (ChangeKind::Updated, id("001", 11)),
            (ChangeKind::Deleted, id("001", 12)),
        ]
    );
    assert_eq!(
        second[0].object.get_str("Name").map(|n| n.contains(" v")),
        Some(true),
        "the latest state"
    );
}

#[tokio::test]
async fn an_expired_query_locator_is_replaced_by_the_query_from_the_position() {
    let org = populated(2);
    let (_server, sf) = org_server(&org).await;
    let mut feed = sf.sobject("Account").feed(&RecordFeedParams::new(), base());
    let mut got = Vec::new();
    while let Some(change) = feed.next().await {
        got.push(change.unwrap());
        if got.len() == 3 {
            org.with(|s| s.expire_next = true);
        }
    }
    assert_eq!(kinds(&got), org.expected_after((base(), 0, String::new())));
    let queries = org.with(|s| s.queries.clone());
    assert_eq!(queries.len(), 2, "{queries:?}");
    // The second query starts after a change already handed out, by keyset.
    assert!(queries[1].contains("AND Id > '"), "{}", queries[1]);
}

#[tokio::test]
async fn real_payload_shapes_decode() {
    // The recorded getDeleted answer and query record (restforce's fixtures, from
    // Salesforce's documentation), moved into the feed's window.
    let b = base();
    let mut deleted = fixture_json("get_deleted_success_response.json");
    deleted["deletedRecords"][0]["deletedDate"] = json!(sf_time(b + Duration::seconds(30)));
    deleted["latestDateCovered"] = json!(sf_time(minute(Utc::now() - Duration::minutes(2))));
    let mut page = fixture_json("query_success_response.json");
    let record = &mut page["records"][0];
    record["attributes"]["type"] = json!("Whizbang");
    record["Id"] = json!("a00D0000008pQR8IAM");
    record["SystemModstamp"] = json!(sf_time(b + Duration::seconds(10)));
    record["CreatedDate"] = json!("2011-07-07T00:37:00.000+0000");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path_regex("/sobjects/Whizbang/deleted/$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(deleted))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("/query$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(&server)
        .await;
    let sf = client(&server);
    let changes: Vec<Change<Record>> = sf
        .sobject("Whizbang")
        .feed(&RecordFeedParams::new().field("Text_Label"), b)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        kinds(&changes),
        vec![
            (ChangeKind::Updated, "a00D0000008pQR8IAM".to_owned()),
            (ChangeKind::Deleted, "a00D0000008pQRAIA2".to_owned()),
        ]
    );
    let r = &changes[0].object;
    assert_eq!(r.get_str("Text_Label"), Some("Hi there!"));
    assert_eq!(
        r.get("Whizbangs__r").and_then(|v| v["totalSize"].as_u64()),
        Some(1)
    );
    assert_eq!(changes[1].object_type, "Whizbang");
}

#[tokio::test]
async fn an_outbound_message_is_the_same_change_as_the_feeds() {
    let org = populated(3);
    let (_server, sf) = org_server(&org).await;
    let fed: Vec<Change<Record>> = sf
        .sobject("Account")
        .feed(&RecordFeedParams::new().field("Name"), base())
        .try_collect()
        .await
        .unwrap();
    let b = base();
    let mut notifications = Vec::new();
    for (n, created, modstamp) in [(1, 60, 60), (2, 120, 901)] {
        let mut record = Record {
            id: Some(id("001", n)),
            ..Record::default()
        };
        record
            .set("Name", format!("Account {n}"))
            .set("CreatedDate", sf_time(b + Duration::seconds(created)))
            .set("SystemModstamp", sf_time(b + Duration::seconds(modstamp)));
        notifications.push(Notification {
            id: format!("04l5g00000AAAAAAA{n}"),
            object: "Account".into(),
            record,
        });
    }
    let body =
        webhook::outbound_message("00Dx0000000BV7zEAG", "04k5g000000abcdAAA", &notifications);
    let message = OutboundMessages::new(["00Dx0000000BV7zEAG"])
        .parse(body.as_bytes())
        .unwrap();
    let pushed = message.into_changes().unwrap();
    assert_eq!(pushed.len(), 2);
    for change in pushed {
        assert!(change.checkpoint.is_none());
        let same = fed
            .iter()
            .find(|c| c.object_id == change.object_id)
            .unwrap();
        assert_eq!(
            (change.kind, &change.object_type, change.at),
            (same.kind, &same.object_type, same.at)
        );
    }
    // A notification without a record id is refused, not made up.
    let body = webhook::outbound_message(
        "00Dx0000000BV7zEAG",
        "04k5g000000abcdAAA",
        &[Notification {
            id: "04l5g00000AAAAAAA9".into(),
            object: "Account".into(),
            record: Record::default(),
        }],
    );
    let message = OutboundMessages::new(["00Dx0000000BV7zEAG"])
        .parse(body.as_bytes())
        .unwrap();
    assert_eq!(
        message.into_changes().unwrap_err().kind(),
        ErrorKind::Decode
    );
}

/// A walk that ends moves the feed's checkpoint to the end of its last round (settled, so
/// exact): a feed whose object does not change for longer than the deletion log keeps
/// resumes from there instead of reporting a gap, and a resume yields what changed since.
#[tokio::test]
async fn the_end_of_a_walk_moves_the_checkpoint_past_a_quiet_spell() {
    let org = populated(3);
    let (_server, sf) = org_server(&org).await;
    let accounts = sf.accounts();
    let params = RecordFeedParams::new().field("Name");
    let mut feed = accounts.feed(&params, base());
    let mut handed = Vec::new();
    while let Some(change) = feed.try_next().await.unwrap() {
        handed.push(change.checkpoint.unwrap());
    }
    let end = feed.checkpoint().cloned().unwrap();
    assert_eq!(end.cursor, None, "{end:?}");
    let last = handed.last().unwrap().at.unwrap();
    let end_at = end.at.unwrap();
    assert!(
        end_at > last,
        "the end ({end_at}) is past the last change ({last})"
    );
    assert!(
        end_at <= Utc::now() - Duration::seconds(110),
        "and behind the settle time"
    );

    // Changed at the very end of the walked window: not handed out yet, so the resume (a
    // shorter settle time, to reach past it now) yields it, and nothing before it.
    let later = org.create(31, end_at);
    let soon = params.clone().settle(std::time::Duration::from_secs(1));
    let next: Vec<Change<Account>> = accounts.feed_from(&soon, &end).try_collect().await.unwrap();
    let ids: Vec<&str> = next.iter().map(|c| c.object_id.as_str()).collect();
    assert_eq!(ids, [later.as_str()]);
}
