//! A realistic app: imhook mounted next to the application's own routes and state.
//!
//! - a Before-send content filter for Tencent group and one-to-one messages and Agora
//!   pre-send: messages with a banned word are rejected, mild words are masked;
//! - a group audit log written on Tencent `AfterCreateGroup` / `AfterGroupInfoChanged`
//!   and Agora `group_op_event` (including `SHARE_FILE` and `ROOM_SUPER_ADMIN`), served
//!   at `GET /api/audit`.
//!
//! ```sh
//! cargo run -p imhook --features axum --example moderation_app
//! ```
#![allow(dead_code)]

use axum::{Json, Router, extract::State, routing::get};
use imhook::agora::{
    self, AgoraConfig, PreSendDecision,
    events::{GroupOpEvent, GroupOperation, PreSendEvent},
};
use imhook::async_trait;
use imhook::tencent::events::{
    AfterCreateGroup, AfterGroupInfoChanged, BeforeSendC2cMsg, BeforeSendGroupMsg, MsgElement,
};
use imhook::tencent::{self, TencentConfig, TencentContext};
use imhook::tencent::{C2cSendMsgDecision, GroupSendMsgDecision};
use imhook::{BoxError, Secret};
use std::sync::{Arc, Mutex};

/// The application's state: its word lists and its audit log.
pub(crate) struct AppState {
    /// Messages containing one of these are refused.
    pub banned: Vec<String>,
    /// These words are masked with `*`.
    pub masked: Vec<String>,
    /// The group audit log.
    pub audit: Mutex<Vec<String>>,
}

impl AppState {
    /// The default word lists and an empty log.
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            banned: vec!["spam".into()],
            masked: vec!["darn".into()],
            audit: Mutex::new(Vec::new()),
        })
    }

    fn log(&self, line: String) {
        if let Ok(mut audit) = self.audit.lock() {
            audit.push(line);
        }
    }
}

/// What the filter decides about one text.
enum Verdict {
    Pass,
    Reject,
    Mask(String),
}

impl AppState {
    fn judge(&self, text: &str) -> Verdict {
        let lower = text.to_lowercase();
        if self.banned.iter().any(|w| lower.contains(w.as_str())) {
            return Verdict::Reject;
        }
        let mut out = text.to_owned();
        for w in &self.masked {
            out = out.replace(w.as_str(), &"*".repeat(w.len()));
        }
        if out == text {
            Verdict::Pass
        } else {
            Verdict::Mask(out)
        }
    }

    /// Applies the filter to a Tencent message body.
    fn filter_body(&self, body: &[MsgElement]) -> (bool, Option<Vec<MsgElement>>) {
        let mut changed = false;
        let mut out = Vec::with_capacity(body.len());
        for e in body {
            match e.as_text().map(|t| self.judge(t)) {
                Some(Verdict::Reject) => return (true, None),
                Some(Verdict::Mask(t)) => {
                    changed = true;
                    out.push(MsgElement::text(t));
                }
                _ => out.push(e.clone()),
            }
        }
        (false, changed.then_some(out))
    }
}

/// The imhook handler: holds the app state.
pub(crate) struct Callbacks(pub Arc<AppState>);

#[async_trait]
impl tencent::CallbackHandler for Callbacks {
    async fn before_send_group_msg(
        &self,
        _ctx: &TencentContext,
        ev: BeforeSendGroupMsg,
    ) -> Result<GroupSendMsgDecision, BoxError> {
        Ok(match self.0.filter_body(&ev.msg_body) {
            (true, _) => GroupSendMsgDecision::Reject,
            (false, Some(body)) => GroupSendMsgDecision::modify_body(body),
            (false, None) => GroupSendMsgDecision::Allow,
        })
    }

    async fn before_send_c2c_msg(
        &self,
        _ctx: &TencentContext,
        ev: BeforeSendC2cMsg,
    ) -> Result<C2cSendMsgDecision, BoxError> {
        Ok(match self.0.filter_body(&ev.msg_body) {
            (true, _) => C2cSendMsgDecision::Reject,
            (false, Some(body)) => C2cSendMsgDecision::modify_body(body),
            (false, None) => C2cSendMsgDecision::Allow,
        })
    }

    async fn after_create_group(
        &self,
        _ctx: &TencentContext,
        ev: AfterCreateGroup,
    ) -> Result<(), BoxError> {
        self.0.log(format!(
            "tencent: {} created group {}",
            ev.operator_account, ev.group_id
        ));
        Ok(())
    }

    async fn after_group_info_changed(
        &self,
        _ctx: &TencentContext,
        ev: AfterGroupInfoChanged,
    ) -> Result<(), BoxError> {
        let by = ev.operator_account.as_deref().unwrap_or("?");
        self.0
            .log(format!("tencent: {by} changed group {}", ev.group_id));
        Ok(())
    }
}

#[async_trait]
impl agora::CallbackHandler for Callbacks {
    async fn pre_send(
        &self,
        _ctx: &agora::AgoraContext,
        ev: PreSendEvent,
    ) -> Result<PreSendDecision, BoxError> {
        Ok(match ev.text().map(|t| self.0.judge(t)) {
            Some(Verdict::Reject) => PreSendDecision::block("message blocked"),
            Some(Verdict::Mask(t)) => PreSendDecision::replace_text(&ev, &t),
            _ => PreSendDecision::Allow,
        })
    }

    async fn group_op(&self, _ctx: &agora::AgoraContext, ev: GroupOpEvent) -> Result<(), BoxError> {
        let what = match ev.operation() {
            GroupOperation::ShareFileAdded => format!(
                "shared files {:?}",
                ev.payload
                    .as_ref()
                    .map(|p| p.share_file.clone())
                    .unwrap_or_default()
            ),
            GroupOperation::ShareFileRemoved => "removed shared files".to_owned(),
            GroupOperation::RoomSuperAdminAdded => {
                format!("made {:?} room super admins", ev.members())
            }
            GroupOperation::RoomSuperAdminRemoved => {
                format!("removed room super admins {:?}", ev.members())
            }
            other => format!("{other:?}"),
        };
        self.0
            .log(format!("agora: {} {what} in {}", ev.operator, ev.id));
        Ok(())
    }
}

/// The app's router: its own routes and state, with imhook mounted under `/im`.
pub(crate) fn router(
    state: Arc<AppState>,
    tencent: TencentConfig,
    agora: AgoraConfig,
) -> Result<Router, BoxError> {
    let callbacks = Arc::new(Callbacks(state.clone()));
    Ok(Router::new()
        .route(
            "/api/audit",
            get(|State(s): State<Arc<AppState>>| async move {
                Json(s.audit.lock().map(|a| a.clone()).unwrap_or_default())
            }),
        )
        .route(
            "/im/tencent",
            imhook::axum::tencent(tencent, callbacks.clone()),
        )
        .route(
            "/im/agora",
            imhook::axum::agora_post_send(agora.clone(), callbacks.clone())?,
        )
        .route(
            "/im/agora/pre-send",
            imhook::axum::agora_pre_send(agora, callbacks)?,
        )
        .with_state(state))
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let tencent = TencentConfig::new(1_400_000_001).token(Secret::new("xxxxyyyy")?);
    let agora = AgoraConfig::new().secret(Secret::new("imhook-fixture-secret")?);
    let app = router(AppState::new(), tencent, agora)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
    println!("listening on {}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
