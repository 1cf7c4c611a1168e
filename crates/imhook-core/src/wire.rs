//! Lenient wire helpers shared by both providers' catalogues.
//!
//! Providers send integers as strings, booleans as `"false"`, single strings where a
//! list is documented, and `null` for absent fields. These `deserialize_with`
//! helpers accept every such shape in one pass over the input (no intermediate
//! `serde_json::Value`), and turn anything unusable in an *optional* field into
//! `None` instead of failing the whole event.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;
use std::marker::PhantomData;

/// A scalar a lenient field may hold, its text borrowed for the conversion.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Scalar<'a> {
    I(i64),
    U(u64),
    F(f64),
    B(bool),
    S(&'a str),
    Other,
}

/// Reads any JSON value (a container to its end, as [`Scalar::Other`]) and converts its
/// scalar form: a string is seen borrowed, so a number or flag sent as a string is
/// read without copying it.
struct ScalarVisitor<T>(fn(Scalar<'_>) -> T);

impl<'de, T> Visitor<'de> for ScalarVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        Ok((self.0)(Scalar::I(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        Ok((self.0)(Scalar::U(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Ok((self.0)(Scalar::F(v)))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        Ok((self.0)(Scalar::B(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(Scalar::S(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Ok((self.0)(Scalar::Other))
    }
    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        Ok((self.0)(Scalar::Other))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok((self.0)(Scalar::Other))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok((self.0)(Scalar::Other))
    }
}

fn scalar<'de, D: Deserializer<'de>, T>(d: D, convert: fn(Scalar<'_>) -> T) -> Result<T, D::Error> {
    d.deserialize_any(ScalarVisitor(convert))
}

/// Parses an optionally signed decimal integer made of ASCII digits only.
pub(crate) fn parse_decimal_i64(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn scalar_i64(s: Scalar<'_>) -> Option<i64> {
    match s {
        Scalar::I(v) => Some(v),
        Scalar::U(v) => i64::try_from(v).ok(),
        Scalar::S(v) => parse_decimal_i64(v.trim()),
        _ => None,
    }
}

fn scalar_u64(s: Scalar<'_>) -> Option<u64> {
    match s {
        Scalar::I(v) => u64::try_from(v).ok(),
        Scalar::U(v) => Some(v),
        Scalar::S(v) => {
            let t = v.trim();
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                t.parse().ok()
            }
        }
        _ => None,
    }
}

/// Optional `i64`: a JSON integer or a string of decimal digits; anything else is `None`.
pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    scalar(d, scalar_i64)
}

/// Optional `u64`, lenient like [`opt_i64`].
pub(crate) fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    scalar(d, scalar_u64)
}

/// Optional `u32`, lenient like [`opt_i64`]; out-of-range values are `None`.
pub(crate) fn opt_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    scalar(d, |s| scalar_u64(s).and_then(|v| u32::try_from(v).ok()))
}

/// Optional `f64`: a JSON number or a numeric string.
pub(crate) fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    scalar(d, |s| match s {
        Scalar::I(v) => Some(v as f64),
        Scalar::U(v) => Some(v as f64),
        Scalar::F(v) => Some(v),
        Scalar::S(v) => v.trim().parse().ok().filter(|f: &f64| f.is_finite()),
        _ => None,
    })
}

/// Optional `bool`: `true`/`false` or the strings `"true"`/`"false"` (any ASCII case).
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    scalar(d, |s| match s {
        Scalar::B(v) => Some(v),
        Scalar::S(v) if v.trim().eq_ignore_ascii_case("true") => Some(true),
        Scalar::S(v) if v.trim().eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    })
}

/// Optional string: a JSON string, or an integer kept as its decimal text (ids).
/// Other shapes are `None`.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    scalar(d, |s| match s {
        Scalar::S(v) => Some(v.to_owned()),
        Scalar::I(v) => Some(v.to_string()),
        Scalar::U(v) => Some(v.to_string()),
        _ => None,
    })
}

/// A string (or an integer as its text); anything else, or absence, is `""`.
pub(crate) fn string_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_string(d)?.unwrap_or_default())
}

/// Required `i64`, lenient on strings; a missing or unusable value is an error.
pub(crate) fn req_i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    scalar(d, scalar_i64)?.ok_or_else(|| de::Error::custom("expected an integer"))
}

/// Required `u64`, lenient on strings.
pub(crate) fn req_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    scalar(d, scalar_u64)?.ok_or_else(|| de::Error::custom("expected an unsigned integer"))
}

/// Required string; integers are accepted as their decimal text (ids).
pub(crate) fn req_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    opt_string(d)?.ok_or_else(|| de::Error::custom("expected a string"))
}

struct ListVisitor<T>(PhantomData<T>);

/// Elements of a lenient list: strings, or integers kept as text.
impl<'de> Visitor<'de> for ListVisitor<String> {
    type Value = Vec<String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of strings or a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(vec![v.to_owned()])
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(vec![v])
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Vec::new())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element::<LenientString>()? {
            if let Some(s) = item.0 {
                out.push(s);
            }
        }
        Ok(out)
    }
}

/// A list of strings: an array (non-string items other than integers are skipped),
/// a single string (one-element list), or `null`/absent/other (empty list).
pub(crate) fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    d.deserialize_any(ListVisitor::<String>(PhantomData))
}

/// A string, or an integer as its decimal text; anything else is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct LenientString(pub Option<String>);

impl<'de> serde::Deserialize<'de> for LenientString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        opt_string(d).map(LenientString)
    }
}

/// A list of `T`: an array whose items that fail to decode are skipped, `null` or
/// absent or any other shape is empty. Use for optional lists of objects.
///
/// Each item is copied out of the input and decoded from that copy; items that can
/// read themselves without failing use [`lenient_list_in_place`].
pub(crate) fn lenient_list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: de::DeserializeOwned,
{
    /// An item decoded from a copy of its own text, so that one that does not decode
    /// is skipped without failing the list.
    struct ByText<T>(T);
    impl<T: de::DeserializeOwned> InPlaceItem for ByText<T> {
        fn read_item<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
            let text = <Box<RawValue> as de::Deserialize>::deserialize(d)?;
            Ok(serde_json::from_str(text.get()).ok().map(ByText))
        }
    }
    let items = lenient_list_in_place::<D, ByText<T>>(d)?;
    Ok(items.into_iter().map(|ByText(item)| item).collect())
}

/// An item of a [`lenient_list_in_place`], read from the list's own input: an item
/// that reads itself in one pass, where [`lenient_list`] reads each item's text twice
/// (once to find it, once to decode it).
pub(crate) trait InPlaceItem: Sized {
    /// Reads one list item from `d`, consuming its whole value whatever its shape:
    /// `None` for a value that is not an item, which the list skips. An error means
    /// malformed input.
    fn read_item<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error>;
}

/// A lenient list of items that [read themselves](InPlaceItem): an array whose items
/// that read as `None` are skipped, `null` or absent or any other shape is empty.
pub(crate) fn lenient_list_in_place<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: InPlaceItem,
{
    struct Item<T>(PhantomData<T>);
    impl<'de, T: InPlaceItem> de::DeserializeSeed<'de> for Item<T> {
        type Value = Option<T>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            T::read_item(d)
        }
    }
    struct V<T>(PhantomData<T>);
    impl<'de, T: InPlaceItem> Visitor<'de> for V<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
            while let Some(item) = seq.next_element_seed(Item::<T>(PhantomData))? {
                out.extend(item);
            }
            Ok(out)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(Vec::new())
        }
        fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_any(V::<T>(PhantomData))
}

/// Reads a struct `T` in place as an [`InPlaceItem`]: the value `T`'s derived
/// `Deserialize` reads, or `None` (its whole value consumed) where that fails.
///
/// Only for structs whose every field reader consumes its value even when it fails
/// (the scalar readers of this module, [`string`], [`wire_enum!`] enums, lenient lists
/// and nested objects, `serde_json::Value`): a failure then leaves the input at a point from
/// where the rest of the item can be skipped. A field read by a plain `String` or
/// number would fail on an object or array without consuming it, and the whole list
/// would then fail (an error, never a wrong item).
pub(crate) fn read_in_place<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: de::Deserialize<'de>,
{
    struct Item<T>(PhantomData<T>);
    impl<'de, T: de::Deserialize<'de>> Visitor<'de> for Item<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
            Ok(from_map(map)?.ok())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<T>, A::Error> {
            // A struct may be written as the array of its fields; `serde_json` fails one
            // with more elements than fields.
            let item = T::deserialize(de::value::SeqAccessDeserializer::new(&mut seq)).ok();
            let mut more = false;
            while seq.next_element::<IgnoredAny>()?.is_some() {
                more = true;
            }
            Ok(item.filter(|_| !more))
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Option<T>, E> {
            Ok(None)
        }
    }
    d.deserialize_any(Item::<T>(PhantomData))
}

/// Deserializes `T` from the object `map`. Where `T` refuses it (a repeated key, a
/// value refused), the rest of the object is read to its end first and the refusal
/// is returned inside `Ok`, so that a struct read in place around it can go on
/// ([`read_in_place`]); `Err` is an error of the input itself.
pub(crate) fn from_map<'de, A, T>(map: A) -> Result<Result<T, A::Error>, A::Error>
where
    A: MapAccess<'de>,
    T: de::Deserialize<'de>,
{
    let mut map = Tracked {
        map,
        value_due: false,
    };
    match T::deserialize(de::value::MapAccessDeserializer::new(&mut map)) {
        Ok(value) => Ok(Ok(value)),
        Err(refused) => map.skip_rest().map(|()| Err(refused)),
    }
}

/// A `MapAccess` that knows whether a value is due, so that the rest of its object
/// can be skipped after a visitor stopped part-way.
struct Tracked<A> {
    map: A,
    value_due: bool,
}

impl<A> Tracked<A> {
    /// Consumes the rest of the object: the value due, if any, and every member left.
    fn skip_rest<'de>(mut self) -> Result<(), A::Error>
    where
        A: MapAccess<'de>,
    {
        if self.value_due {
            self.map.next_value::<IgnoredAny>()?;
        }
        while self.map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Tracked<A> {
    type Error = A::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let key = self.map.next_key_seed(seed)?;
        self.value_due = key.is_some();
        Ok(key)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, A::Error> {
        self.value_due = false;
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// A JSON string, read as `String` reads it (with its errors) into `T`; an object or a
/// list is read to its end before it is refused, so that a struct read in place can
/// skip past it ([`read_in_place`]). `T::from(&str)` lets a type match the text
/// without copying it.
pub(crate) fn string<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    struct Text<T>(PhantomData<T>);
    impl<'de, T: for<'a> From<&'a str> + From<String>> Visitor<'de> for Text<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from(v))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
            Ok(T::from(v))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Err(de::Error::invalid_type(de::Unexpected::Map, &self))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Err(de::Error::invalid_type(de::Unexpected::Seq, &self))
        }
    }
    d.deserialize_any(Text(PhantomData))
}

/// What the tests of [`InPlaceItem`] types share: a list read both ways, and lists
/// of objects with an item's keys, arrays and scalars.
#[cfg(test)]
pub(crate) mod in_place_checks {
    use super::*;
    use proptest::prelude::*;

    /// The same list read item by item from copies of its text and in place.
    #[derive(Debug, serde::Deserialize)]
    #[serde(bound = "T: de::DeserializeOwned + InPlaceItem")]
    pub(crate) struct Lists<T> {
        #[serde(default, deserialize_with = "lenient_list")]
        pub(crate) by_text: Vec<T>,
        #[serde(default, deserialize_with = "lenient_list_in_place")]
        pub(crate) in_place: Vec<T>,
    }

    /// Asserts that the JSON list `list` keeps the same items read in place as read
    /// item by item, from text and through a `serde_json::Value` (which keeps one of
    /// repeated keys).
    pub(crate) fn assert_same_items<T>(list: &str)
    where
        T: de::DeserializeOwned + InPlaceItem + PartialEq + fmt::Debug,
    {
        let text = format!(r#"{{"by_text":{list},"in_place":{list}}}"#);
        let lists: Lists<T> = serde_json::from_str(&text).unwrap();
        assert_eq!(lists.by_text, lists.in_place, "{list}");
        let lists: Lists<T> = serde_json::from_value(serde_json::from_str(&text).unwrap()).unwrap();
        assert_eq!(lists.by_text, lists.in_place, "{list}");
    }

    /// JSON lists of objects with `keys` (repeated, missing) holding `values`, arrays
    /// and scalars.
    pub(crate) fn lists(
        keys: Vec<&'static str>,
        values: impl Strategy<Value = String> + Clone,
    ) -> impl Strategy<Value = String> {
        let object = prop::collection::vec((prop::sample::select(keys), values.clone()), 0..5)
            .prop_map(|members| {
                let members: Vec<_> = members
                    .iter()
                    .map(|(k, v)| format!(r#""{k}":{v}"#))
                    .collect();
                format!("{{{}}}", members.join(","))
            });
        let array =
            prop::collection::vec(values.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(",")));
        let item = prop_oneof![5 => object, 1 => array, 1 => values];
        prop::collection::vec(item, 0..5).prop_map(|items| format!("[{}]", items.join(",")))
    }
}

/// Returns `true` when the first non-whitespace byte of `body` opens a JSON object.
/// A cheap pre-check: the full parse still validates the rest.
pub(crate) fn looks_like_object(body: &[u8]) -> bool {
    body.iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .is_some_and(|b| *b == b'{')
}

/// Any JSON value, kept verbatim; `null` is absent.
pub(crate) fn opt_raw<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Box<RawValue>>, D::Error> {
    let raw = <Box<RawValue> as de::Deserialize>::deserialize(d)?;
    Ok((raw.get() != "null").then_some(raw))
}

/// Whether two values kept verbatim are equal: the same text, or texts that read as
/// the same JSON value (spacing, key order and number spelling aside).
pub(crate) fn raw_eq(a: &RawValue, b: &RawValue) -> bool {
    use serde_json::{Value, from_str};
    a.get() == b.get()
        || matches!(
            (from_str::<Value>(a.get()), from_str::<Value>(b.get())),
            (Ok(a), Ok(b)) if a == b
        )
}

/// The content of the raw JSON text of one value when it is a string token, borrowed
/// when it has no escapes; `None` for any other JSON value.
pub(crate) fn json_text_str(text: &str) -> Option<std::borrow::Cow<'_, str>> {
    use std::borrow::Cow;
    if !text.starts_with('"') {
        return None;
    }
    if !text.contains('\\') {
        return text.get(1..text.len().saturating_sub(1)).map(Cow::Borrowed);
    }
    serde_json::from_str::<String>(text).ok().map(Cow::Owned)
}

/// The value of an ASCII hex digit (either case), or [`NOT_HEX`] for any other byte,
/// computed without a branch: signatures are random hex, and a digit-or-letter branch
/// per character is mispredicted about half the time.
fn hex_value(c: u8) -> u8 {
    let digit = c.wrapping_sub(b'0');
    // `| 0x20` lower-cases the letters; no other byte lands on `a`–`f`.
    let letter = (c | 0x20).wrapping_sub(b'a').wrapping_add(10);
    let is_digit = 0u8.wrapping_sub(u8::from(digit < 10));
    let is_letter = u8::from((10..16).contains(&letter));
    let not_hex = u8::from(is_digit == 0 && is_letter == 0) << 7;
    (digit & is_digit) | (letter & !is_digit) | not_hex
}

/// The bit [`hex_value`] sets for a byte that is not a hex digit (values are below 16).
const NOT_HEX: u8 = 0x80;

/// The value of one ASCII hex digit (either case).
pub(crate) fn hex_digit(b: u8) -> Option<u8> {
    let v = hex_value(b);
    (v & NOT_HEX == 0).then_some(v)
}

/// Exactly `2 * N` hex digits (either case) as `N` bytes; `None` for any other input.
pub(crate) fn decode_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let b = s.as_bytes();
    if b.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    // Every digit is read and the bad ones noted, without a branch per digit.
    let mut seen = 0u8;
    for (o, pair) in out.iter_mut().zip(b.chunks_exact(2)) {
        let [hi, lo] = [0, 1].map(|i| pair.get(i).map_or(NOT_HEX, |&c| hex_value(c)));
        seen |= hi | lo;
        *o = (hi << 4) | (lo & 0x0f);
    }
    (seen & NOT_HEX == 0).then_some(out)
}

/// Lower-case hex of `bytes`.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    // `0`–`9`, then `a`–`f` 39 code points further on.
    let digit = |n: u8| char::from(b'0' + n + 39 * u8::from(n > 9));
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(digit(b >> 4));
        s.push(digit(b & 0x0f));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    struct T {
        #[serde(default, deserialize_with = "opt_i64")]
        i: Option<i64>,
        #[serde(default, deserialize_with = "opt_u32")]
        u: Option<u32>,
        #[serde(default, deserialize_with = "opt_bool")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "opt_string")]
        s: Option<String>,
        #[serde(default, deserialize_with = "string_list")]
        l: Vec<String>,
    }

    fn t(s: &str) -> T {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn integers_from_numbers_and_strings() {
        assert_eq!(t(r#"{"i":5}"#).i, Some(5));
        assert_eq!(t(r#"{"i":"-5"}"#).i, Some(-5));
        assert_eq!(t(r#"{"i":""}"#).i, None);
        assert_eq!(t(r#"{"i":"1e3"}"#).i, None);
        assert_eq!(t(r#"{"i":null}"#).i, None);
        assert_eq!(t(r#"{"i":{"a":[1]}}"#).i, None);
        assert_eq!(t(r#"{"u":4294967295}"#).u, Some(u32::MAX));
        assert_eq!(t(r#"{"u":4294967296}"#).u, None);
        assert_eq!(t(r#"{"u":"-1"}"#).u, None);
    }

    #[test]
    fn booleans_and_strings() {
        assert_eq!(t(r#"{"b":"FALSE"}"#).b, Some(false));
        assert_eq!(t(r#"{"b":true}"#).b, Some(true));
        assert_eq!(t(r#"{"b":"yes"}"#).b, None);
        assert_eq!(
            t(r#"{"s":1234567890123456789}"#).s.as_deref(),
            Some("1234567890123456789")
        );
        assert_eq!(t(r#"{"s":1.5}"#).s, None);
    }

    #[test]
    fn lists() {
        assert_eq!(t(r#"{"l":["a",1,{"x":1},"b"]}"#).l, vec!["a", "1", "b"]);
        assert_eq!(t(r#"{"l":"a"}"#).l, vec!["a"]);
        assert!(t(r#"{"l":{}}"#).l.is_empty());
        assert!(t(r#"{}"#).l.is_empty());
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Member {
        id: String,
        #[serde(default)]
        n: u32,
    }

    #[derive(Deserialize, Debug)]
    struct Members {
        #[serde(default, deserialize_with = "lenient_list")]
        m: Vec<Member>,
    }

    fn ids(members: &Members) -> Vec<&str> {
        members.m.iter().map(|m| m.id.as_str()).collect()
    }

    #[test]
    fn lenient_lists_keep_every_item_that_decodes() {
        let from_body = |s: &str| serde_json::from_str::<Members>(s).unwrap();
        let from_value =
            |s: &str| serde_json::from_value::<Members>(serde_json::from_str(s).unwrap()).unwrap();
        for decode in [&from_body as &dyn Fn(&str) -> Members, &from_value] {
            let all = decode(r#"{"m":[{"id":"a","n":1},{"id":"b"}]}"#);
            assert_eq!(ids(&all), ["a", "b"]);
            assert_eq!(all.m.first().map(|m| m.n), Some(1));
            // Items missing a required field, of the wrong type or shape are skipped,
            // wherever they are in the list.
            let some = decode(
                r#"{"m":[{"n":1},{"id":"a"},{"id":5},"x",null,{"id":"b","n":"2"},{"id":"c"}]}"#,
            );
            assert_eq!(ids(&some), ["a", "c"]);
            assert_eq!(ids(&decode(r#"{"m":[{"id":"a"},7]}"#)), ["a"]);
            for empty in [
                r#"{"m":null}"#,
                r#"{"m":{"id":"a"}}"#,
                r#"{"m":"a"}"#,
                r#"{"m":3}"#,
                r#"{"m":[]}"#,
                "{}",
            ] {
                assert!(decode(empty).m.is_empty(), "{empty}");
            }
        }
        // Malformed JSON is still an error of the whole body.
        assert!(serde_json::from_str::<Members>(r#"{"m":[{"id":"a"},]}"#).is_err());
    }

    #[test]
    fn wire_enums_read_strings_as_string_does() {
        mod colour {
            #![allow(unreachable_pub)]
            crate::wire::wire_enum! {
                /// A test enum.
                Colour {
                    /// `red`.
                    Red = "red",
                }
            }
        }
        use colour::Colour;
        let read = |text: &str| serde_json::from_str::<Colour>(text);
        assert_eq!(read(r#""red""#).unwrap(), Colour::Red);
        assert_eq!(read(r#""re\u0064""#).unwrap(), Colour::Red);
        assert_eq!(read(r#""blue""#).unwrap(), Colour::Other("blue".to_owned()));
        assert_eq!(Colour::from("blue"), Colour::from("blue".to_owned()));
        assert_eq!(Colour::from("red"), Colour::Red);
        for other in ["5", "null", "[]", "{}"] {
            let (ours, string) = (read(other), serde_json::from_str::<String>(other));
            // The same message; the position differs for an object or a list, which
            // is read to its end before it is refused.
            let message =
                |e: serde_json::Error| e.to_string().split(" at line").next().map(str::to_owned);
            assert_eq!(
                ours.map_err(message),
                string.map(Colour::from).map_err(message)
            );
        }
    }

    #[test]
    fn object_precheck() {
        assert!(looks_like_object(b" \n{}"));
        assert!(!looks_like_object(b"[]"));
        assert!(!looks_like_object(b""));
    }
}

/// Declares an enum mirroring a wire string, with an `Other(String)` catch-all that
/// keeps unknown values verbatim, and (de)serialisation as that string.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The wire text of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other(s) => s,
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $($wire => Self::$variant,)+
                    _ => Self::Other(s),
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)+
                    _ => Self::Other(s.to_owned()),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            // A string, as `String` reads it (with its errors); a known value is matched
            // without copying the string (`wire::string`).
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::wire::string(d)
            }
        }
    };
}
pub(crate) use wire_enum;

/// Declares an enum mirroring a wire integer, with an `Other(i64)` catch-all that keeps
/// unknown values, and (de)serialisation as that integer (a numeric string is accepted).
macro_rules! int_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version does not know, kept.
            Other(i64),
        }

        impl $name {
            /// The wire number of this value.
            pub fn code(&self) -> i64 {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other(n) => *n,
                }
            }
        }

        impl From<i64> for $name {
            fn from(n: i64) -> Self {
                match n {
                    $($wire => Self::$variant,)+
                    n => Self::Other(n),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::wire::req_i64(d).map(Self::from)
            }
        }
    };
}
pub(crate) use int_enum;

/// An optional wire integer enum: an integer (or numeric string) becomes the enum
/// (unknown values `Other`), any other shape is `None`.
pub(crate) fn opt_int_enum<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: From<i64>,
{
    Ok(opt_i64(d)?.map(T::from))
}

/// An optional wire enum: a string becomes the enum (unknown values `Other`), any
/// other shape is `None`.
pub(crate) fn opt_enum<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: From<String>,
{
    Ok(opt_string(d)?.map(T::from))
}

/// `true` for an empty list (skip it when serialising).
pub(crate) fn is_empty<T>(v: &[T]) -> bool {
    v.is_empty()
}

/// An optional object: a value that decodes as `T` is `Some`, `null` or any other shape
/// is `None`.
pub(crate) fn opt_object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: de::DeserializeOwned,
{
    let raw = <Option<Box<RawValue>> as serde::Deserialize>::deserialize(d)?;
    Ok(raw.and_then(|r| serde_json::from_str(r.get()).ok()))
}

#[cfg(test)]
mod doc_examples {
    #[test]
    fn module_example() {
        use serde::Deserialize;
        #[derive(Deserialize)]
        struct T {
            #[serde(default, deserialize_with = "crate::wire::opt_i64")]
            n: Option<i64>,
            #[serde(default, deserialize_with = "crate::wire::string_list")]
            l: Vec<String>,
        }
        let t: T = serde_json::from_str(r#"{"n":"1670574414123","l":"a"}"#).unwrap();
        assert_eq!(t.n, Some(1670574414123));
        assert_eq!(t.l, vec!["a".to_owned()]);
        let t: T = serde_json::from_str(r#"{"n":1.5,"l":null}"#).unwrap();
        assert_eq!(t.n, None);
        assert!(t.l.is_empty());
    }

    #[test]
    fn example_0() {
        use crate::wire::json_text_str;
        assert_eq!(json_text_str(r#""a\"b""#).as_deref(), Some("a\"b"));
        assert_eq!(json_text_str(r#""ab""#).as_deref(), Some("ab"));
        assert_eq!(json_text_str("12"), None);
    }

    #[test]
    fn example_1() {
        use crate::wire::{decode_hex, to_hex};
        assert_eq!(decode_hex::<2>("0aFf"), Some([0x0a, 0xff]));
        assert_eq!(decode_hex::<2>("0aF"), None);
        assert_eq!(to_hex(&[0x0a, 0xff]), "0aff");
    }

    #[test]
    fn hex_digits_are_exactly_the_sixteen_of_either_case() {
        use crate::wire::{decode_hex, hex_digit, to_hex};
        for b in 0..=u8::MAX {
            let expected = char::from(b).to_digit(16).map(|d| d as u8);
            assert_eq!(hex_digit(b), expected, "{b:#04x}");
        }
        let all: Vec<u8> = (0..=u8::MAX).collect();
        let hex = to_hex(&all);
        assert_eq!(decode_hex::<256>(&hex).map(Vec::from), Some(all.clone()));
        assert_eq!(
            decode_hex::<256>(&hex.to_uppercase()).map(Vec::from),
            Some(all)
        );
        // One wrong character anywhere fails the whole string.
        for bad in ["g", "G", " ", "x", ":", "@", "`", "/"] {
            for at in [0, 1, 2, 31] {
                let mut s = String::from("00112233445566778899aabbccddeeff");
                s.replace_range(at..=at, bad);
                assert_eq!(decode_hex::<16>(&s), None, "{s:?}");
            }
        }
        // So do bytes with the high bit set: a two-byte character in place of two
        // digits, which keeps the length.
        assert_eq!(
            decode_hex::<16>("\u{e9}112233445566778899aabbccddeeff"),
            None
        );
    }
}
