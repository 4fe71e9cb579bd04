//! Scrubbing secrets out of text that came from elsewhere (provider error messages that echo
//! the request, parser messages that quote a value) before it goes into an [`crate::Error`].

use std::borrow::Cow;

/// What a scrubbed secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Known secret values shorter than this are not searched for: a 3-character value would
/// blank out ordinary words, and real credentials are far longer.
const MIN_KNOWN_LEN: usize = 8;

/// Prefixes that mark a word as a credential whatever its context: Stripe secret, restricted,
/// ephemeral and webhook keys, Connect refresh tokens and codes, GitHub tokens, Slack tokens,
/// HubSpot private-app tokens.
const SECRET_PREFIXES: &[&str] = &[
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "whsec_",
    "ek_live_",
    "ek_test_",
    "rt_",
    "ac_",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "xoxb-",
    "xoxp-",
    "pat-na1-",
    "pat-eu1-",
];

/// Words after which the next word is a credential (`Bearer abc`, `token abc`).
const SCHEMES: &[&str] = &["bearer", "basic", "token", "digest"];

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'+' | b'/' | b'=' | b'!')
}

/// A JWT (`eyJ…` with three dot-separated parts) or a Salesforce session id
/// (`00D` + org id + `!` + token).
fn looks_like_token(word: &str) -> bool {
    if SECRET_PREFIXES.iter().any(|p| word.starts_with(p)) && word.len() > 10 {
        return true;
    }
    // Stripe client secrets: `pi_3Mtw…_secret_YrKJ…`.
    if word.contains("_secret_") && word.len() > 20 {
        return true;
    }
    if word.starts_with("eyJ") && word.split('.').count() == 3 && word.len() > 20 {
        return true;
    }
    if let Some((org, rest)) = word.split_once('!') {
        return org.starts_with("00D")
            && matches!(org.len(), 15 | 18)
            && org.bytes().all(|b| b.is_ascii_alphanumeric())
            && rest.len() >= 16;
    }
    false
}

/// Replaces credentials in `text` with `[redacted]`: every occurrence of a `known` value
/// (at least 8 bytes long), every credential-shaped word (Stripe and GitHub key prefixes,
/// JWTs, Salesforce session ids), and the word after an auth scheme (`Bearer …`).
///
/// ```
/// use atom_core::redact::scrub;
/// let text = "Invalid header Authorization: Bearer abc123def456 for key sk_live_51HxyzSECRET";
/// assert_eq!(
///     scrub(text, &[]),
///     "Invalid header Authorization: Bearer [redacted] for key [redacted]"
/// );
/// assert_eq!(scrub("echo: hunter2hunter2", &["hunter2hunter2"]), "echo: [redacted]");
/// ```
pub fn scrub<'a>(text: &'a str, known: &[&str]) -> Cow<'a, str> {
    let mut out: Cow<'a, str> = Cow::Borrowed(text);
    for secret in known.iter().filter(|s| s.len() >= MIN_KNOWN_LEN) {
        if out.contains(secret) {
            out = Cow::Owned(out.replace(secret, REDACTED));
        }
    }
    match scrub_words(&out) {
        Some(scrubbed) => Cow::Owned(scrubbed),
        None => out,
    }
}

/// The text with credential-shaped words replaced, or `None` when there are none.
fn scrub_words(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut after_scheme = false;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes.get(i).copied().is_some_and(is_word_byte) {
            i += 1;
            continue;
        }
        let start = i;
        while bytes.get(i).copied().is_some_and(is_word_byte) {
            i += 1;
        }
        // Word bytes are ASCII, so both ends are character boundaries.
        let word = text.get(start..i).unwrap_or_default();
        // After a scheme, ordinary words (`Bearer authentication failed`) are kept: tokens
        // carry digits or are long.
        let token_after_scheme = after_scheme
            && word.len() >= 8
            && (word.len() >= 24 || word.bytes().any(|b| b.is_ascii_digit()));
        let secret = looks_like_token(word) || token_after_scheme;
        after_scheme = SCHEMES.iter().any(|s| word.eq_ignore_ascii_case(s));
        if secret {
            let buf = out.get_or_insert_with(|| String::with_capacity(text.len()));
            buf.push_str(text.get(copied..start).unwrap_or_default());
            buf.push_str(REDACTED);
            copied = i;
        }
    }
    let mut buf = out?;
    buf.push_str(text.get(copied..).unwrap_or_default());
    Some(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_shapes() {
        let cases = [
            ("no secrets here", "no secrets here"),
            ("Bearer ya29.a0AfH6SMB", "Bearer [redacted]"),
            (
                "authorization: token ghp_16C7e42F292c6912E7710c838347Ae178B4a",
                "authorization: token [redacted]",
            ),
            (
                "key github_pat_11ABCDEFG0123456789_abcdef rejected",
                "key [redacted] rejected",
            ),
            (
                "session 00D5e000000ABCD!AQ4AQFmXyz0123456789abcdefghij expired",
                "session [redacted] expired",
            ),
            (
                "jwt eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxMjMifQ.c2lnbmF0dXJl bad",
                "jwt [redacted] bad",
            ),
            ("\"sk_test_4eC39HqLyjWDarjtT1zdp7dc\"", "\"[redacted]\""),
            ("Basic dXNlcjpwYXNzd29yZA==", "Basic [redacted]"),
            (
                "secret pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_YrKJUKribcBjcG8HVhfZluoGH here",
                "secret [redacted] here",
            ),
            ("code ac_ABCDEFGHIJ123 used", "code [redacted] used"),
            ("token expired", "token expired"),
            (
                "Bearer authentication failed",
                "Bearer authentication failed",
            ),
            ("token invalid_grant", "token invalid_grant"),
            ("the token is bad", "the token is bad"),
            ("héllo Bearer ünïcode-ok", "héllo Bearer ünïcode-ok"),
        ];
        for (input, want) in cases {
            assert_eq!(scrub(input, &[]), want, "{input}");
        }
    }

    #[test]
    fn known_values_go_wherever_they_stand() {
        let known = ["r3fresh-t0ken-value", "short"];
        assert_eq!(
            scrub("bad refresh_token=r3fresh-t0ken-value&x=short", &known),
            "bad refresh_token=[redacted]&x=short"
        );
    }
}
