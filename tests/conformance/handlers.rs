//! Handlers whose behaviour the rows choose through the request itself: a Tencent
//! `GroupId` or an Agora `from` of `panic`, `sleep`, `error` or `refuse`; for the Tencent
//! official-account Before commands, the decision named in a body field.

use async_trait::async_trait;
use imhook::agora::{self, AgoraEvent, PreSendDecision, events::PreSendEvent};
use imhook::tencent::events::{
    BeforeAddSubscriber, BeforeCreateOfficialAccount, BeforeSendOfficialAccountMsg, MsgElement,
};
use imhook::tencent::{self, Answer, GroupDecision, GroupRejectCode, TencentEvent};
use imhook::tencent::{
    AddSubscriberDecision, CreateOfficialAccountDecision, OfficialAccountRejectCode,
    OfficialAccountSendMsgDecision,
};
use imhook::{BoxError, EventRecord};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

#[derive(Default)]
pub(crate) struct Recorder {
    pub calls: AtomicUsize,
}

async fn act(calls: &AtomicUsize, marker: &str) -> Result<(), BoxError> {
    calls.fetch_add(1, Ordering::SeqCst);
    match marker {
        "panic" => panic!("handler bug"),
        "sleep" => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Ok(())
        }
        "error" => Err("handler failed".into()),
        _ => Ok(()),
    }
}

/// What a handler was given for one event: its record and the raw body it saw.
#[derive(Clone, Debug)]
#[allow(dead_code)] // read by the adversarial suite only
pub(crate) struct Seen {
    pub record: EventRecord,
    pub raw: String,
}

/// Every handled event, by Agora `callId` or Tencent `GroupId` (the tests make them
/// unique), shared by all targets.
fn seen() -> &'static Mutex<HashMap<String, Seen>> {
    static SEEN: OnceLock<Mutex<HashMap<String, Seen>>> = OnceLock::new();
    SEEN.get_or_init(Mutex::default)
}

fn keep(key: String, record: EventRecord, raw: &str) {
    let raw = raw.to_owned();
    seen().lock().unwrap().insert(key, Seen { record, raw });
}

/// What the handler was given for the event keyed `key`, if it was called.
#[allow(dead_code)] // used by the adversarial suite only
pub(crate) fn seen_event(key: &str) -> Option<Seen> {
    seen().lock().unwrap().get(key).cloned()
}

fn raw_field(raw: &str, key: &str) -> String {
    serde_json::from_str::<serde_json::Value>(raw)
        .ok()
        .and_then(|v| v.get(key).and_then(|g| g.as_str()).map(str::to_owned))
        .unwrap_or_default()
}

#[async_trait]
impl tencent::CallbackHandler for Recorder {
    async fn handle(
        &self,
        ctx: &tencent::TencentContext,
        event: TencentEvent,
    ) -> Result<Answer, BoxError> {
        let marker = raw_field(ctx.raw_json(), "GroupId");
        keep(marker.clone(), event.record(), ctx.raw_json());
        act(&self.calls, &marker).await?;
        match &event {
            TencentEvent::BeforeApplyJoinGroup(e) if marker == "refuse" => {
                let code = GroupRejectCode::new(10150, "refused by the app")?;
                Ok(Answer::decide(e, GroupDecision::RejectWith(code)))
            }
            _ => tencent::dispatch(self, ctx, event).await,
        }
    }

    // The official-account Before commands answer with the typed decision named in
    // `Name`, `Operator_Account` or `CloudCustomData`; anything else allows.
    async fn before_create_official_account(
        &self,
        _ctx: &tencent::TencentContext,
        event: BeforeCreateOfficialAccount,
    ) -> Result<CreateOfficialAccountDecision, BoxError> {
        Ok(match event.name.as_deref() {
            Some("reject") => CreateOfficialAccountDecision::Reject,
            Some("reject-custom") => CreateOfficialAccountDecision::RejectWith(
                OfficialAccountRejectCode::new(120001, "official account name not allowed")?,
            ),
            _ => CreateOfficialAccountDecision::Allow,
        })
    }

    async fn before_add_subscriber(
        &self,
        _ctx: &tencent::TencentContext,
        event: BeforeAddSubscriber,
    ) -> Result<AddSubscriberDecision, BoxError> {
        Ok(match event.operator_account.as_deref() {
            Some("reject") => AddSubscriberDecision::Reject,
            Some("refuse-subscribers") => AddSubscriberDecision::RefuseSubscribers(
                event
                    .subscribe_account_list
                    .into_iter()
                    .take(1)
                    .map(|s| s.subscriber_account)
                    .collect(),
            ),
            _ => AddSubscriberDecision::Allow,
        })
    }

    async fn before_send_official_account_msg(
        &self,
        _ctx: &tencent::TencentContext,
        event: BeforeSendOfficialAccountMsg,
    ) -> Result<OfficialAccountSendMsgDecision, BoxError> {
        Ok(match event.cloud_custom_data.as_deref() {
            Some("reject") => OfficialAccountSendMsgDecision::Reject,
            Some("silent-drop") => OfficialAccountSendMsgDecision::SilentDrop,
            Some("modify") => OfficialAccountSendMsgDecision::ModifyBody(vec![
                MsgElement::text("red packet"),
                MsgElement::custom("LV1", "CustomElement.MemberLevel"),
            ]),
            _ => OfficialAccountSendMsgDecision::Allow,
        })
    }
}

#[async_trait]
impl agora::CallbackHandler for Recorder {
    async fn handle(&self, ctx: &agora::AgoraContext, event: AgoraEvent) -> Result<(), BoxError> {
        if let Some(call_id) = &ctx.call_id {
            keep(
                call_id.clone(),
                event.record_from(ctx.raw_json()),
                ctx.raw_json(),
            );
        }
        act(&self.calls, &raw_field(ctx.raw_json(), "from")).await
    }

    async fn pre_send(
        &self,
        ctx: &agora::AgoraContext,
        _event: PreSendEvent,
    ) -> Result<PreSendDecision, BoxError> {
        let marker = raw_field(ctx.raw_json(), "from");
        act(&self.calls, &marker).await?;
        Ok(if marker == "refuse" {
            PreSendDecision::block("no")
        } else {
            PreSendDecision::Allow
        })
    }
}
