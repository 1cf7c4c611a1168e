//! The smallest actix-web server with imhook: Tencent and Agora routes on one port.
//!
//! ```sh
//! cargo run -p imhook --features actix --example actix_minimal
//! ```

use imhook::agora::{self, AgoraConfig};
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
        println!("tencent: group {} created", ev.group_id);
        Ok(())
    }
}

impl agora::CallbackHandler for App {}

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[actix_web::main]
async fn main() -> Result<(), BoxError> {
    let app = Arc::new(App);
    let sdk_app_id: u64 = env("IMHOOK_TENCENT_SDKAPPID", "1400000001").parse()?;
    let tencent = imhook::actix::tencent(
        "/tencent",
        TencentConfig::new(sdk_app_id).token(Secret::new(env("IMHOOK_TENCENT_TOKEN", "xxxxyyyy"))?),
        app.clone(),
    );
    let agora_config = AgoraConfig::new().secret(Secret::new(env(
        "IMHOOK_AGORA_SECRET",
        "imhook-fixture-secret",
    ))?);
    let agora = imhook::actix::agora_post_send("/agora", agora_config.clone(), app.clone())?;
    let pre_send = imhook::actix::agora_pre_send("/agora/pre-send", agora_config, app)?;
    let listen = env("IMHOOK_LISTEN", "127.0.0.1:8080");
    println!("listening on {listen}");
    actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .service(tencent.clone())
            .service(agora.clone())
            .service(pre_send.clone())
    })
    .bind(listen)?
    .run()
    .await?;
    Ok(())
}
