//! GitHub's paging: the `Link` response header's `rel="next"` URL, plugged into the core
//! [`Paginator`].
//!
//! [`next_link`] is a pure parser of RFC 8288 `Link` values: several links separated by
//! commas, parameters in any order, quoted or bare values (a quoted value may contain `,` and
//! `;`), several relation types in one `rel` (`rel="next last"`), any case. An absent header
//! means the last page; a header that does not parse is a `Decode` error, never a guess.

use std::borrow::Cow;

use atom_core::{ApiResponse, Checkpoint, Error, Page, Paginator, Request, Result};
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::SERVICE;

/// The largest page GitHub serves.
pub const MAX_PER_PAGE: u8 = 100;

/// The URL of the next page named by a `Link` header value, if any.
///
/// ```
/// use atom_github::pagination::next_link;
/// let header = r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#;
/// assert_eq!(
///     next_link(Some(header)).unwrap().as_deref(),
///     Some("https://api.github.com/repositories/1/issues?page=2")
/// );
/// assert_eq!(next_link(None).unwrap(), None);
/// assert!(next_link(Some("https://no-brackets; rel=next")).is_err());
/// ```
pub fn next_link(header: Option<&str>) -> Result<Option<String>> {
    let Some(header) = header else {
        return Ok(None);
    };
    let links = parse_links(header)
        .map_err(|why| Error::decode(SERVICE, format!("malformed Link header: {why}")))?;
    Ok(links
        .into_iter()
        .find(|(_, rels)| rels.iter().any(|r| r.eq_ignore_ascii_case("next")))
        .map(|(url, _)| url))
}

/// Every link of a header: its URL and its relation types.
pub fn parse_links(header: &str) -> std::result::Result<Vec<(String, Vec<String>)>, String> {
    let mut links = Vec::new();
    let mut rest = header.trim_start();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix(',') {
            rest = after.trim_start();
            continue;
        }
        let Some(after_open) = rest.strip_prefix('<') else {
            return Err("a link must start with '<'".into());
        };
        let Some(close) = after_open.find('>') else {
            return Err("unterminated '<'".into());
        };
        let url = after_open[..close].trim();
        if url.is_empty() {
            return Err("empty link target".into());
        }
        rest = after_open[close + 1..].trim_start();
        let mut rels = Vec::new();
        while let Some(after_semi) = rest.strip_prefix(';') {
            let (name, value, after) = parse_param(after_semi.trim_start())?;
            if name.eq_ignore_ascii_case("rel") {
                rels.extend(value.split_ascii_whitespace().map(str::to_owned));
            }
            rest = after.trim_start();
        }
        if !rest.is_empty() && !rest.starts_with(',') {
            return Err(format!(
                "unexpected text after a link: {:?}",
                first_chars(rest)
            ));
        }
        links.push((url.to_owned(), rels));
    }
    Ok(links)
}

/// One `name=value` or `name="quoted value"` parameter; returns the rest of the input.
fn parse_param(input: &str) -> std::result::Result<(&str, Cow<'_, str>, &str), String> {
    let name_end = input
        .find(|c: char| c == '=' || c == ';' || c == ',' || c.is_ascii_whitespace())
        .unwrap_or(input.len());
    let name = &input[..name_end];
    if name.is_empty() {
        return Err("empty parameter name".into());
    }
    let rest = input[name_end..].trim_start();
    let Some(value_part) = rest.strip_prefix('=') else {
        // A parameter without a value (`; crossorigin`).
        return Ok((name, Cow::Borrowed(""), rest));
    };
    let value_part = value_part.trim_start();
    if let Some(quoted) = value_part.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, escaped)) => value.push(escaped),
                    None => break,
                },
                '"' => return Ok((name, Cow::Owned(value), &quoted[i + 1..])),
                other => value.push(other),
            }
        }
        Err(format!("unterminated quoted value of {name:?}"))
    } else {
        let end = value_part.find([';', ',']).unwrap_or(value_part.len());
        let value = value_part[..end].trim();
        if value.is_empty() {
            return Err(format!("empty value of {name:?}"));
        }
        Ok((name, Cow::Borrowed(value), &value_part[end..]))
    }
}

fn first_chars(s: &str) -> String {
    s.chars().take(20).collect()
}

/// How many items a list asks GitHub for on each page (`per_page`).
///
/// ```
/// use atom_github::pagination::PerPage;
/// assert_eq!(PerPage::default(), PerPage::Max);
/// assert_eq!(PerPage::from(30), PerPage::Exactly(30));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PerPage {
    /// 100, GitHub's maximum: the fewest requests (the default).
    #[default]
    Max,
    /// No `per_page` parameter: GitHub's own default page size (30).
    Unset,
    /// This many, clamped to 1..=100.
    Exactly(u8),
}

impl From<u8> for PerPage {
    fn from(size: u8) -> Self {
        Self::Exactly(size)
    }
}

impl PerPage {
    /// The `per_page` value to send, if any.
    pub(crate) fn query_value(self) -> Option<u8> {
        match self {
            Self::Max => Some(MAX_PER_PAGE),
            Self::Unset => None,
            Self::Exactly(size) => Some(size.clamp(1, MAX_PER_PAGE)),
        }
    }
}

/// How a page's items (and what GitHub says about the whole result) are read from the
/// response body; the next page comes from the `Link` header.
pub(crate) type Extract<T> = fn(&ApiResponse) -> Result<Page<T>>;

/// A page body that is a JSON array.
pub(crate) fn array<T: DeserializeOwned>(response: &ApiResponse) -> Result<Page<T>> {
    Ok(Page::new(response.json()?, None))
}

/// A stream over every page from `from`: the first request as built, then each
/// `rel="next"` URL (the checkpoint's cursor is such a URL). A request that could not be
/// built comes out as the stream's only item.
pub(crate) fn paginate<T>(
    client: &Client,
    first: Result<Request>,
    template: &'static str,
    extract: Extract<T>,
    from: Checkpoint,
) -> Paginator<T>
where
    T: Send + 'static,
{
    let first = match first {
        Ok(first) => first,
        Err(error) => return Paginator::failed(error).service(SERVICE),
    };
    let client = client.clone();
    Paginator::walk(
        SERVICE,
        from,
        first,
        move |request| {
            let client = client.clone();
            Box::pin(async move { client.send(request).await })
        },
        move |first, url| {
            let next = Request::get(url)
                .operation(first.operation_name().to_owned())
                .path_template(template);
            match first.rate_class_name() {
                Some(class) => next.rate_class(class),
                None => next,
            }
        },
        move |response| {
            let mut page = extract(response)?;
            page.next = next_link(response.header("link"))?;
            Ok(page)
        },
    )
}
