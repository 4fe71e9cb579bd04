//! What the encoder refuses before a request is built: values nested too deep, map keys that
//! would change the nesting, and metadata beyond Stripe's documented limits.

use super::FormError;

/// The deepest a value may nest. Every struct, map, list, `Some` and newtype wrapper is one
/// level. Stripe's deepest parameters (`items[0][price_data][recurring][interval]`) use
/// about a dozen, so 32 is generous; the limit exists so that a recursive value (a deeply
/// nested `serde_json::Value` in an `extra` map) is an error instead of a stack overflow.
pub const MAX_DEPTH: usize = 32;

/// Stripe's limit on the number of metadata keys of one object.
pub const MAX_METADATA_KEYS: usize = 50;

/// Stripe's limit on a metadata key's length, in characters.
pub const MAX_METADATA_KEY_CHARS: usize = 40;

/// Stripe's limit on a metadata value's length, in characters.
pub const MAX_METADATA_VALUE_CHARS: usize = 500;

/// The start of a caller-supplied key, for an error message.
fn shown(key: &str) -> String {
    const SHOWN: usize = 60;
    let mut out: String = key.chars().take(SHOWN).collect();
    if key.chars().nth(SHOWN).is_some() {
        out.push('…');
    }
    out
}

pub(super) fn too_deep(key: Option<&str>) -> FormError {
    FormError(format!(
        "parameters nest deeper than {MAX_DEPTH} levels (at {:?})",
        shown(key.unwrap_or_default())
    ))
}

/// A map key becomes `parent[key]`: a `[` or `]` in it would add or close a level (Stripe
/// reads `metadata[a][b]` as a nested object), and an empty key reads as a list (`parent[]`).
pub(super) fn check_map_key(key: &str) -> Result<(), FormError> {
    if key.is_empty() {
        return Err(FormError("a map key is empty".into()));
    }
    if key.contains(['[', ']']) {
        return Err(FormError(format!(
            "map key {:?} contains '[' or ']', which would change the parameter's nesting \
             (Stripe does not allow square brackets in metadata keys); nest a map instead",
            shown(key)
        )));
    }
    Ok(())
}

/// Stripe's documented metadata limits: at most 50 keys of at most 40 characters.
pub(super) fn check_metadata_entry(key: &str, count: usize) -> Result<(), FormError> {
    if count > MAX_METADATA_KEYS {
        return Err(FormError(format!(
            "metadata has more than {MAX_METADATA_KEYS} keys (Stripe's limit)"
        )));
    }
    if key.chars().count() > MAX_METADATA_KEY_CHARS {
        return Err(FormError(format!(
            "metadata key {:?} is longer than {MAX_METADATA_KEY_CHARS} characters (Stripe's limit)",
            shown(key)
        )));
    }
    Ok(())
}

/// A metadata value is one string of at most 500 characters, never a nested object.
pub(super) fn check_metadata_value(
    key: &str,
    written: &[(String, String)],
) -> Result<(), FormError> {
    for (k, v) in written {
        if k != key {
            return Err(FormError(format!(
                "metadata value {:?} is not a string (Stripe's metadata is flat)",
                shown(k)
            )));
        }
        if v.chars().count() > MAX_METADATA_VALUE_CHARS {
            return Err(FormError(format!(
                "metadata value of {:?} is longer than {MAX_METADATA_VALUE_CHARS} characters \
                 (Stripe's limit)",
                shown(k)
            )));
        }
    }
    Ok(())
}
