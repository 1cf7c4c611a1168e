//! One validating pass over a JSON object that yields its top-level members as raw
//! text, for the fields a pipeline must read before it knows which type the body
//! decodes into (Agora's envelope).
//!
//! The reader is conservative: it answers only for input it is certain `serde_json`
//! accepts, and returns `None` for anything else, valid or not, so that the caller
//! falls back to `serde_json` and its exact error. Besides malformed input it leaves
//! to `serde_json`: keys with escapes, numbers with an exponent or more than 18
//! integer digits (which `serde_json` may find out of range), and nesting deeper than
//! [`MAX_DEPTH`]. Callbacks seldom carry any of these, so the common body is read
//! without `serde_json`'s per-field machinery. Like `serde_json` when it skips a
//! value, it checks that a `\u` escape has four hex digits, not which code point
//! they name.

/// Deepest nesting the reader follows (`serde_json` allows 128).
const MAX_DEPTH: usize = 100;

/// Calls `member(key, raw_value)` for each top-level member of the JSON object
/// `text`, in order, and returns `Some(())` when `text` is a well-formed object with
/// nothing but whitespace around it. `None` when the input is malformed, uses a form
/// left to `serde_json` (see the module documentation), or `member` returned `false`.
pub(crate) fn object_members<'a>(
    text: &'a str,
    mut member: impl FnMut(&'a str, &'a str) -> bool,
) -> Option<()> {
    let mut r = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    r.whitespace();
    r.object(1, &mut member)?;
    r.whitespace();
    (r.at == r.bytes.len()).then_some(())
}

/// Reads the members of the JSON object `text` into a fresh `T` with `member(state,
/// key, raw_value)`, in one pass with [`object_members`] when it takes the input, else
/// through `serde_json` ([`serde_members`]), which words the error of a malformed body
/// or of a member `member` refuses (a repeated field).
pub(crate) fn members<'a, T: Default>(
    text: &'a str,
    member: impl FnMut(&mut T, &str, &'a str) -> bool,
) -> Result<T, serde_json::Error> {
    read(text, false, member).map(|(state, _)| state)
}

/// [`members`], keeping every member as well when the one-pass reader took the input
/// (`None` when `serde_json` read it: its keys are unescaped copies).
pub(crate) fn members_kept<'a, T: Default>(
    text: &'a str,
    member: impl FnMut(&mut T, &str, &'a str) -> bool,
) -> Result<(T, Option<Members<'a>>), serde_json::Error> {
    read(text, true, member)
}

fn read<'a, T: Default>(
    text: &'a str,
    keep: bool,
    mut member: impl FnMut(&mut T, &str, &'a str) -> bool,
) -> Result<(T, Option<Members<'a>>), serde_json::Error> {
    let mut state = T::default();
    let mut kept = keep.then(Members::new);
    let one_pass = object_members(text, |key, raw| {
        if let Some(kept) = kept.as_mut() {
            kept.push(key, raw);
        }
        member(&mut state, key, raw)
    });
    if one_pass.is_some() {
        return Ok((state, kept));
    }
    let mut state = T::default();
    serde_members(text, |key, raw| member(&mut state, key, raw))?;
    Ok((state, None))
}

/// [`object_members`] by `serde_json`, which takes every form (escaped keys are
/// unescaped) and words every error; a member `member` refuses is reported as a
/// duplicate field.
pub(crate) fn serde_members<'a>(
    text: &'a str,
    member: impl FnMut(&str, &'a str) -> bool,
) -> Result<(), serde_json::Error> {
    use serde::de::{DeserializeSeed, Error, MapAccess, Visitor};
    use serde_json::value::RawValue;

    struct Members<F>(F);

    impl<'de, F: FnMut(&str, &'de str) -> bool> Visitor<'de> for Members<F> {
        type Value = ();

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                let raw: &'de RawValue = map.next_value()?;
                if !(self.0)(&key, raw.get()) {
                    return Err(A::Error::custom(format_args!("duplicate field `{key}`")));
                }
            }
            Ok(())
        }
    }

    impl<'de, F: FnMut(&str, &'de str) -> bool> DeserializeSeed<'de> for Members<F> {
        type Value = ();

        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(self)
        }
    }

    let mut de = serde_json::Deserializer::from_str(text);
    Members(member).deserialize(&mut de)?;
    de.end()
}

/// The top-level members of a JSON object as [`object_members`] read them, kept so
/// that the object can then be deserialized from them without reading its top level
/// again: only the values a type asks for are parsed, each from its own text.
#[derive(Debug, Default)]
pub(crate) struct Members<'a>(Vec<(&'a str, &'a str)>);

impl<'a> Members<'a> {
    /// Room for the members of a common callback; a larger one grows the list.
    const CAPACITY: usize = 24;

    /// An empty list, ready for a callback's members.
    fn new() -> Self {
        Self(Vec::with_capacity(Self::CAPACITY))
    }

    /// Adds one member, as [`object_members`] yields it.
    fn push(&mut self, key: &'a str, raw: &'a str) {
        self.0.push((key, raw));
    }

    /// Deserializes `T` from the members, as `serde_json` would from the object's text:
    /// the same keys in the same order, each value read by `serde_json`. An error in a
    /// value names its key (its position is within the value).
    pub(crate) fn deserialize<T: serde::Deserialize<'a>>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(MembersDeserializer(&self.0))
    }
}

/// Deserializes `T` from `members` when the object `text`'s members were kept, else
/// from `text`: the same result either way.
pub(crate) fn deserialize_kept<'a, T: serde::Deserialize<'a>>(
    text: &'a str,
    members: Option<&Members<'a>>,
) -> Result<T, serde_json::Error> {
    match members {
        Some(members) => members.deserialize(),
        None => serde_json::from_str(text),
    }
}

/// A deserializer over [`Members`]: a map whose values are `serde_json` texts.
struct MembersDeserializer<'m, 'a>(&'m [(&'a str, &'a str)]);

impl<'de> serde::Deserializer<'de> for MembersDeserializer<'_, 'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_map(MembersAccess {
            members: self.0.iter(),
            value: None,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
        struct enum identifier ignored_any
    }
}

struct MembersAccess<'m, 'a> {
    members: std::slice::Iter<'m, (&'a str, &'a str)>,
    value: Option<(&'a str, &'a str)>,
}

impl<'de> serde::de::MapAccess<'de> for MembersAccess<'_, 'de> {
    type Error = serde_json::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some(&(key, raw)) = self.members.next() else {
            return Ok(None);
        };
        self.value = Some((key, raw));
        seed.deserialize(serde::de::value::BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        use serde::de::Error;
        let (key, raw) = self
            .value
            .take()
            .ok_or_else(|| serde_json::Error::custom("value asked before its key"))?;
        match plain_string(raw) {
            Some(text) => seed.deserialize(PlainString { text, raw }),
            None => seed.deserialize(&mut serde_json::Deserializer::from_str(raw)),
        }
        .map_err(|e| serde_json::Error::custom(format_args!("`{key}`: {e}")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
    }
}

/// The content of `raw`, a value [`object_members`] read, when it is a string without
/// escapes: its text is then the string itself.
fn plain_string(raw: &str) -> Option<&str> {
    let text = raw.strip_prefix('"')?.strip_suffix('"')?;
    (!text.as_bytes().contains(&b'\\')).then_some(text)
}

/// A member value that is a string without escapes, deserialized as `serde_json`
/// deserializes it from its text, without reading the text again.
struct PlainString<'a> {
    text: &'a str,
    /// The value's JSON text, for what `serde_json` treats specially (raw values).
    raw: &'a str,
}

impl<'de> serde::Deserializer<'de> for PlainString<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_borrowed_str(self.text)
    }

    fn deserialize_bytes<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_borrowed_bytes(self.text.as_bytes())
    }

    fn deserialize_byte_buf<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: serde::de::Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        serde_json::Deserializer::from_str(self.raw).deserialize_newtype_struct(name, visitor)
    }

    fn deserialize_enum<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_enum(serde::de::value::BorrowedStrDeserializer::new(self.text))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    fn whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// An object at `depth`; `member` sees its members.
    fn object(
        &mut self,
        depth: usize,
        member: &mut impl FnMut(&'a str, &'a str) -> bool,
    ) -> Option<()> {
        self.container(depth, [b'{', b'}'], |r| {
            let key_start = r.at + 1;
            r.string(false)?;
            let key = r.text.get(key_start..r.at - 1)?;
            r.whitespace();
            r.eat(b':')?;
            r.whitespace();
            let value_start = r.at;
            r.value(depth)?;
            member(key, r.text.get(value_start..r.at)?).then_some(())
        })
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        self.container(depth, [b'[', b']'], |r| r.value(depth))
    }

    /// A container at `depth` from `open` to `close`, its comma-separated items read by
    /// `item`.
    fn container(
        &mut self,
        depth: usize,
        [open, close]: [u8; 2],
        mut item: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.eat(open)?;
        self.whitespace();
        if self.eat(close).is_some() {
            return Some(());
        }
        loop {
            item(self)?;
            self.whitespace();
            match self.peek()? {
                b',' => {
                    self.at += 1;
                    self.whitespace();
                }
                b if b == close => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A value inside a container at `depth`.
    fn value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'"' => self.string(true),
            b'{' => self.object(depth + 1, &mut |_, _| true),
            b'[' => self.array(depth + 1),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// A string; with `escapes`, escapes are allowed.
    fn string(&mut self, escapes: bool) -> Option<()> {
        self.eat(b'"')?;
        loop {
            // Plain characters in one tight search, then the byte that stopped it.
            let rest = self.bytes.get(self.at..)?;
            let plain = plain_run(rest)?;
            self.at += plain + 1;
            match rest.get(plain)? {
                b'"' => return Some(()),
                b'\\' if escapes => {
                    let escaped = self.peek()?;
                    self.at += 1;
                    match escaped {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            let hex = self.bytes.get(self.at..self.at + 4)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            self.at += 4;
                        }
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word).then(|| self.at = end)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?` with at most 18 integer digits; an exponent is
    /// left to `serde_json`.
    fn number(&mut self) -> Option<()> {
        let _ = self.eat(b'-');
        let start = self.at;
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.at - start > 18 {
            return None;
        }
        if self.eat(b'.').is_some() {
            let fraction = self.at;
            self.digits();
            if self.at == fraction {
                return None;
            }
        }
        (!matches!(self.peek(), Some(b'e' | b'E' | b'0'..=b'9'))).then_some(())
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
    }
}

/// Whether `byte` ends a run of plain string characters: a quote, a backslash or a
/// control character.
fn ends_plain_run(byte: u8) -> bool {
    byte == b'"' || byte == b'\\' || byte < 0x20
}

/// The offset of the first byte of `bytes` that [ends a run of plain string
/// characters](ends_plain_run), eight bytes at a time: string contents are most of a
/// body's bytes.
fn plain_run(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    // The high bit of each byte of `word` that is zero, and possibly of bytes above
    // one that is: the lowest bit set is exact.
    let zero_bytes = |word: u64| word.wrapping_sub(ONES) & !word & HIGH;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().ok()?);
        let stops = zero_bytes(word ^ (ONES * u64::from(b'"')))
            | zero_bytes(word ^ (ONES * u64::from(b'\\')))
            // Bytes below 0x20 (and possibly bytes above one that is).
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGH);
        if stops != 0 {
            return Some(at + (stops.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = chunks.remainder();
    tail.iter().position(|&b| ends_plain_run(b)).map(|p| at + p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plain_string_members_read_as_serde_json_reads_them() {
        use serde::Deserialize;
        use serde_json::value::RawValue;
        #[derive(Debug, Deserialize)]
        enum Unit {
            #[serde(rename = "v")]
            V,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct S {
            k: String,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Newtype(String);
        /// `{"k": value}` through the members and through `serde_json`: the same
        /// `Debug` output or both an error.
        fn same<T: for<'a> Deserialize<'a> + std::fmt::Debug>(value: &str) {
            #[derive(Debug, Deserialize)]
            struct Wrap<T> {
                k: T,
            }
            let text = format!(r#"{{"k":{value}}}"#);
            let (_, members) = members_kept(&text, |_: &mut (), _, _| true).unwrap();
            let via_members = members.unwrap().deserialize::<Wrap<T>>().map(|w| w.k);
            let direct = serde_json::from_str::<Wrap<T>>(&text).map(|w| w.k);
            let what = format!("{} from {value}", std::any::type_name::<T>());
            match (via_members, direct) {
                (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{what}"),
                // An error through the members names the member instead of a position.
                (Err(a), Err(b)) => {
                    let message = |e: String| e.split(" at line").next().map(str::to_owned);
                    assert_eq!(
                        message(a.to_string()),
                        message(format!("`k`: {b}")),
                        "{what}"
                    );
                }
                (a, b) => panic!("{what}: {a:?} against {b:?}"),
            }
        }
        for value in [r#""v""#, r#""""#, r#""a b""#, r#""\u0041""#, r#""é""#, "7"] {
            same::<String>(value);
            same::<Option<String>>(value);
            same::<char>(value);
            same::<Unit>(value);
            same::<Box<RawValue>>(value);
            same::<Newtype>(value);
            same::<serde_json::Value>(value);
            same::<i64>(value);
            same::<Option<u32>>(value);
            same::<bool>(value);
            same::<()>(value);
            same::<S>(value);
            same::<Vec<String>>(value);
            same::<std::collections::BTreeMap<String, String>>(value);
        }
        assert_eq!(plain_string(r#""a""#), Some("a"));
        assert_eq!(plain_string(r#""a\"b""#), None);
        assert_eq!(plain_string("7"), None);
    }

    #[test]
    fn plain_runs_end_where_a_byte_by_byte_search_ends_them() {
        let naive = |b: &[u8]| b.iter().position(|&b| ends_plain_run(b));
        // Every stop byte at every offset, after every kind of plain byte (ASCII, the
        // bytes next to each stop value, UTF-8), in bodies shorter and longer than a
        // word.
        for plain in [b'a', b' ', b'!', b'#', b'[', b']', 0x7f, 0x80, 0xe4, 0xff] {
            for stop in [b'"', b'\\', 0x00, 0x01, 0x1f] {
                for len in 0..20 {
                    for at in 0..=len {
                        let mut bytes = vec![plain; len];
                        if let Some(b) = bytes.get_mut(at) {
                            *b = stop;
                        }
                        // A second stop after the first must not hide it.
                        bytes.push(b'"');
                        assert_eq!(plain_run(&bytes), naive(&bytes), "{bytes:?}");
                    }
                }
            }
        }
        assert_eq!(plain_run(b""), None);
        assert_eq!(plain_run(b"abcdefghijk"), None);
    }

    proptest! {
        #[test]
        fn plain_runs_agree_with_a_byte_by_byte_search(bytes in prop::collection::vec(any::<u8>(), 0..40)) {
            prop_assert_eq!(plain_run(&bytes), bytes.iter().position(|&b| ends_plain_run(b)));
        }
    }

    fn members(text: &str) -> Option<Vec<(String, String)>> {
        let mut out = Vec::new();
        object_members(text, |k, v| {
            out.push((k.to_owned(), v.to_owned()));
            true
        })
        .map(|()| out)
    }

    #[test]
    fn reads_the_top_level_as_raw_text() {
        let body =
            " {\"a\": \"x\\n\\u00e9\", \"b\" :{\"c\":[1,-2.50,{\"d\":null}]},\"e\":true,\"f\":0}\n";
        assert_eq!(
            members(body).unwrap(),
            [
                ("a", "\"x\\n\\u00e9\""),
                ("b", "{\"c\":[1,-2.50,{\"d\":null}]}"),
                ("e", "true"),
                ("f", "0")
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert_eq!(members("{}").unwrap(), []);
    }

    #[test]
    fn leaves_malformed_and_rare_forms_to_serde_json() {
        for text in [
            "",
            "[]",
            "{",
            "{\"a\":1,}",
            "{\"a\":01}",
            "{\"a\":1.}",
            "{\"a\":.5}",
            "{\"a\":1.5.2}",
            "{\"a\":1e3}",
            "{\"a\":1.5E3}",
            "{\"a\":1234567890123456789}",
            "{\"a\":\"\\u00G1\"}",
            "{\"a\":\"\\u00\"}",
            "{\"a\\n\":1}",
            "{\"a\":\"\\q\"}",
            "{\"a\":\"\u{1}\"}",
            "{\"a\":tru}",
            "{\"a\":[1 2]}",
            "{\"a\":{\"b\" 1}}",
            "{\"a\":1} x",
            "{\"a\":1}{}",
            "{'a':1}",
            "{\"a\":-}",
        ] {
            assert_eq!(members(text), None, "{text:?}");
        }
        let deep = format!(
            "{{\"a\":{}{}}}",
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        assert_eq!(members(&deep), None);
    }

    #[test]
    fn a_refusing_visitor_stops_the_read() {
        assert_eq!(object_members("{\"a\":1,\"a\":2}", |k, _| k != "a"), None);
    }

    fn json_text() -> impl Strategy<Value = String> {
        let atom = prop_oneof![
            Just("null".to_owned()),
            Just("true".to_owned()),
            any::<i64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_map(|n| format!("{n:?}")),
            "[ -~\\n\u{e9}\u{1f600}]{0,6}"
                .prop_map(|s| serde_json::to_string(&s).unwrap_or_default()),
        ];
        atom.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                prop::collection::vec(("[a-c\\\\\"]{0,2}", inner), 0..4).prop_map(|v| {
                    let members: Vec<String> = v
                        .into_iter()
                        .map(|(k, v)| {
                            format!("{} : {v}", serde_json::to_string(&k).unwrap_or_default())
                        })
                        .collect();
                    format!("{{ {} }}", members.join(" , "))
                }),
            ]
        })
    }

    proptest! {
        /// Whatever the reader accepts, serde_json accepts, with the same members; and
        /// a body serde_json accepts is only ever refused for a documented reason.
        #[test]
        fn agrees_with_serde_json(text in json_text(), cut in any::<prop::sample::Index>(), mutate in any::<bool>()) {
            let text = if mutate && !text.is_empty() {
                let mut bytes = text.into_bytes();
                let i = cut.index(bytes.len());
                bytes.remove(i);
                String::from_utf8(bytes).unwrap_or_default()
            } else {
                text
            };
            let parsed: Result<serde_json::Map<String, serde_json::Value>, _> = serde_json::from_str(&text);
            if let Some(members) = members(&text) {
                let map = parsed.map_err(|e| TestCaseError::fail(format!("{text:?} accepted, serde_json says {e}")))?;
                // serde_json keeps the last of repeated keys.
                let mut last = serde_json::Map::new();
                for (k, raw) in members {
                    let v: serde_json::Value = serde_json::from_str(&raw).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    last.insert(k, v);
                }
                prop_assert_eq!(last, map);
            }
        }
    }
}
