//! GitHub's media types: how bodies come back (Markdown source, rendered HTML, plain text)
//! and the diff and patch forms of pull requests and commits.
//!
//! ```no_run
//! # async fn demo(github: atom_github::Client) -> atom_core::Result<()> {
//! use atom_github::media::BodyFormat;
//! let issue = github
//!     .issues("octocat", "Hello-World")
//!     .body_format(BodyFormat::Html)
//!     .get(1347)
//!     .await?;
//! println!("{}", issue.body_html.unwrap_or_default());
//! let diff: String = github.pulls("octocat", "Hello-World").diff(1347).await?;
//! # let _ = diff; Ok(()) }
//! ```

use atom_core::Request;

/// How the Markdown bodies of issues, comments, pull requests and reviews come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BodyFormat {
    /// GitHub's default (`application/vnd.github+json`): `body` as Markdown source.
    #[default]
    Default,
    /// `body` as Markdown source (`application/vnd.github.raw+json`).
    Raw,
    /// `body_text`: the rendered text without markup (`application/vnd.github.text+json`).
    Text,
    /// `body_html`: the rendered HTML (`application/vnd.github.html+json`).
    Html,
    /// `body`, `body_text` and `body_html` together (`application/vnd.github.full+json`).
    Full,
}

impl BodyFormat {
    /// The `Accept` value for this format.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Default => crate::MEDIA_TYPE,
            Self::Raw => "application/vnd.github.raw+json",
            Self::Text => "application/vnd.github.text+json",
            Self::Html => "application/vnd.github.html+json",
            Self::Full => "application/vnd.github.full+json",
        }
    }

    /// The request with this format's `Accept` header (none added for the default, which the
    /// client already sends).
    pub(crate) fn apply(self, request: Request) -> Request {
        match self {
            Self::Default => request,
            other => request.header("accept", other.media_type()),
        }
    }
}

/// The unified diff of a pull request or commit.
pub(crate) const DIFF: &str = "application/vnd.github.diff";
/// The patch (mail) form of a pull request or commit.
pub(crate) const PATCH: &str = "application/vnd.github.patch";

/// The body of a text answer (`.diff`, `.patch`), refusing one that is not UTF-8.
pub(crate) fn text(response: &atom_core::ApiResponse) -> atom_core::Result<String> {
    String::from_utf8(response.body.to_vec()).map_err(|_| {
        atom_core::Error::decode(crate::SERVICE, "the diff or patch is not UTF-8 text")
    })
}
