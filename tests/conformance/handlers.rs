//! Handlers whose behaviour the rows choose through the request itself: a Tencent
//! `GroupId` or an Agora `from` of `panic`, `sleep`, `error` or `refuse`; for the Tencent
//! official-account Before commands, the decision named in a body field.

use async_trait::async_trait;
use imhook::BoxError;
use imhook::agora::{self, AgoraEvent, PreSendDecision, events::PreSendEvent};
use imhook::tencent::decision::{
    AddSubscriberDecision, CreateOfficialAccountDecision, OfficialAccountRejectCode,
    OfficialAccountSendMsgDecision,
};
use imhook::tencent::events::{
    BeforeAddSubscriber, BeforeCreateOfficialAccount, BeforeSendOfficialAccountMsg, MsgElement,
};
use imhook::tencent::{self, Reply, TencentEvent};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

#[derive(Default)]
pub struct Recorder {
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

fn raw_field(raw: &str, key: &str) -> String {
    serde_json::from_str::<serde_json::Value>(raw)
        .ok()
        .and_then(|v| v.get(key).and_then(|g| g.as_str()).map(str::to_owned))
        .unwrap_or_default()
}

#[async_trait]
impl tencent::CallbackHandler for Recorder {
    async fn handle(&self, ctx: &tencent::Context, event: TencentEvent) -> Result<Reply, BoxError> {
        let marker = raw_field(ctx.raw_json(), "GroupId");
        act(&self.calls, &marker).await?;
        if marker == "refuse" {
            return Ok(Reply::with_code(10150, "refused by the app"));
        }
        tencent::handler::dispatch(self, ctx, event).await
    }

    // The official-account Before commands answer with the typed decision named in
    // `Name`, `Operator_Account` or `CloudCustomData`; anything else allows.
    async fn before_create_official_account(
        &self,
        _ctx: &tencent::Context,
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
        _ctx: &tencent::Context,
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
        _ctx: &tencent::Context,
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
    async fn handle(&self, ctx: &agora::Context, _event: AgoraEvent) -> Result<(), BoxError> {
        act(&self.calls, &raw_field(ctx.raw_json(), "from")).await
    }

    async fn pre_send(
        &self,
        ctx: &agora::Context,
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
