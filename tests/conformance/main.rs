//! One table, four targets: every row of the endpoint specification (docs/protocol/http.md) and
//! every fixture, run against the core directly and through real HTTP against the
//! axum, actix-web and warp adapters. A row added here runs everywhere.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod client;
mod examples;
mod handlers;
mod rows;
mod servers;

use rows::{Expect, Row};
use servers::Target;

async fn run_all(target: &Target) {
    let rows = rows::all();
    let mut failures = Vec::new();
    for row in &rows {
        if let Err(e) = run_row(target, row).await {
            failures.push(format!("[{}] {}: {e}", target.name, row.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
    eprintln!("{}: {} rows passed", target.name, rows.len());
}

async fn run_row(target: &Target, row: &Row) -> Result<(), String> {
    let before = target.calls();
    let resp = target.send(&row.request).await?;
    let calls = target.calls() - before;
    if resp.status != row.expect.status {
        return Err(format!(
            "status {} != {} (body {:?})",
            resp.status,
            row.expect.status,
            resp.body_text()
        ));
    }
    match &row.expect.body {
        Expect::Json(v) => {
            let got: serde_json::Value = serde_json::from_slice(&resp.body)
                .map_err(|e| format!("body not JSON ({e}): {:?}", resp.body_text()))?;
            if &got != v {
                return Err(format!("body {got} != {v}"));
            }
            if resp.content_type.as_deref() != Some("application/json") {
                return Err(format!("content type {:?}", resp.content_type));
            }
        }
        Expect::JsonField(k, v) => {
            let got: serde_json::Value =
                serde_json::from_slice(&resp.body).map_err(|e| e.to_string())?;
            if &got[k] != v {
                return Err(format!("{k} = {} != {v}", got[k]));
            }
        }
        Expect::Any => {}
    }
    if resp.body.len() >= 1000 {
        return Err("reply over 1,000 bytes".into());
    }
    if let Some(n) = row.expect.calls
        && calls != n
    {
        return Err(format!("handler called {calls} times, expected {n}"));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn core_directly() {
    run_all(&servers::core()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_axum() {
    run_all(&servers::axum().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_actix() {
    run_all(&servers::actix().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_warp() {
    run_all(&servers::warp().await).await;
}
