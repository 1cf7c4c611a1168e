//! Message bodies (docs/protocol/agora.md §5.6): post-send `payload.bodies[]` and the pre-send flat
//! payload. One flat struct holds the fields of every body type; `type` says which apply.

use super::common::opt_value;
use crate::wire;
use crate::wire::wire_enum;
use serde::{Deserialize, Serialize};

wire_enum! {
    /// `type` of a message body.
    BodyType {
        /// `txt` (also merged messages, with `subType: sub_combine`).
        Txt = "txt",
        /// `cmd`: a command (pass-through) message.
        Cmd = "cmd",
        /// `img`.
        Img = "img",
        /// `audio`.
        Audio = "audio",
        /// `video`.
        Video = "video",
        /// `file`.
        File = "file",
        /// `loc`.
        Loc = "loc",
        /// `custom`.
        Custom = "custom",
    }
}

/// `size` of an image or video thumbnail.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Size {
    /// `width`.
    #[serde(
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub width: Option<i64>,
    /// `height`.
    #[serde(
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub height: Option<i64>,
}

/// One message body.
///
/// ```
/// use imhook_core::agora::events::{BodyType, MessageBody};
/// let b: MessageBody = serde_json::from_str(r#"{"type":"loc","lat":"39.9","lng":116.3,"addr":"x"}"#).unwrap();
/// assert_eq!(b.kind, BodyType::Loc);
/// assert_eq!(b.lat, Some(39.9));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageBody {
    /// `msg`: text (`txt`; also `cmd` on some pages; the fallback text of merged messages).
    #[serde(
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg: Option<String>,
    /// `action` (`cmd`).
    #[serde(
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub action: Option<String>,
    /// `subType` (`sub_combine` for merged messages).
    #[serde(
        rename = "subType",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub sub_type: Option<String>,
    /// `combineLevel` (merged messages).
    #[serde(
        rename = "combineLevel",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub combine_level: Option<i64>,
    /// `summary` (merged messages).
    #[serde(
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub summary: Option<String>,
    /// `title` (merged messages).
    #[serde(
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub title: Option<String>,
    /// `filename`.
    #[serde(
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub filename: Option<String>,
    /// `secret`: attachment access key.
    #[serde(
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub secret: Option<String>,
    /// `file_length` in bytes.
    #[serde(
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub file_length: Option<i64>,
    /// `size` (images; video thumbnails).
    #[serde(
        default,
        deserialize_with = "super::common::opt_lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub size: Option<Size>,
    /// `url`.
    #[serde(
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub url: Option<String>,
    /// `length`: duration in seconds (audio, video).
    #[serde(
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub length: Option<i64>,
    /// `thumb`: thumbnail URL (video).
    #[serde(
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub thumb: Option<String>,
    /// `thumb_secret` (video).
    #[serde(
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub thumb_secret: Option<String>,
    /// `lat` (number or string).
    #[serde(
        default,
        deserialize_with = "wire::opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub lat: Option<f64>,
    /// `lng` (number or string).
    #[serde(
        default,
        deserialize_with = "wire::opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub lng: Option<f64>,
    /// `addr`.
    #[serde(
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub addr: Option<String>,
    /// `customEvent` (`custom`).
    #[serde(
        rename = "customEvent",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_event: Option<String>,
    /// `customExts`: legacy array of one-key objects, kept as received.
    #[serde(
        rename = "customExts",
        default,
        deserialize_with = "opt_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_exts: Option<serde_json::Value>,
    /// `v2:customExts`: string map, kept as received.
    #[serde(
        rename = "v2:customExts",
        default,
        deserialize_with = "opt_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_exts_v2: Option<serde_json::Value>,
    /// `type`.
    #[serde(rename = "type")]
    pub kind: BodyType,
}

/// In `payload.bodies`, read in place ([`wire::read_in_place`]): every field's reader
/// consumes its value even when it refuses it.
impl wire::InPlaceItem for MessageBody {
    fn read_item<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        wire::read_in_place(d)
    }
}

impl MessageBody {
    /// A text body.
    pub fn text_body(text: impl Into<String>) -> Self {
        Self {
            kind: BodyType::Txt,
            msg: Some(text.into()),
            action: None,
            sub_type: None,
            combine_level: None,
            summary: None,
            title: None,
            filename: None,
            secret: None,
            file_length: None,
            size: None,
            url: None,
            length: None,
            thumb: None,
            thumb_secret: None,
            lat: None,
            lng: None,
            addr: None,
            custom_event: None,
            custom_exts: None,
            custom_exts_v2: None,
        }
    }

    /// The text of a `txt` body.
    pub fn text(&self) -> Option<&str> {
        match self.kind {
            BodyType::Txt => self.msg.as_deref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::in_place_checks::{Lists, assert_same_items, lists};
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = String> + Clone {
        let leaf = prop::sample::select(vec![
            r#""txt""#,
            r#""img""#,
            r#""x""#,
            r#""12""#,
            "12",
            "-1",
            "3.5",
            "true",
            "null",
            "{}",
            "[]",
            r#"[1,"a",{}]"#,
            r#"{"width":1,"height":"2"}"#,
            r#"{"width":1,"width":2}"#,
            r#"{"a":{"b":[{"c":null}]}}"#,
        ])
        .prop_map(str::to_owned);
        leaf.prop_recursive(2, 8, 3, |inner| {
            prop::collection::vec(inner, 0..3).prop_map(|v| format!("[{}]", v.join(",")))
        })
    }

    #[test]
    fn bodies_read_in_place_are_the_bodies_read_from_text() {
        assert_same_items::<MessageBody>(
            r#"[{"type":"txt","msg":"a"},{"type":{"x":[1]},"msg":"b"},{"type":["txt"]},
            {"type":"img","size":{"width":1,"width":2},"url":"u"},{"msg":"no type"},
            {"type":"txt","type":"img"},{"type":"loc","lat":"39.9","customExts":{"k":[1]}},
            "text",7,null,[],{"type":"txt","size":[{"width":3}]}]"#,
        );
        let lists: Lists<MessageBody> = serde_json::from_str(
            r#"{"in_place":[{"type":{"x":1}},{"type":"txt","msg":"kept"},{"type":"img","size":{"width":1,"width":2}}]}"#,
        )
        .unwrap();
        let kept: Vec<_> = lists.in_place.iter().map(MessageBody::text).collect();
        assert_eq!(kept, [Some("kept")]);
    }

    proptest! {
        /// Objects with the body's keys (repeated, missing, of any shape), arrays and
        /// scalars.
        #[test]
        fn bodies_read_in_place_agree_with_bodies_read_from_text(
            list in lists(
                vec!["type", "msg", "size", "lat", "customExts", "v2:customExts", "url",
                    "length", "subType", "other"],
                value(),
            )
        ) {
            assert_same_items::<MessageBody>(&list);
        }
    }
}
