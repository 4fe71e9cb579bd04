//! Help Center: categories, sections, articles (list per locale, get, create, update,
//! search), article labels, and the lookup of articles that answer a ticket.
//!
//! ```no_run
//! # async fn demo(client: atom_zendesk::Client) -> atom_core::Result<()> {
//! let ticket = client.tickets().get(35436).await?;
//! for article in client.help_center("en-us").articles_for_ticket(&ticket, 3).await? {
//!     println!("{}: {}", article.title.unwrap_or_default(), article.html_url.unwrap_or_default());
//! }
//! # Ok(()) }
//! ```
//!
//! Help Center lists page by cursor (`page[size]`); article search pages by offset (at most
//! 100 pages). The locale (`en-us`) is checked when a call is made: letters, digits and
//! hyphens only.

use atom_core::{Checkpoint, Error, Paginator, Request, Result};
use futures::TryStreamExt as _;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::SERVICE;
use crate::models::{Article, Category, Label, Section, Ticket};
use crate::pagination::{MAX_PAGE_SIZE, Scheme, cursor_first, paginate};

/// A new article. `permission_group_id` (who may edit) is required by Zendesk;
/// `user_segment_id` `None` means everyone may read it (sent as `null`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ArticleCreateParams {
    /// The title.
    pub title: String,
    /// The HTML body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Who may edit it.
    pub permission_group_id: u64,
    /// Who may read it (`None`: everyone).
    pub user_segment_id: Option<u64>,
    /// Labels.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub label_names: Vec<String>,
    /// Saved as a draft.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft: Option<bool>,
    /// Promoted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promoted: Option<bool>,
}

/// A change to an article's metadata (its title and body live in translations: see
/// [`HelpCenter::update_translation`]); setting nothing is refused.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ArticleUpdateParams {
    /// Moves it to another section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section_id: Option<u64>,
    /// Replaces the labels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_names: Option<Vec<String>>,
    /// Promoted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promoted: Option<bool>,
    /// Position in the section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    /// Comments allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments_disabled: Option<bool>,
}

/// An article search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleSearchParams {
    /// The words to look for.
    pub query: Option<String>,
    /// Only articles with these labels.
    pub label_names: Vec<String>,
    /// Only this category.
    pub category: Option<u64>,
    /// Only this section.
    pub section: Option<u64>,
}

/// A Help Center in one locale.
#[derive(Debug, Clone)]
pub struct HelpCenter {
    client: Client,
    locale: String,
}

impl Client {
    /// The Help Center in `locale` (`en-us`), checked when a call is made.
    pub fn help_center(&self, locale: impl Into<String>) -> HelpCenter {
        HelpCenter {
            client: self.clone(),
            locale: locale.into(),
        }
    }
}

fn check_locale(locale: &str) -> Result<&str> {
    let ok = !locale.is_empty()
        && locale.len() <= 16
        && locale
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !locale.starts_with('-');
    if ok {
        Ok(locale)
    } else {
        Err(Error::config(
            SERVICE,
            "a Help Center locale is letters, digits and hyphens (en-us)",
        ))
    }
}

#[derive(Deserialize)]
struct ArticleBody {
    article: Article,
}

/// The words of a text, for a search that must not carry syntax: letters and digits only,
/// at most `max` words.
fn words(text: &str, max: usize) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 1)
        .take(max)
        .collect::<Vec<_>>()
        .join(" ")
}

impl HelpCenter {
    fn list<T>(
        &self,
        suffix: std::result::Result<String, Error>,
        template: &'static str,
        operation: &'static str,
        key: &'static str,
        from: Checkpoint,
    ) -> Paginator<T>
    where
        T: serde::de::DeserializeOwned + Send + 'static,
    {
        let request = check_locale(&self.locale).and_then(|locale| {
            let suffix = suffix?;
            Ok(cursor_first(
                Request::get(format!("/api/v2/help_center/{locale}{suffix}"))
                    .operation(operation)
                    .path_template(template),
                None,
            ))
        });
        paginate(&self.client, request, key, Scheme::Cursor, from)
    }

    /// `GET /api/v2/help_center/{locale}/categories`.
    pub fn categories(&self) -> Paginator<Category> {
        self.categories_from(Checkpoint::default())
    }

    /// [`categories`](Self::categories) from a checkpoint.
    pub fn categories_from(&self, from: Checkpoint) -> Paginator<Category> {
        self.list(
            Ok("/categories".into()),
            "/api/v2/help_center/{locale}/categories",
            "help_center.categories",
            "categories",
            from,
        )
    }

    /// `GET /api/v2/help_center/{locale}/sections`, or a category's with `Some(id)`.
    pub fn sections(&self, category: Option<u64>) -> Paginator<Section> {
        self.sections_from(category, Checkpoint::default())
    }

    /// [`sections`](Self::sections) from a checkpoint.
    pub fn sections_from(&self, category: Option<u64>, from: Checkpoint) -> Paginator<Section> {
        match category {
            Some(id) => self.list(
                Ok(format!("/categories/{id}/sections")),
                "/api/v2/help_center/{locale}/categories/{id}/sections",
                "help_center.sections",
                "sections",
                from,
            ),
            None => self.list(
                Ok("/sections".into()),
                "/api/v2/help_center/{locale}/sections",
                "help_center.sections",
                "sections",
                from,
            ),
        }
    }

    /// `GET /api/v2/help_center/{locale}/articles`, or a section's with `Some(id)`.
    pub fn articles(&self, section: Option<u64>) -> Paginator<Article> {
        self.articles_from(section, Checkpoint::default())
    }

    /// [`articles`](Self::articles) from a checkpoint.
    pub fn articles_from(&self, section: Option<u64>, from: Checkpoint) -> Paginator<Article> {
        match section {
            Some(id) => self.list(
                Ok(format!("/sections/{id}/articles")),
                "/api/v2/help_center/{locale}/sections/{id}/articles",
                "help_center.articles",
                "articles",
                from,
            ),
            None => self.list(
                Ok("/articles".into()),
                "/api/v2/help_center/{locale}/articles",
                "help_center.articles",
                "articles",
                from,
            ),
        }
    }

    /// `GET /api/v2/help_center/{locale}/articles/{id}`.
    pub async fn get_article(&self, id: u64) -> Result<Article> {
        let locale = check_locale(&self.locale)?;
        let body: ArticleBody = self
            .client
            .send_json(
                Request::get(format!("/api/v2/help_center/{locale}/articles/{id}"))
                    .operation("help_center.get_article")
                    .path_template("/api/v2/help_center/{locale}/articles/{id}"),
            )
            .await?;
        Ok(body.article)
    }

    /// `POST /api/v2/help_center/{locale}/sections/{id}/articles`.
    pub async fn create_article(
        &self,
        section: u64,
        params: &ArticleCreateParams,
    ) -> Result<Article> {
        let locale = check_locale(&self.locale)?;
        if params.title.trim().is_empty() {
            return Err(Error::config(SERVICE, "an article needs a title"));
        }
        #[derive(Serialize)]
        struct Body<'a> {
            article: WithLocale<'a>,
        }
        #[derive(Serialize)]
        struct WithLocale<'a> {
            locale: &'a str,
            #[serde(flatten)]
            params: &'a ArticleCreateParams,
        }
        let body: ArticleBody = self
            .client
            .send_json(
                Request::post(format!(
                    "/api/v2/help_center/{locale}/sections/{section}/articles"
                ))
                .operation("help_center.create_article")
                .path_template("/api/v2/help_center/{locale}/sections/{id}/articles")
                .json(&Body {
                    article: WithLocale { locale, params },
                }),
            )
            .await?;
        Ok(body.article)
    }

    /// `PUT /api/v2/help_center/{locale}/articles/{id}`: metadata; a change that sets
    /// nothing is refused.
    pub async fn update_article(&self, id: u64, params: &ArticleUpdateParams) -> Result<Article> {
        let locale = check_locale(&self.locale)?;
        if params == &ArticleUpdateParams::default() {
            return Err(Error::config(SERVICE, "an article update must set a field"));
        }
        #[derive(Serialize)]
        struct Body<'a> {
            article: &'a ArticleUpdateParams,
        }
        let body: ArticleBody = self
            .client
            .send_json(
                Request::put(format!("/api/v2/help_center/{locale}/articles/{id}"))
                    .operation("help_center.update_article")
                    .path_template("/api/v2/help_center/{locale}/articles/{id}")
                    .json(&Body { article: params }),
            )
            .await?;
        Ok(body.article)
    }

    /// `PUT /api/v2/help_center/articles/{id}/translations/{locale}`: the title and body
    /// in this locale (at least one).
    pub async fn update_translation(
        &self,
        id: u64,
        title: Option<&str>,
        body: Option<&str>,
    ) -> Result<()> {
        let locale = check_locale(&self.locale)?;
        if title.is_none() && body.is_none() {
            return Err(Error::config(
                SERVICE,
                "a translation update must set a field",
            ));
        }
        #[derive(Serialize)]
        struct Translation<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            title: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            body: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Body<'a> {
            translation: Translation<'a>,
        }
        self.client
            .send(
                Request::put(format!(
                    "/api/v2/help_center/articles/{id}/translations/{locale}"
                ))
                .operation("help_center.update_translation")
                .path_template("/api/v2/help_center/articles/{id}/translations/{locale}")
                .json(&Body {
                    translation: Translation { title, body },
                }),
            )
            .await
            .map(drop)
    }

    /// `GET /api/v2/help_center/articles/search` in this locale (offset paging).
    pub fn search_articles(&self, params: &ArticleSearchParams) -> Paginator<Article> {
        self.search_articles_from(params, Checkpoint::default())
    }

    /// [`search_articles`](Self::search_articles) from a checkpoint.
    pub fn search_articles_from(
        &self,
        params: &ArticleSearchParams,
        from: Checkpoint,
    ) -> Paginator<Article> {
        let request = check_locale(&self.locale).and_then(|locale| {
            let query = params.query.as_deref().filter(|q| !q.trim().is_empty());
            if query.is_none() && params.label_names.is_empty() {
                return Err(Error::config(
                    SERVICE,
                    "an article search needs a query or labels",
                ));
            }
            if params.label_names.iter().any(|l| l.contains(',')) {
                return Err(Error::config(SERVICE, "a label name cannot contain ','"));
            }
            Ok(Request::get("/api/v2/help_center/articles/search")
                .operation("help_center.search_articles")
                .path_template("/api/v2/help_center/articles/search")
                .query("locale", locale.to_owned())
                .query("per_page", MAX_PAGE_SIZE.to_string())
                .query_opt("query", query.map(str::to_owned))
                .query_opt(
                    "label_names",
                    (!params.label_names.is_empty()).then(|| params.label_names.join(",")),
                )
                .query_opt("category", params.category)
                .query_opt("section", params.section))
        });
        paginate(
            &self.client,
            request,
            "results",
            Scheme::Offset { max_results: None },
            from,
        )
    }

    /// Articles that may answer a ticket: a search by the words of its subject (its
    /// description when it has none) among articles labelled with one of its tags, then,
    /// if that finds nothing, by the words alone. At most `limit` articles.
    pub async fn articles_for_ticket(&self, ticket: &Ticket, limit: usize) -> Result<Vec<Article>> {
        let text = ticket
            .subject
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .or(ticket.description.as_deref())
            .unwrap_or_default();
        let query = words(text, 12);
        let labels: Vec<String> = ticket
            .tags
            .iter()
            .filter(|t| !t.is_empty() && !t.contains(','))
            .take(10)
            .cloned()
            .collect();
        let mut attempts = Vec::new();
        if !labels.is_empty() {
            attempts.push(ArticleSearchParams {
                query: (!query.is_empty()).then(|| query.clone()),
                label_names: labels,
                ..ArticleSearchParams::default()
            });
        }
        if !query.is_empty() {
            attempts.push(ArticleSearchParams {
                query: Some(query),
                ..ArticleSearchParams::default()
            });
        }
        for params in attempts {
            let found = take_n(self.search_articles(&params), limit).await?;
            if !found.is_empty() {
                return Ok(found);
            }
        }
        Ok(Vec::new())
    }

    /// `GET /api/v2/help_center/articles/labels`: every label.
    pub fn labels(&self) -> Paginator<Label> {
        self.labels_from(Checkpoint::default())
    }

    /// [`labels`](Self::labels) from a checkpoint.
    pub fn labels_from(&self, from: Checkpoint) -> Paginator<Label> {
        let request = Request::get("/api/v2/help_center/articles/labels")
            .operation("help_center.labels")
            .path_template("/api/v2/help_center/articles/labels");
        paginate(
            &self.client,
            Ok(request),
            "labels",
            Scheme::Offset { max_results: None },
            from,
        )
    }

    /// `GET /api/v2/help_center/articles/{id}/labels`.
    pub fn article_labels(&self, article: u64) -> Paginator<Label> {
        self.article_labels_from(article, Checkpoint::default())
    }

    /// [`article_labels`](Self::article_labels) from a checkpoint.
    pub fn article_labels_from(&self, article: u64, from: Checkpoint) -> Paginator<Label> {
        let request = Request::get(format!("/api/v2/help_center/articles/{article}/labels"))
            .operation("help_center.article_labels")
            .path_template("/api/v2/help_center/articles/{id}/labels");
        paginate(
            &self.client,
            Ok(request),
            "labels",
            Scheme::Offset { max_results: None },
            from,
        )
    }

    /// `POST /api/v2/help_center/articles/{id}/labels`: adds a label to an article.
    pub async fn add_label(&self, article: u64, name: &str) -> Result<Label> {
        if name.trim().is_empty() || name.contains(',') {
            return Err(Error::config(
                SERVICE,
                "a label name cannot be empty or contain ','",
            ));
        }
        #[derive(Serialize)]
        struct NewLabel<'a> {
            name: &'a str,
        }
        #[derive(Serialize)]
        struct Body<'a> {
            label: NewLabel<'a>,
        }
        #[derive(Deserialize)]
        struct Answer {
            label: Label,
        }
        let answer: Answer = self
            .client
            .send_json(
                Request::post(format!("/api/v2/help_center/articles/{article}/labels"))
                    .operation("help_center.add_label")
                    .path_template("/api/v2/help_center/articles/{id}/labels")
                    .json(&Body {
                        label: NewLabel { name },
                    }),
            )
            .await?;
        Ok(answer.label)
    }
}

/// Collects at most `n` items of a stream, sending no more requests after that.
async fn take_n<T>(mut stream: Paginator<T>, n: usize) -> Result<Vec<T>>
where
    T: Send + 'static,
{
    let mut out = Vec::new();
    while out.len() < n {
        match stream.try_next().await? {
            Some(item) => out.push(item),
            None => break,
        }
    }
    Ok(out)
}
