//! The builder's SOQL grammar beyond plain filters: exact text for each clause and
//! function Salesforce documents, and refusals for the combinations it rejects.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use atom_core::ErrorKind;
use atom_salesforce::soql::{
    Aggregate, DateLiteral, FieldSet, Filter, Lock, Nulls, Order, Query, Security, Soql, TypeOf,
};

fn text(q: &Query) -> String {
    q.build().unwrap().as_str().to_owned()
}

fn refused(q: &Query) -> String {
    let err = q.build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    err.to_string()
}

#[test]
fn child_relationship_subqueries() {
    let contacts = Query::select(["LastName", "Email"])
        .from("Contacts")
        .filter(Filter::eq("LastName", "O'Brien"))
        .order_by("LastName", Order::Asc)
        .limit(3);
    let q = Query::select(["Id", "Name"])
        .subquery(contacts)
        .subquery(Query::select(["Subject"]).from("Cases"))
        .from("Account");
    assert_eq!(
        text(&q),
        "SELECT Id, Name, (SELECT LastName, Email FROM Contacts WHERE LastName = 'O\\'Brien' \
         ORDER BY LastName ASC LIMIT 3), (SELECT Subject FROM Cases) FROM Account"
    );
    let bad = Query::select(["Id"])
        .subquery(Query::select(["Id"]).from("Contacts) FROM User --"))
        .from("Account");
    refused(&bad);
}

#[test]
fn semi_and_anti_joins() {
    let won = Query::select(["AccountId"])
        .from("Opportunity")
        .filter(Filter::eq("StageName", "Closed Won"));
    let cases = Query::select(["AccountId"]).from("Case");
    let q = Query::select(["Id"])
        .from("Account")
        .filter(Filter::in_query("Id", won).and(Filter::not_in_query("Id", cases)));
    assert_eq!(
        text(&q),
        "SELECT Id FROM Account WHERE (Id IN (SELECT AccountId FROM Opportunity WHERE \
         StageName = 'Closed Won') AND Id NOT IN (SELECT AccountId FROM Case))"
    );
    let two = Query::select(["Id", "Name"]).from("Case");
    let msg = refused(
        &Query::select(["Id"])
            .from("Account")
            .filter(Filter::in_query("Id", two)),
    );
    assert!(msg.contains("exactly one field"), "{msg}");
    let count = Query::count().from("Case");
    refused(
        &Query::select(["Id"])
            .from("Account")
            .filter(Filter::in_query("Id", count)),
    );
}

#[test]
fn counts_and_aggregates_with_aliases() {
    assert_eq!(
        text(&Query::count().from("Contact")),
        "SELECT COUNT() FROM Contact"
    );
    assert_eq!(
        text(
            &Query::count()
                .from("Contact")
                .filter(Filter::eq("LastName", "x"))
        ),
        "SELECT COUNT() FROM Contact WHERE LastName = 'x'"
    );
    let mixed = Query::count()
        .aggregate(Aggregate::Count, "Id", None)
        .from("Contact");
    assert!(refused(&mixed).contains("COUNT()"));

    let q = Query::select(["CampaignId"])
        .aggregate(Aggregate::Count, "Id", Some("Total"))
        .aggregate(Aggregate::CountDistinct, "Company", Some("Companies"))
        .aggregate(Aggregate::Avg, "Amount", None)
        .from("Lead")
        .group_by("CampaignId");
    assert_eq!(
        text(&q),
        "SELECT CampaignId, COUNT(Id) Total, COUNT_DISTINCT(Company) Companies, AVG(Amount) \
         FROM Lead GROUP BY CampaignId"
    );
    refused(
        &Query::select(["Id"])
            .aggregate(Aggregate::Sum, "Amount", Some("a b"))
            .from("Lead"),
    );
}

#[test]
fn group_by_rollup_cube_and_having() {
    let q = Query::select(["LeadSource", "Rating"])
        .aggregate(Aggregate::Count, "Name", Some("cnt"))
        .from("Lead")
        .group_by_rollup(["LeadSource", "Rating"]);
    assert_eq!(
        text(&q),
        "SELECT LeadSource, Rating, COUNT(Name) cnt FROM Lead GROUP BY ROLLUP(LeadSource, Rating)"
    );
    let q = Query::select(["Type", "BillingCountry"])
        .aggregate(Aggregate::Count, "Id", None)
        .from("Account")
        .group_by_cube(["Type", "BillingCountry"]);
    assert_eq!(
        text(&q),
        "SELECT Type, BillingCountry, COUNT(Id) FROM Account GROUP BY CUBE(Type, BillingCountry)"
    );
    let q = Query::select(["Name"])
        .aggregate(Aggregate::Count, "Id", None)
        .from("Account")
        .group_by("Name")
        .having(Filter::aggregate(Aggregate::Count, "Id").gt(1))
        .having(Filter::aggregate(Aggregate::Sum, "AnnualRevenue").le(1000))
        .order_by("Name", Order::Asc);
    assert_eq!(
        text(&q),
        "SELECT Name, COUNT(Id) FROM Account GROUP BY Name HAVING (COUNT(Id) > 1 AND \
         SUM(AnnualRevenue) <= 1000) ORDER BY Name ASC"
    );
    let having_text = Query::select(["Name"])
        .from("Account")
        .group_by("Name")
        .having(Filter::aggregate(Aggregate::Max, "Site").eq("x' OR 1"));
    assert_eq!(
        text(&having_text),
        "SELECT Name FROM Account GROUP BY Name HAVING MAX(Site) = 'x\\' OR 1'"
    );

    let msg = refused(
        &Query::select(["Name"])
            .from("Account")
            .having(Filter::aggregate(Aggregate::Count, "Id").gt(1)),
    );
    assert!(msg.contains("GROUP BY"), "{msg}");
    refused(
        &Query::select(["A"])
            .from("Account")
            .group_by_rollup(["A", "B", "C", "D"]),
    );
    refused(
        &Query::select(["A"])
            .from("Account")
            .group_by_cube(Vec::<&str>::new()),
    );
}

#[test]
fn translation_format_and_currency_functions() {
    let q = Query::select(["Id"])
        .to_label("StageName", None)
        .format("Amount", Some("Amt"))
        .convert_currency("ExpectedRevenue", None)
        .from("Opportunity");
    assert_eq!(
        text(&q),
        "SELECT Id, toLabel(StageName), FORMAT(Amount) Amt, convertCurrency(ExpectedRevenue) \
         FROM Opportunity"
    );
    refused(
        &Query::select(["Id"])
            .to_label("Stage) FROM User --", None)
            .from("Opportunity"),
    );
}

#[test]
fn fields_function_and_its_limit_rule() {
    assert_eq!(
        text(
            &Query::select(Vec::<&str>::new())
                .fields(FieldSet::Standard)
                .from("Contact")
        ),
        "SELECT FIELDS(STANDARD) FROM Contact"
    );
    assert_eq!(
        text(
            &Query::select(["Name"])
                .fields(FieldSet::Custom)
                .from("Account")
                .limit(200)
        ),
        "SELECT Name, FIELDS(CUSTOM) FROM Account LIMIT 200"
    );
    assert_eq!(
        text(
            &Query::select(Vec::<&str>::new())
                .fields(FieldSet::All)
                .from("Account")
                .limit(1)
        ),
        "SELECT FIELDS(ALL) FROM Account LIMIT 1"
    );
    for set in [FieldSet::All, FieldSet::Custom] {
        let none = Query::select(Vec::<&str>::new())
            .fields(set)
            .from("Account");
        assert!(refused(&none).contains("200"));
        refused(&none.limit(201));
    }
    // The rule holds inside a subquery too.
    let child = Query::select(Vec::<&str>::new())
        .fields(FieldSet::All)
        .from("Contacts");
    refused(&Query::select(["Id"]).subquery(child).from("Account"));
}

#[test]
fn security_modes() {
    for (mode, word) in [
        (Security::Enforced, "SECURITY_ENFORCED"),
        (Security::UserMode, "USER_MODE"),
        (Security::SystemMode, "SYSTEM_MODE"),
    ] {
        let q = Query::select(["Id"])
            .from("Account")
            .filter(Filter::eq("Name", "A"))
            .with(mode)
            .order_by("Name", Order::Desc)
            .limit(5);
        assert_eq!(
            text(&q),
            format!(
                "SELECT Id FROM Account WHERE Name = 'A' WITH {word} ORDER BY Name DESC LIMIT 5"
            )
        );
    }
}

#[test]
fn locking_and_tracking() {
    let base = || Query::select(["Id"]).from("Account").limit(1);
    assert_eq!(
        text(&base().lock(Lock::View)),
        "SELECT Id FROM Account LIMIT 1 FOR VIEW"
    );
    assert_eq!(
        text(&base().lock(Lock::Reference)),
        "SELECT Id FROM Account LIMIT 1 FOR REFERENCE"
    );
    assert_eq!(
        text(&base().offset(10).lock(Lock::Update)),
        "SELECT Id FROM Account LIMIT 1 OFFSET 10 FOR UPDATE"
    );
    let msg = refused(&base().order_by("Name", Order::Asc).lock(Lock::Update));
    assert!(msg.contains("ORDER BY"), "{msg}");
}

#[test]
fn typeof_expressions() {
    let q = Query::select(["Id"])
        .type_of(
            TypeOf::new("What")
                .when("Account", ["Phone"])
                .when("Opportunity", ["Amount", "CloseDate"])
                .otherwise(["Name"]),
        )
        .from("Event");
    assert_eq!(
        text(&q),
        "SELECT Id, TYPEOF What WHEN Account THEN Phone WHEN Opportunity THEN Amount, CloseDate \
         ELSE Name END FROM Event"
    );
    let no_else = Query::select(["Id"])
        .type_of(TypeOf::new("Owner").when("User", ["Email"]))
        .from("Case");
    assert_eq!(
        text(&no_else),
        "SELECT Id, TYPEOF Owner WHEN User THEN Email END FROM Case"
    );
    refused(
        &Query::select(["Id"])
            .type_of(TypeOf::new("What"))
            .from("Event"),
    );
    refused(
        &Query::select(["Id"])
            .type_of(TypeOf::new("What").when("Account", Vec::<&str>::new()))
            .from("Event"),
    );
    refused(
        &Query::select(["Id"])
            .type_of(TypeOf::new("What").when("Account END FROM User --", ["Id"]))
            .from("Event"),
    );
}

#[test]
fn order_nulls_limit_and_offset() {
    let q = Query::select(["Id"])
        .from("Contact")
        .order_by_nulls("LastName", Order::Asc, Nulls::Last)
        .order_by_nulls("FirstName", Order::Desc, Nulls::First)
        .limit(10)
        .offset(2000);
    assert_eq!(
        text(&q),
        "SELECT Id FROM Contact ORDER BY LastName ASC NULLS LAST, FirstName DESC NULLS FIRST \
         LIMIT 10 OFFSET 2000"
    );
    refused(&Query::select(["Id"]).from("Contact").offset(2001));
}

#[test]
fn every_date_literal_renders_as_documented() {
    let cases = [
        (DateLiteral::Yesterday, "YESTERDAY"),
        (DateLiteral::Today, "TODAY"),
        (DateLiteral::Tomorrow, "TOMORROW"),
        (DateLiteral::LastWeek, "LAST_WEEK"),
        (DateLiteral::ThisWeek, "THIS_WEEK"),
        (DateLiteral::NextWeek, "NEXT_WEEK"),
        (DateLiteral::LastMonth, "LAST_MONTH"),
        (DateLiteral::ThisMonth, "THIS_MONTH"),
        (DateLiteral::NextMonth, "NEXT_MONTH"),
        (DateLiteral::Last90Days, "LAST_90_DAYS"),
        (DateLiteral::Next90Days, "NEXT_90_DAYS"),
        (DateLiteral::LastNDays(7), "LAST_N_DAYS:7"),
        (DateLiteral::NextNDays(7), "NEXT_N_DAYS:7"),
        (DateLiteral::NDaysAgo(3), "N_DAYS_AGO:3"),
        (DateLiteral::LastNWeeks(2), "LAST_N_WEEKS:2"),
        (DateLiteral::NextNWeeks(2), "NEXT_N_WEEKS:2"),
        (DateLiteral::NWeeksAgo(2), "N_WEEKS_AGO:2"),
        (DateLiteral::LastNMonths(6), "LAST_N_MONTHS:6"),
        (DateLiteral::NextNMonths(6), "NEXT_N_MONTHS:6"),
        (DateLiteral::NMonthsAgo(6), "N_MONTHS_AGO:6"),
        (DateLiteral::ThisQuarter, "THIS_QUARTER"),
        (DateLiteral::LastQuarter, "LAST_QUARTER"),
        (DateLiteral::NextQuarter, "NEXT_QUARTER"),
        (DateLiteral::LastNQuarters(2), "LAST_N_QUARTERS:2"),
        (DateLiteral::NextNQuarters(2), "NEXT_N_QUARTERS:2"),
        (DateLiteral::NQuartersAgo(2), "N_QUARTERS_AGO:2"),
        (DateLiteral::ThisYear, "THIS_YEAR"),
        (DateLiteral::LastYear, "LAST_YEAR"),
        (DateLiteral::NextYear, "NEXT_YEAR"),
        (DateLiteral::LastNYears(5), "LAST_N_YEARS:5"),
        (DateLiteral::NextNYears(5), "NEXT_N_YEARS:5"),
        (DateLiteral::NYearsAgo(5), "N_YEARS_AGO:5"),
        (DateLiteral::ThisFiscalQuarter, "THIS_FISCAL_QUARTER"),
        (DateLiteral::LastFiscalQuarter, "LAST_FISCAL_QUARTER"),
        (DateLiteral::NextFiscalQuarter, "NEXT_FISCAL_QUARTER"),
        (
            DateLiteral::LastNFiscalQuarters(4),
            "LAST_N_FISCAL_QUARTERS:4",
        ),
        (
            DateLiteral::NextNFiscalQuarters(4),
            "NEXT_N_FISCAL_QUARTERS:4",
        ),
        (
            DateLiteral::NFiscalQuartersAgo(4),
            "N_FISCAL_QUARTERS_AGO:4",
        ),
        (DateLiteral::ThisFiscalYear, "THIS_FISCAL_YEAR"),
        (DateLiteral::LastFiscalYear, "LAST_FISCAL_YEAR"),
        (DateLiteral::NextFiscalYear, "NEXT_FISCAL_YEAR"),
        (DateLiteral::LastNFiscalYears(2), "LAST_N_FISCAL_YEARS:2"),
        (DateLiteral::NextNFiscalYears(2), "NEXT_N_FISCAL_YEARS:2"),
        (DateLiteral::NFiscalYearsAgo(2), "N_FISCAL_YEARS_AGO:2"),
    ];
    for (literal, token) in cases {
        assert_eq!(literal.render(), token);
        let q = Query::select(["Id"])
            .from("Opportunity")
            .filter(Filter::eq("CloseDate", literal));
        assert_eq!(
            text(&q),
            format!("SELECT Id FROM Opportunity WHERE CloseDate = {token}")
        );
        let raw = Soql::raw("SELECT Id FROM Opportunity WHERE CloseDate = :d")
            .bind("d", literal)
            .build()
            .unwrap();
        assert_eq!(
            raw.as_str(),
            format!("SELECT Id FROM Opportunity WHERE CloseDate = {token}")
        );
        let listed = Query::select(["Id"])
            .from("Opportunity")
            .filter(Filter::is_in("CloseDate", [literal, DateLiteral::Today]));
        assert_eq!(
            text(&listed),
            format!("SELECT Id FROM Opportunity WHERE CloseDate IN ({token}, TODAY)")
        );
    }
}

#[test]
fn order_by_an_aggregate() {
    let q = Query::select(["Industry"])
        .aggregate(Aggregate::Sum, "AnnualRevenue", Some("Revenue"))
        .from("Account")
        .group_by("Industry")
        .order_by_aggregate(Aggregate::Sum, "AnnualRevenue", Order::Desc)
        .order_by("Industry", Order::Asc)
        .limit(10);
    assert_eq!(
        text(&q),
        "SELECT Industry, SUM(AnnualRevenue) Revenue FROM Account GROUP BY Industry \
         ORDER BY SUM(AnnualRevenue) DESC, Industry ASC LIMIT 10"
    );
    refused(&Query::select(["Id"]).from("Account").order_by_aggregate(
        Aggregate::Max,
        "x) FROM User --",
        Order::Asc,
    ));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(atom_core::testing::proptest_config(2_000))]

        /// Whatever names a caller passes to the grammar's methods, building either fails
        /// with a config error or yields a statement whose only quote characters come from
        /// the escaped text value (names never carry punctuation into the statement).
        #[test]
        fn arbitrary_names_never_reach_the_statement(
            name in "[A-Za-z_ ()',.:-]{0,12}",
            value in any::<String>(),
            pick in 0_u8..8,
        ) {
            let base = Query::select(["Id"]).from("Account");
            let q = match pick {
                0 => base.to_label(&name, None),
                1 => base.format("Amount", Some(&name)),
                2 => base.subquery(Query::select([name.as_str()]).from("Contacts")),
                3 => base.filter(Filter::in_query(&name, Query::select(["AccountId"]).from("Case"))),
                4 => base.group_by_rollup([name.as_str()]),
                5 => base.type_of(TypeOf::new("What").when(&name, ["Id"])),
                6 => base.order_by_aggregate(Aggregate::Max, &name, Order::Asc),
                _ => base.group_by("Name").having(Filter::aggregate(Aggregate::Count, &name).gt(1)),
            }
            .filter(Filter::eq("Site", value.as_str()));
            match q.build() {
                Ok(soql) => {
                    let head = soql.as_str().split(" WHERE ").next().unwrap_or_default();
                    prop_assert!(!head.contains('\''), "{}", soql);
                    prop_assert!(!head.contains(" --"), "{}", soql);
                }
                Err(e) => prop_assert_eq!(e.kind(), ErrorKind::Config),
            }
        }
    }
}
