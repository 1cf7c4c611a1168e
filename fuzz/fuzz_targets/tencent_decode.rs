//! Tencent decoding: input = `CallbackCommand` line, then the body.
//! Any command and any bytes: decoding never panics, and whatever decodes can be
//! written back as an event record.
#![no_main]

use imhook_core::tencent::TencentEvent;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (command, body) = text.split_once('\n').unwrap_or(("", text));
    if let Ok(event) = TencentEvent::decode(command, body) {
        let _ = event.command();
        let _ = event.is_known();
        let _ = event.is_before();
        let _ = event.default_reply();
        let line = event.record().to_line();
        assert!(!line.contains('\n'), "a record is one line");
    }
});
