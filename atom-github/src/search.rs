//! Search for issues/pull requests and repositories, with a query builder.
//!
//! Search has its own, lower limit (30 requests a minute when authenticated): these calls
//! run in the `search` rate class, paced separately from other calls.

use std::fmt;

use atom_core::{ApiResponse, Checkpoint, Error, Page, Paginator, Request, Result};

use crate::client::{Client, SEARCH_CLASS};
use crate::error::SERVICE;
use crate::models::{Issue, IssueSearchResults, RepoSearchResults, Repository};
use crate::pagination::{PerPage, paginate};

/// A GitHub search query, built from words and `qualifier:value` pairs.
///
/// Everything given to [`text`](Self::text), [`qualifier`](Self::qualifier),
/// [`exclude`](Self::exclude) or [`is`](Self::is) is a literal term: it is quoted when it needs
/// it (spaces, quotes, `:`, parentheses, a leading `-`, or exactly one of GitHub's operator
/// words `AND`, `OR`, `NOT`), and `"` and `\` inside a quoted value are escaped, so a value
/// can never add a qualifier, an operator or a group of its own. Operators and groups are
/// asked for explicitly: [`and`](Self::and), [`or`](Self::or), [`not`](Self::not),
/// [`operator`](Self::operator) and [`group`](Self::group). Qualifier names are checked.
///
/// ```
/// use atom_github::search::SearchQuery;
/// let q = SearchQuery::new()
///     .text("crash on start")
///     .qualifier("repo", "rust-lang/rust")?
///     .qualifier("label", "good first issue")?
///     .is("open")
///     .exclude("label", "wontfix")?;
/// assert_eq!(
///     q.to_string(),
///     r#""crash on start" repo:rust-lang/rust label:"good first issue" is:open -label:wontfix"#
/// );
/// // A caller's word is never an operator; an operator is asked for by name.
/// let q = SearchQuery::new()
///     .text("NOT")
///     .group(SearchQuery::new().text("panic").or().text("abort"))
///     .not("flaky");
/// assert_eq!(q.to_string(), r#""NOT" (panic OR abort) NOT flaky"#);
/// # Ok::<(), atom_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    parts: Vec<String>,
}

/// A boolean operator of GitHub's search syntax, written between terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operator {
    /// `AND`: both sides (what a space means anyway).
    And,
    /// `OR`: either side.
    Or,
    /// `NOT`: excludes the term that follows.
    Not,
}

impl Operator {
    /// The word GitHub reads (`AND`, `OR`, `NOT`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::And => "AND",
            Self::Or => "OR",
            Self::Not => "NOT",
        }
    }
}

/// Whether GitHub would read `word` as an operator. GitHub only reads the upper-case words
/// as operators (`and` is a search word), so only those are quoted.
fn is_operator_word(word: &str) -> bool {
    matches!(word, "AND" | "OR" | "NOT")
}

/// Writes `value` as one literal search term: bare when safe, else quoted with `"` and `\`
/// escaped. An operator word (`AND`, `OR`, `NOT`) is quoted, so it is searched for, not
/// applied; whitespace and control characters become spaces inside the quotes.
///
/// ```
/// use atom_github::search::quote;
/// assert_eq!(quote("tetris"), "tetris");
/// assert_eq!(quote("NOT"), r#""NOT""#);
/// assert_eq!(quote("not"), "not");
/// assert_eq!(quote(r#"say "hi" \o/"#), r#""say \"hi\" \\o/""#);
/// ```
pub fn quote(value: &str) -> String {
    let needs_quotes = value.is_empty()
        || value.starts_with('-')
        || is_operator_word(value)
        || value.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '"' | ':' | '(' | ')' | '\\')
        });
    if !needs_quotes {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        // A line break would end the query term; a space keeps its meaning.
        out.push(if c.is_whitespace() || c.is_control() {
            ' '
        } else {
            c
        });
    }
    out.push('"');
    out
}

fn qualifier_name(name: &str) -> Result<&str> {
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if valid {
        Ok(name)
    } else {
        Err(Error::config(
            SERVICE,
            format!("{name:?} is not a search qualifier"),
        ))
    }
}

impl SearchQuery {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }

    /// Free text, always literal: one word bare, several as a quoted phrase; `AND`, `OR` and
    /// `NOT` are quoted (searched for), use [`operator`](Self::operator) to apply one.
    pub fn text(mut self, text: &str) -> Self {
        self.parts.push(quote(text));
        self
    }

    /// An operator between the terms before and after it.
    pub fn operator(mut self, operator: Operator) -> Self {
        self.parts.push(operator.as_str().to_owned());
        self
    }

    /// `AND` (a space already means "and"; this spells it out).
    pub fn and(self) -> Self {
        self.operator(Operator::And)
    }

    /// `OR` between the term before and the term after.
    pub fn or(self) -> Self {
        self.operator(Operator::Or)
    }

    /// `NOT text`: excludes results containing `text` (a literal term, quoted as needed).
    pub fn not(self, text: &str) -> Self {
        self.operator(Operator::Not).text(text)
    }

    /// `(inner)`: a group, for `a (b OR c)`. An empty group adds nothing.
    pub fn group(mut self, inner: SearchQuery) -> Self {
        if !inner.is_empty() {
            self.parts.push(format!("({inner})"));
        }
        self
    }

    /// `name:value`.
    pub fn qualifier(mut self, name: &str, value: &str) -> Result<Self> {
        self.parts
            .push(format!("{}:{}", qualifier_name(name)?, quote(value)));
        Ok(self)
    }

    /// `-name:value`: excludes matches.
    pub fn exclude(mut self, name: &str, value: &str) -> Result<Self> {
        self.parts
            .push(format!("-{}:{}", qualifier_name(name)?, quote(value)));
        Ok(self)
    }

    /// `is:value` (`open`, `closed`, `pr`, `issue`, `merged`, ...).
    pub fn is(mut self, value: &str) -> Self {
        self.parts.push(format!("is:{}", quote(value)));
        self
    }

    /// `repo:owner/name`.
    pub fn repo(self, owner: &str, repo: &str) -> Result<Self> {
        let owner = crate::path::name("owner", owner)?;
        let repo = crate::path::name("repository", repo)?;
        self.qualifier("repo", &format!("{owner}/{repo}"))
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }
}

impl fmt::Display for SearchQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.parts.join(" "))
    }
}

/// Order of search results.
#[derive(Debug, Clone, Default)]
pub struct SearchParams {
    /// A sort field (`comments`, `created`, `updated`, `stars`, ...; default: best match).
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub order: Option<String>,
    /// Page size (default 100, the most GitHub gives; `PerPage::Unset` sends none).
    pub per_page: PerPage,
}

/// Search calls; from [`Client::search`].
#[derive(Debug, Clone)]
pub struct Search {
    client: Client,
}

impl Client {
    /// Search calls.
    pub fn search(&self) -> Search {
        Search {
            client: self.clone(),
        }
    }
}

fn issue_items(response: &ApiResponse) -> Result<Page<Issue>> {
    let results = response.json::<IssueSearchResults>()?;
    Ok(Page::new(results.items, None)
        .with_total(results.total_count)
        .with_complete(!results.incomplete_results))
}

fn repo_items(response: &ApiResponse) -> Result<Page<Repository>> {
    let results = response.json::<RepoSearchResults>()?;
    Ok(Page::new(results.items, None)
        .with_total(results.total_count)
        .with_complete(!results.incomplete_results))
}

impl Search {
    fn first(
        path: &'static str,
        operation: &'static str,
        query: &SearchQuery,
        params: &SearchParams,
    ) -> Result<Request> {
        if query.is_empty() {
            return Err(Error::config(SERVICE, "a search needs a query"));
        }
        Ok(Request::get(path)
            .operation(operation)
            .path_template(path)
            .rate_class(SEARCH_CLASS)
            .query("q", query.to_string())
            .query_opt("sort", params.sort.as_deref())
            .query_opt("order", params.order.as_deref())
            .query_opt("per_page", params.per_page.query_value()))
    }

    /// `GET /search/issues`: issues and pull requests, every page (GitHub serves at most
    /// 1000 results; the relevance `score` is in each item's `extra`). The stream's
    /// [`total`](Paginator::total) is GitHub's `total_count` and
    /// [`complete`](Paginator::complete) is `false` when GitHub says the search timed out
    /// (`incomplete_results`). An empty query is the stream's only item, a `Config` error.
    pub fn issues(&self, query: &SearchQuery, params: &SearchParams) -> Paginator<Issue> {
        self.issues_from(query, params, Checkpoint::default())
    }

    /// [`issues`](Self::issues) resumed from a [`Paginator::checkpoint`].
    pub fn issues_from(
        &self,
        query: &SearchQuery,
        params: &SearchParams,
        from: Checkpoint,
    ) -> Paginator<Issue> {
        paginate(
            &self.client,
            Self::first("/search/issues", "search.issues", query, params),
            "/search/issues",
            issue_items,
            from,
        )
    }

    /// `GET /search/repositories`, every page, with `total` and `complete` as for
    /// [`issues`](Self::issues).
    pub fn repositories(
        &self,
        query: &SearchQuery,
        params: &SearchParams,
    ) -> Paginator<Repository> {
        self.repositories_from(query, params, Checkpoint::default())
    }

    /// [`repositories`](Self::repositories) resumed from a [`Paginator::checkpoint`].
    pub fn repositories_from(
        &self,
        query: &SearchQuery,
        params: &SearchParams,
        from: Checkpoint,
    ) -> Paginator<Repository> {
        paginate(
            &self.client,
            Self::first("/search/repositories", "search.repos", query, params),
            "/search/repositories",
            repo_items,
            from,
        )
    }
}
