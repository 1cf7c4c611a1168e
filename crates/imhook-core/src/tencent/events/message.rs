//! Message bodies: `MsgBody` and its elements (docs/protocol/tencent.md §4.5,
//! <https://intl.cloud.tencent.com/document/product/1047/33527>).
//!
//! Known element types are typed; any other `MsgType` (e.g. `TIMRelayElem`, or a type
//! added later), or a known element whose content does not decode, is kept as
//! [`MsgElement::Unknown`] and written back unchanged.

use crate::wire;
use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// `TIMTextElem` content.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TextContent {
    /// `Text`.
    #[serde(
        rename = "Text",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub text: Option<String>,
}

/// `TIMLocationElem` content.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LocationContent {
    /// `Desc`.
    #[serde(
        rename = "Desc",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub desc: Option<String>,
    /// `Latitude`.
    #[serde(
        rename = "Latitude",
        default,
        deserialize_with = "wire::opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub latitude: Option<f64>,
    /// `Longitude`.
    #[serde(
        rename = "Longitude",
        default,
        deserialize_with = "wire::opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub longitude: Option<f64>,
}

/// `TIMFaceElem` content.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FaceContent {
    /// `Index`.
    #[serde(
        rename = "Index",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub index: Option<i64>,
    /// `Data`.
    #[serde(
        rename = "Data",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub data: Option<String>,
}

/// `TIMCustomElem` content.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CustomContent {
    /// `Desc`.
    #[serde(
        rename = "Desc",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub desc: Option<String>,
    /// `Data`.
    #[serde(
        rename = "Data",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub data: Option<String>,
    /// `Ext`.
    #[serde(
        rename = "Ext",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ext: Option<String>,
    /// `Sound`.
    #[serde(
        rename = "Sound",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub sound: Option<String>,
}

/// `TIMSoundElem` content.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SoundContent {
    /// `Url`.
    #[serde(
        rename = "Url",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub url: Option<String>,
    /// `UUID`.
    #[serde(
        rename = "UUID",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub uuid: Option<String>,
    /// `Size` in bytes.
    #[serde(
        rename = "Size",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub size: Option<i64>,
    /// `Second`: duration.
    #[serde(
        rename = "Second",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub second: Option<i64>,
    /// `Download_Flag`.
    #[serde(
        rename = "Download_Flag",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub download_flag: Option<i64>,
}

/// One image of `ImageInfoArray`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImageInfo {
    /// `Type`: 1 original, 2 large, 3 thumbnail.
    #[serde(
        rename = "Type",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub kind: Option<i64>,
    /// `Size`.
    #[serde(
        rename = "Size",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub size: Option<i64>,
    /// `Width`.
    #[serde(
        rename = "Width",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub width: Option<i64>,
    /// `Height`.
    #[serde(
        rename = "Height",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub height: Option<i64>,
    /// `URL`.
    #[serde(
        rename = "URL",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub url: Option<String>,
}

/// `TIMImageElem` content.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImageContent {
    /// `UUID`.
    #[serde(
        rename = "UUID",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub uuid: Option<String>,
    /// `ImageFormat`: 1 JPG, 2 GIF, 3 PNG, 4 BMP, 255 other.
    #[serde(
        rename = "ImageFormat",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub image_format: Option<i64>,
    /// `ImageInfoArray`.
    #[serde(
        rename = "ImageInfoArray",
        default,
        deserialize_with = "wire::lenient_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub image_info_array: Vec<ImageInfo>,
}

/// `TIMFileElem` content.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FileContent {
    /// `Url`.
    #[serde(
        rename = "Url",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub url: Option<String>,
    /// `UUID`.
    #[serde(
        rename = "UUID",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub uuid: Option<String>,
    /// `FileSize`.
    #[serde(
        rename = "FileSize",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub file_size: Option<i64>,
    /// `FileName`.
    #[serde(
        rename = "FileName",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub file_name: Option<String>,
    /// `Download_Flag`.
    #[serde(
        rename = "Download_Flag",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub download_flag: Option<i64>,
}

/// `TIMVideoFileElem` content.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VideoContent {
    /// `VideoUrl`.
    #[serde(
        rename = "VideoUrl",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub video_url: Option<String>,
    /// `VideoUUID`.
    #[serde(
        rename = "VideoUUID",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub video_uuid: Option<String>,
    /// `VideoSize`.
    #[serde(
        rename = "VideoSize",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub video_size: Option<i64>,
    /// `VideoSecond`.
    #[serde(
        rename = "VideoSecond",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub video_second: Option<i64>,
    /// `VideoFormat`.
    #[serde(
        rename = "VideoFormat",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub video_format: Option<String>,
    /// `VideoDownloadFlag`.
    #[serde(
        rename = "VideoDownloadFlag",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub video_download_flag: Option<i64>,
    /// `ThumbUrl`.
    #[serde(
        rename = "ThumbUrl",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub thumb_url: Option<String>,
    /// `ThumbUUID`.
    #[serde(
        rename = "ThumbUUID",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub thumb_uuid: Option<String>,
    /// `ThumbSize`.
    #[serde(
        rename = "ThumbSize",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub thumb_size: Option<i64>,
    /// `ThumbWidth`.
    #[serde(
        rename = "ThumbWidth",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub thumb_width: Option<i64>,
    /// `ThumbHeight`.
    #[serde(
        rename = "ThumbHeight",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub thumb_height: Option<i64>,
    /// `ThumbFormat`.
    #[serde(
        rename = "ThumbFormat",
        default,
        deserialize_with = "wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub thumb_format: Option<String>,
    /// `ThumbDownloadFlag`.
    #[serde(
        rename = "ThumbDownloadFlag",
        default,
        deserialize_with = "wire::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub thumb_download_flag: Option<i64>,
}

/// One element of a `MsgBody`.
///
/// ```
/// use imhook_core::tencent::events::MsgElement;
/// let e = MsgElement::text("hi");
/// assert_eq!(serde_json::to_string(&e).unwrap(), r#"{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}"#);
/// let raw = r#"{"MsgType":"TIMFutureElem","MsgContent":{"X":[1,2]}}"#;
/// let e: MsgElement = serde_json::from_str(raw).unwrap();
/// assert_eq!(e.msg_type(), "TIMFutureElem");
/// assert_eq!(serde_json::to_string(&e).unwrap(), raw);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum MsgElement {
    /// `TIMTextElem`.
    Text(TextContent),
    /// `TIMLocationElem`.
    Location(LocationContent),
    /// `TIMFaceElem`.
    Face(FaceContent),
    /// `TIMCustomElem`.
    Custom(CustomContent),
    /// `TIMSoundElem`.
    Sound(SoundContent),
    /// `TIMImageElem`.
    Image(ImageContent),
    /// `TIMFileElem`.
    File(FileContent),
    /// `TIMVideoFileElem`.
    Video(VideoContent),
    /// Any other element type (e.g. `TIMRelayElem`), or a known one whose content did
    /// not decode: kept verbatim.
    Unknown {
        /// `MsgType`, verbatim.
        msg_type: String,
        /// `MsgContent`, verbatim.
        content: Box<RawValue>,
    },
}

impl MsgElement {
    /// A text element.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(TextContent {
            text: Some(text.into()),
        })
    }

    /// A custom element with `Data` and `Desc`.
    pub fn custom(data: impl Into<String>, desc: impl Into<String>) -> Self {
        Self::Custom(CustomContent {
            data: Some(data.into()),
            desc: Some(desc.into()),
            ..CustomContent::default()
        })
    }

    /// The `MsgType` of this element.
    pub fn msg_type(&self) -> &str {
        match self {
            Self::Text(_) => "TIMTextElem",
            Self::Location(_) => "TIMLocationElem",
            Self::Face(_) => "TIMFaceElem",
            Self::Custom(_) => "TIMCustomElem",
            Self::Sound(_) => "TIMSoundElem",
            Self::Image(_) => "TIMImageElem",
            Self::File(_) => "TIMFileElem",
            Self::Video(_) => "TIMVideoFileElem",
            Self::Unknown { msg_type, .. } => msg_type,
        }
    }

    /// The text of a text element.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(t) => t.text.as_deref(),
            _ => None,
        }
    }
}

impl PartialEq for MsgElement {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Text(a), Self::Text(b)) => a == b,
            (Self::Location(a), Self::Location(b)) => a == b,
            (Self::Face(a), Self::Face(b)) => a == b,
            (Self::Custom(a), Self::Custom(b)) => a == b,
            (Self::Sound(a), Self::Sound(b)) => a == b,
            (Self::Image(a), Self::Image(b)) => a == b,
            (Self::File(a), Self::File(b)) => a == b,
            (Self::Video(a), Self::Video(b)) => a == b,
            (
                Self::Unknown {
                    msg_type: ta,
                    content: ca,
                },
                Self::Unknown {
                    msg_type: tb,
                    content: cb,
                },
            ) => ta == tb && wire::raw_eq(ca, cb),
            _ => false,
        }
    }
}

#[derive(Deserialize)]
struct RawElement {
    #[serde(rename = "MsgType")]
    msg_type: String,
    #[serde(rename = "MsgContent", default)]
    content: Option<Box<RawValue>>,
}

fn typed<T: serde::de::DeserializeOwned>(
    raw: &RawValue,
    wrap: fn(T) -> MsgElement,
) -> Option<MsgElement> {
    serde_json::from_str(raw.get()).ok().map(wrap)
}

impl<'de> Deserialize<'de> for MsgElement {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawElement::deserialize(d)?;
        let content = match raw.content {
            Some(c) => c,
            None => RawValue::from_string("{}".to_owned()).map_err(D::Error::custom)?,
        };
        let known = match raw.msg_type.as_str() {
            "TIMTextElem" => typed(&content, MsgElement::Text),
            "TIMLocationElem" => typed(&content, MsgElement::Location),
            "TIMFaceElem" => typed(&content, MsgElement::Face),
            "TIMCustomElem" => typed(&content, MsgElement::Custom),
            "TIMSoundElem" => typed(&content, MsgElement::Sound),
            "TIMImageElem" => typed(&content, MsgElement::Image),
            "TIMFileElem" => typed(&content, MsgElement::File),
            "TIMVideoFileElem" => typed(&content, MsgElement::Video),
            _ => None,
        };
        Ok(known.unwrap_or(MsgElement::Unknown {
            msg_type: raw.msg_type,
            content,
        }))
    }
}

impl Serialize for MsgElement {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("MsgType", self.msg_type())?;
        match self {
            Self::Text(c) => m.serialize_entry("MsgContent", c)?,
            Self::Location(c) => m.serialize_entry("MsgContent", c)?,
            Self::Face(c) => m.serialize_entry("MsgContent", c)?,
            Self::Custom(c) => m.serialize_entry("MsgContent", c)?,
            Self::Sound(c) => m.serialize_entry("MsgContent", c)?,
            Self::Image(c) => m.serialize_entry("MsgContent", c)?,
            Self::File(c) => m.serialize_entry("MsgContent", c)?,
            Self::Video(c) => m.serialize_entry("MsgContent", c)?,
            Self::Unknown { content, .. } => m.serialize_entry("MsgContent", content)?,
        }
        m.end()
    }
}
