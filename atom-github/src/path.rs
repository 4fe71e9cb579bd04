//! Names and refs in URL paths: validated and encoded, so that no input can change the path.

use atom_core::http_util::path_segment;
use atom_core::{Error, Result};

use crate::error::SERVICE;

/// An owner, repository, user or organisation name as one path segment.
///
/// GitHub names are ASCII letters, digits, `-`, `_` and `.` (at most 100 characters); anything
/// else (`/`, `?`, `%`, spaces, `.`/`..`) is refused before a request is made.
pub(crate) fn name(what: &str, value: &str) -> Result<String> {
    let valid = !value.is_empty()
        && value.len() <= 100
        && value != "."
        && value != ".."
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !valid {
        return Err(Error::config(
            SERVICE,
            format!("{value:?} is not a valid GitHub {what} name"),
        ));
    }
    path_segment(SERVICE, value)
}

/// `/repos/{owner}/{repo}` with both parts validated.
pub(crate) fn repo(owner: &str, repo: &str) -> Result<String> {
    Ok(format!(
        "/repos/{}/{}",
        name("owner", owner)?,
        name("repository", repo)?
    ))
}

/// A git ref (branch, tag or SHA) for a path.
///
/// GitHub takes refs with `/` as they are (`GET /repos/o/r/commits/feature/x`), so each
/// `/`-separated part is encoded as its own segment (`?`, `#`, `%` and spaces escaped) and
/// the slashes are kept. Empty parts, `.` and `..` parts, and `..` anywhere (git forbids it in
/// ref names; in a compare it would shift the `...`) are refused.
pub(crate) fn git_ref(value: &str) -> Result<String> {
    if value.contains("..") || value.is_empty() {
        return Err(Error::config(
            SERVICE,
            format!("{value:?} is not a valid git ref"),
        ));
    }
    let parts = value
        .split('/')
        .map(|part| path_segment(SERVICE, part))
        .collect::<Result<Vec<_>>>()?;
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_refs() {
        assert_eq!(
            repo("octo-cat", "Hello.World_1").ok().as_deref(),
            Some("/repos/octo-cat/Hello.World_1")
        );
        for bad in ["", ".", "..", "a/b", "a?b", "a b", "a%2F", "a#b"] {
            assert!(name("owner", bad).is_err(), "{bad:?}");
        }
        assert_eq!(git_ref("feature/x").ok().as_deref(), Some("feature/x"));
        assert_eq!(
            git_ref("v1.0?x=1#y").ok().as_deref(),
            Some("v1.0%3Fx%3D1%23y")
        );
        assert_eq!(git_ref("a b").ok().as_deref(), Some("a%20b"));
        for bad in ["", "..", "a/../b", "a//b", "/a", "a/", "main...dev", "."] {
            assert!(git_ref(bad).is_err(), "{bad:?}");
        }
    }
}
