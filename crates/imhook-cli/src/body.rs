//! Byte-preserving edits of a JSON object's top-level members, for signing bodies
//! without re-serialising them, plus small input helpers.

use crate::Error;
use std::io::Read;
use std::ops::Range;
use std::path::Path;

/// Reads a file, or stdin for `-`, as UTF-8 text.
pub fn read_input(path: &Path) -> Result<String, Error> {
    let bytes = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| Error::msg(format!("cannot read stdin: {e}")))?;
        buf
    } else {
        std::fs::read(path)
            .map_err(|e| Error::msg(format!("cannot read {}: {e}", path.display())))?
    };
    String::from_utf8(bytes).map_err(|_| Error::msg("body is not UTF-8"))
}

/// `true` when `text` is one JSON object (and nothing else).
pub fn is_json_object(text: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
        && text.trim_start().starts_with('{')
}

/// One top-level member: its key and the byte range of its value.
struct Member {
    key: String,
    value: Range<usize>,
}

/// The top-level members of a JSON object and the position of its closing brace.
struct Layout {
    members: Vec<Member>,
    close: usize,
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// End (exclusive) of the string starting at the quote at `i`.
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        match b.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// End (exclusive) of the value starting at `i`.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while let Some(c) = b.get(j) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                j += 1;
            }
            Some(j)
        }
    }
}

fn layout(text: &str) -> Option<Layout> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(b, i + 1);
    let mut members = Vec::new();
    if b.get(i) == Some(&b'}') {
        return Some(Layout { members, close: i });
    }
    loop {
        let key_end = skip_string(b, i)?;
        let key: String = serde_json::from_str(text.get(i..key_end)?).ok()?;
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_ws(b, i + 1);
        let end = skip_value(b, start)?;
        members.push(Member {
            key,
            value: start..end,
        });
        i = skip_ws(b, end);
        match b.get(i)? {
            b',' => i = skip_ws(b, i + 1),
            b'}' => return Some(Layout { members, close: i }),
            _ => return None,
        }
    }
}

/// Sets top-level member `key` of the JSON object `text` to the JSON `value`,
/// replacing its value in place (every occurrence) or appending the member before the
/// closing brace; every other byte is kept.
pub fn set_member(text: &str, key: &str, value: &str) -> Result<String, Error> {
    let layout = layout(text).ok_or_else(|| Error::msg("body is not a JSON object"))?;
    let hits: Vec<&Range<usize>> = layout
        .members
        .iter()
        .filter(|m| m.key == key)
        .map(|m| &m.value)
        .collect();
    let mut out = String::with_capacity(text.len() + key.len() + value.len() + 8);
    if hits.is_empty() {
        let quoted = serde_json::to_string(key).unwrap_or_default();
        let (insert_at, sep) = match layout.members.last() {
            Some(last) => (last.value.end, ","),
            None => (layout.close, ""),
        };
        out.push_str(text.get(..insert_at).unwrap_or_default());
        out.push_str(sep);
        out.push_str(&quoted);
        out.push(':');
        out.push_str(value);
        out.push_str(text.get(insert_at..).unwrap_or_default());
    } else {
        let mut pos = 0;
        for r in hits {
            out.push_str(text.get(pos..r.start).unwrap_or_default());
            out.push_str(value);
            pos = r.end;
        }
        out.push_str(text.get(pos..).unwrap_or_default());
    }
    Ok(out)
}

/// 16 random bytes as 32 lower-case hex characters.
pub fn random_hex(bytes: usize) -> Result<String, Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| Error::msg(format!("no randomness available: {e}")))?;
    Ok(buf
        .iter()
        .fold(String::with_capacity(bytes * 2), |mut hex, b| {
            use std::fmt::Write;
            let _ = write!(hex, "{b:02x}");
            hex
        }))
}

/// A random u64.
pub fn random_u64() -> Result<u64, Error> {
    getrandom::u64().map_err(|e| Error::msg(format!("no randomness available: {e}")))
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Milliseconds since the Unix epoch.
pub fn now_millis() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_in_place_and_appends() {
        let body = "{\n  \"a\": [1, {\"x\":\"}\"}],\n  \"security\" : \"old\" ,\"b\":2\n}\n";
        let out = set_member(body, "security", "\"new\"").unwrap();
        assert_eq!(
            out,
            "{\n  \"a\": [1, {\"x\":\"}\"}],\n  \"security\" : \"new\" ,\"b\":2\n}\n"
        );
        let out = set_member(body, "callId", "\"c\"").unwrap();
        assert_eq!(
            out,
            "{\n  \"a\": [1, {\"x\":\"}\"}],\n  \"security\" : \"old\" ,\"b\":2,\"callId\":\"c\"\n}\n"
        );
        assert_eq!(set_member(" { } ", "k", "1").unwrap(), " { \"k\":1} ");
        assert!(set_member("[1]", "k", "1").is_err());
        let esc = set_member(r#"{"t\"":1,"t":2}"#, "t", "3").unwrap();
        assert_eq!(esc, r#"{"t\"":1,"t":3}"#);
    }

    #[test]
    fn objects_only() {
        assert!(is_json_object(" {\"a\":1} "));
        assert!(!is_json_object("[1]"));
        assert!(!is_json_object("{"));
        assert!(!is_json_object("\"{}\""));
    }
}
