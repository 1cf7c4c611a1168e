//! `imhook decode`: one event record line for one body.

use crate::Error;
use crate::body::{is_json_object, read_input};
use imhook_core::EventRecord;
use imhook_core::agora::{AgoraEvent, Envelope, events::PreSendEvent};
use imhook_core::tencent::TencentEvent;

/// The event record of a Tencent body; the command comes from `command`, else from the
/// body's `CallbackCommand`.
pub fn tencent(command: Option<&str>, body: &str) -> Result<EventRecord, Error> {
    if !is_json_object(body) {
        return Err(Error::msg("body is not a JSON object"));
    }
    let command = match command {
        Some(c) => c.to_owned(),
        None => body_command(body).ok_or_else(|| {
            Error::msg("no command: pass --command or include a string CallbackCommand")
        })?,
    };
    TencentEvent::decode(&command, body)
        .map(|e| e.record())
        .map_err(|e| Error::msg(e.to_string()))
}

fn body_command(body: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Head {
        #[serde(rename = "CallbackCommand", default)]
        command: Option<serde_json::Value>,
    }
    match serde_json::from_str::<Head>(body).ok()?.command? {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    }
}

/// The event record of an Agora body (post-send, or pre-send with `pre_send`).
pub fn agora(pre_send: bool, body: &str) -> Result<EventRecord, Error> {
    if !is_json_object(body) {
        return Err(Error::msg("body is not a JSON object"));
    }
    let env = Envelope::parse(body).map_err(|e| Error::msg(e.to_string()))?;
    if pre_send {
        PreSendEvent::decode(body)
            .map(|e| e.record())
            .map_err(|e| Error::msg(format!("pre-send request cannot be decoded: {e}")))
    } else {
        Ok(AgoraEvent::decode(&env.kind(), body).record_from(body))
    }
}

/// Runs `imhook decode`.
pub fn run(provider: &crate::cli::DecodeProvider) -> Result<(), Error> {
    use crate::cli::DecodeProvider;
    let record = match provider {
        DecodeProvider::Tencent { command, file } => {
            tencent(command.as_deref(), &read_input(file)?)?
        }
        DecodeProvider::Agora { pre_send, file } => agora(*pre_send, &read_input(file)?)?,
    };
    crate::println_checked(&record.to_line())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    #[test]
    fn an_operation_the_family_does_not_model_is_recorded_raw() {
        let body = r#"{"callId":"a_1","event":"group_op_event","operation":"PIN_MESSAGE","id":"g1",
            "type":"GROUP","operator":"u1","appkey":"o#a","timestamp":1729499506255,
            "security":"2618fe22d1623c0a66383058b64ae8ad","payload":{"type":"ADD","msg_id":"m-1"}}"#;
        let record = super::agora(false, body).unwrap();
        assert!(!record.known);
        assert_eq!(record.kind, "group_op_event/PIN_MESSAGE/ADD");
        assert_eq!(record.event["payload"]["msg_id"], "m-1");
        assert_eq!(record.event["security"], "***");
    }
}
