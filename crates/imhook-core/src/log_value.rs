//! Request-derived values in log lines: escaped and length-capped, so that a request
//! can neither forge log lines (newlines, terminal escape sequences) nor flood them.

use std::fmt::{self, Write};

/// Characters of a request-derived value kept in a log line.
pub(crate) const LOG_VALUE_CHARS: usize = 128;

/// A request-derived string for `tracing`'s `?` (Debug) fields: quoted, escaped like
/// Rust's `str` Debug output (`\n`, `\u{1b}`, `\"`, ...) and cut after
/// [`LOG_VALUE_CHARS`] characters, the number of bytes left out noted after it.
pub(crate) struct Untrusted<'a>(pub(crate) &'a str);

impl fmt::Debug for Untrusted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        let mut chars = self.0.chars();
        for c in chars.by_ref().take(LOG_VALUE_CHARS) {
            if c == '\'' {
                f.write_char(c)?;
            } else {
                for e in c.escape_debug() {
                    f.write_char(e)?;
                }
            }
        }
        f.write_char('"')?;
        match chars.as_str().len() {
            0 => Ok(()),
            rest => write!(f, "...(+{rest} bytes)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_and_capped() {
        let s = format!("{:?}", Untrusted("a\nb\u{1b}[31m\"c'\u{202e}"));
        assert_eq!(s, r#""a\nb\u{1b}[31m\"c'\u{202e}""#);
        let long = "x".repeat(LOG_VALUE_CHARS + 10);
        let s = format!("{:?}", Untrusted(&long));
        assert_eq!(s.len(), LOG_VALUE_CHARS + 2 + "...(+10 bytes)".len());
        assert!(s.ends_with("\"...(+10 bytes)"));
        assert_eq!(format!("{:?}", Untrusted("é漢")), "\"é漢\"");
    }
}
