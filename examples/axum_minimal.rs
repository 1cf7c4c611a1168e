//! The smallest axum server with imhook: Tencent and Agora routes on one port.
//!
//! ```sh
//! IMHOOK_TENCENT_SDKAPPID=1400000001 IMHOOK_TENCENT_TOKEN=xxxxyyyy IMHOOK_AGORA_SECRET=s \
//!   cargo run -p imhook --features axum --example axum_minimal
//! ```

use imhook::agora::{self, AgoraConfig, events::GroupOpEvent};
use imhook::async_trait;
use imhook::tencent::{self, TencentConfig, TencentContext, events::AfterCreateGroup};
use imhook::{BoxError, Secret};
use std::sync::Arc;

struct App;

#[async_trait]
impl tencent::CallbackHandler for App {
    async fn after_create_group(
        &self,
        _ctx: &TencentContext,
        ev: AfterCreateGroup,
    ) -> Result<(), BoxError> {
        println!(
            "tencent: group {} created by {}",
            ev.group_id, ev.operator_account
        );
        Ok(())
    }
}

#[async_trait]
impl agora::CallbackHandler for App {
    async fn group_op(&self, _ctx: &agora::AgoraContext, ev: GroupOpEvent) -> Result<(), BoxError> {
        println!("agora: {:?} in {}", ev.operation(), ev.id);
        Ok(())
    }
}

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let app = Arc::new(App);
    let sdk_app_id: u64 = env("IMHOOK_TENCENT_SDKAPPID", "1400000001").parse()?;
    let tencent =
        TencentConfig::new(sdk_app_id).token(Secret::new(env("IMHOOK_TENCENT_TOKEN", "xxxxyyyy"))?);
    let agora = AgoraConfig::new().secret(Secret::new(env(
        "IMHOOK_AGORA_SECRET",
        "imhook-fixture-secret",
    ))?);
    let router: axum::Router = axum::Router::new()
        .route("/tencent", imhook::axum::tencent(tencent, app.clone()))
        .route(
            "/agora",
            imhook::axum::agora_post_send(agora.clone(), app.clone())?,
        )
        .route("/agora/pre-send", imhook::axum::agora_pre_send(agora, app)?);
    let listener = tokio::net::TcpListener::bind(env("IMHOOK_LISTEN", "127.0.0.1:8080")).await?;
    println!("listening on {}", listener.local_addr()?);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .await?;
    Ok(())
}
