//! Agora decoding: the first byte chooses post-send (even) or pre-send (odd), the
//! rest is the body. Post-send: envelope → typed kind → typed decode, which never fails;
//! pre-send: typed decode. Whatever decodes can be written back as an event record.
#![no_main]

use imhook_core::agora::{AgoraEvent, Envelope, events::PreSendEvent};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(rest) else {
        return;
    };
    if selector % 2 == 0 {
        let Ok(env) = Envelope::parse(body) else {
            return;
        };
        let kind = env.classify();
        let _ = env.dedup_parts(&kind);
        let _ = env.timestamp_millis();
        let event = AgoraEvent::decode_as(&kind, body);
        let _ = event.kind();
        let _ = event.is_known();
        let line = event.record().to_line();
        assert!(!line.contains('\n'), "a record is one line");
    } else if let Ok(event) = PreSendEvent::decode(body) {
        let _ = event.text();
        let _ = event.conversation();
        let line = event.record().to_line();
        assert!(!line.contains('\n'), "a record is one line");
    }
});
