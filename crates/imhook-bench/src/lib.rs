//! Shared pieces of imhook's benchmarks: representative bodies and plain serde structs
//! equivalent to the typed models, so that the benches show what the typed, lenient,
//! forward-compatible decoding costs over a hand-written struct.
#![forbid(unsafe_code)]

use serde::Deserialize;

pub mod hand;

/// The Tencent OK ack, as the bare and hand-written servers send it.
pub const TENCENT_ACK: &str = r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#;

/// A representative fixture body.
pub fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../imhook-core/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_default()
}

/// Distinct signed Agora callbacks: the `group_op_event/SHARE_FILE/ADD` fixture with a
/// `callId` of the caller's choosing and its `security`.
#[derive(Debug)]
pub struct ShareFileCallbacks {
    template: serde_json::Value,
    secret: imhook_core::Secret,
}

impl ShareFileCallbacks {
    /// Callbacks signed with `secret`.
    pub fn new(secret: &imhook_core::Secret) -> Self {
        let template = serde_json::from_str(&fixture("agora/group_op_event.SHARE_FILE.ADD.json"))
            .unwrap_or_default();
        Self {
            template,
            secret: secret.clone(),
        }
    }

    /// The body of the callback `call_id`.
    pub fn body(&self, call_id: &str) -> String {
        let mut body = self.template.clone();
        let security = imhook_core::agora::security(call_id, &self.secret, "1729499506255");
        if let Some(members) = body.as_object_mut() {
            members.insert("security".to_owned(), security.into());
            members.insert("callId".to_owned(), call_id.into());
        }
        body.to_string()
    }
}

/// `Group.CallbackBeforeSendMsg` with three elements (text, custom, face).
pub fn before_send_3() -> String {
    r#"{"CallbackCommand":"Group.CallbackBeforeSendMsg","GroupId":"@TGS#2J4SZEAEL","Type":"Public","From_Account":"jared","Operator_Account":"admin","Random":123456,"OnlineOnlyFlag":0,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"red packet"}},{"MsgType":"TIMCustomElem","MsgContent":{"Desc":"CustomElement.MemberLevel","Data":"LV1"}},{"MsgType":"TIMFaceElem","MsgContent":{"Index":1,"Data":"content"}}],"CloudCustomData":"your cloud custom data","EventTime":"1670574414123"}"#.to_owned()
}

/// A `C2C.CallbackBeforeSendMsg` of about 60 KB (one long text element and 40 custom ones).
pub fn c2c_60k() -> String {
    let mut body = Vec::new();
    body.push(
        serde_json::json!({"MsgType":"TIMTextElem","MsgContent":{"Text":"x".repeat(40_000)}}),
    );
    for i in 0..40 {
        body.push(serde_json::json!({"MsgType":"TIMCustomElem","MsgContent":{"Data":"d".repeat(400),"Desc":format!("element {i}"),"Ext":"e"}}));
    }
    serde_json::json!({"CallbackCommand":"C2C.CallbackBeforeSendMsg","From_Account":"a","To_Account":"b","MsgSeq":48374,"MsgRandom":2837546,"MsgTime":1557481126,"MsgKey":"48374_2837546_1557481126","MsgBody":body,"CloudCustomData":"","EventTime":1670574414123i64}).to_string()
}

/// Plain struct for `Group.CallbackAfterCreateGroup`.
#[derive(Debug, Deserialize)]
#[allow(missing_docs, dead_code)]
pub struct PlainAfterCreateGroup {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "Operator_Account")]
    pub operator: String,
    #[serde(rename = "Owner_Account")]
    pub owner: Option<String>,
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(rename = "Name")]
    pub name: Option<String>,
    #[serde(rename = "MemberList", default)]
    pub members: Vec<PlainMember>,
    #[serde(rename = "UserDefinedDataList", default)]
    pub data: Vec<PlainKv>,
    #[serde(rename = "EventTime")]
    pub event_time: Option<serde_json::Value>,
}

/// `{"Member_Account"}`.
#[derive(Debug, Deserialize)]
#[allow(missing_docs, dead_code)]
pub struct PlainMember {
    #[serde(rename = "Member_Account")]
    pub account: String,
}

/// `{"Key","Value"}`.
#[derive(Debug, Deserialize)]
#[allow(missing_docs, dead_code)]
pub struct PlainKv {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "Value")]
    pub value: String,
}

/// Plain struct for a send-message callback.
#[derive(Debug, Deserialize)]
#[allow(missing_docs, dead_code)]
pub struct PlainSendMsg {
    #[serde(rename = "GroupId")]
    pub group_id: Option<String>,
    #[serde(rename = "From_Account")]
    pub from: String,
    #[serde(rename = "To_Account")]
    pub to: Option<String>,
    #[serde(rename = "MsgBody")]
    pub body: Vec<PlainElement>,
    #[serde(rename = "CloudCustomData")]
    pub cloud: Option<String>,
    #[serde(rename = "Random")]
    pub random: Option<u32>,
    #[serde(rename = "EventTime")]
    pub event_time: Option<serde_json::Value>,
}

/// A message element with its content left as a map of strings/numbers.
#[derive(Debug, Deserialize)]
#[allow(missing_docs, dead_code)]
pub struct PlainElement {
    #[serde(rename = "MsgType")]
    pub kind: String,
    #[serde(rename = "MsgContent")]
    pub content: PlainContent,
}

/// The union of the text/custom/face content fields.
#[derive(Debug, Deserialize)]
#[allow(missing_docs, dead_code)]
pub struct PlainContent {
    #[serde(rename = "Text")]
    pub text: Option<String>,
    #[serde(rename = "Data")]
    pub data: Option<String>,
    #[serde(rename = "Desc")]
    pub desc: Option<String>,
    #[serde(rename = "Ext")]
    pub ext: Option<String>,
    #[serde(rename = "Index")]
    pub index: Option<i64>,
}

/// Plain struct for an Agora `group_op_event`.
#[derive(Debug, Deserialize)]
#[allow(missing_docs, dead_code)]
pub struct PlainGroupOp {
    #[serde(rename = "callId")]
    pub call_id: String,
    pub appkey: String,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub event: String,
    pub operation: String,
    pub operator: String,
    pub payload: Option<PlainGroupOpPayload>,
    pub timestamp: i64,
}

/// Its payload.
#[derive(Debug, Deserialize)]
#[allow(missing_docs, dead_code)]
pub struct PlainGroupOpPayload {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub share_file: Vec<String>,
    #[serde(default)]
    pub member: Vec<String>,
}

/// Plain struct for an Agora message (and pre-send request).
#[derive(Debug, Deserialize)]
#[allow(missing_docs, dead_code)]
pub struct PlainMessage {
    #[serde(rename = "callId")]
    pub call_id: String,
    #[serde(rename = "eventType")]
    pub event_type: Option<String>,
    pub timestamp: i64,
    pub chat_type: String,
    pub group_id: Option<String>,
    pub from: String,
    pub to: String,
    pub msg_id: String,
    pub payload: PlainPayload,
    pub security: String,
}

/// A message payload: flat body or `{ext, bodies}`.
#[derive(Debug, Deserialize)]
#[allow(missing_docs, dead_code)]
pub struct PlainPayload {
    pub ext: Option<serde_json::Value>,
    #[serde(default)]
    pub bodies: Vec<PlainBody>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub msg: Option<String>,
}

/// One body.
#[derive(Debug, Deserialize)]
#[allow(missing_docs, dead_code)]
pub struct PlainBody {
    #[serde(rename = "type")]
    pub kind: String,
    pub msg: Option<String>,
}
