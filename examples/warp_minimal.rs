//! The smallest warp server with imhook: Tencent and Agora routes on one port.
//!
//! ```sh
//! cargo run -p imhook --features warp --example warp_minimal
//! ```

use imhook::agora::{self, AgoraConfig};
use imhook::tencent::{self, TencentConfig};
use imhook::{BoxError, Secret};
use std::sync::Arc;
use warp::Filter;

struct App;
impl tencent::CallbackHandler for App {}
impl agora::CallbackHandler for App {}

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let app = Arc::new(App);
    let sdk_app_id: u64 = env("IMHOOK_TENCENT_SDKAPPID", "1400000001").parse()?;
    let tencent = imhook::warp::tencent(
        TencentConfig::new(sdk_app_id).token(Secret::new(env("IMHOOK_TENCENT_TOKEN", "xxxxyyyy"))?),
        app.clone(),
    );
    let agora_config = AgoraConfig::new().secret(Secret::new(env(
        "IMHOOK_AGORA_SECRET",
        "imhook-fixture-secret",
    ))?);
    let agora = imhook::warp::agora_post_send(agora_config.clone(), app.clone())?;
    let pre_send = imhook::warp::agora_pre_send(agora_config, app)?;
    let routes = warp::path!("tencent")
        .and(tencent)
        .or(warp::path!("agora").and(agora))
        .unify()
        .or(warp::path!("agora" / "pre-send").and(pre_send))
        .unify();
    let listener = tokio::net::TcpListener::bind(env("IMHOOK_LISTEN", "127.0.0.1:8080")).await?;
    println!("listening on {}", listener.local_addr()?);
    warp::serve(routes).incoming(listener).run().await;
    Ok(())
}
