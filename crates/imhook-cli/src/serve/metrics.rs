//! `imhook serve --metrics-listen ADDR`: the core's metrics in the Prometheus text
//! format at `http://ADDR/metrics`, on a listener and a thread of their own, so that
//! neither the callback port nor its runtime ever serves them.

use crate::Error;
use axum::routing::get;
use imhook_core::telemetry::SECONDS_BUCKETS;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
use std::net::SocketAddr;
use std::time::Duration;

/// How often histograms are compacted (the exporter's upkeep).
const UPKEEP: Duration = Duration::from_secs(10);

/// Installs the Prometheus recorder as the process's metrics recorder and serves it on
/// `addr`; returns the bound address.
pub fn start(addr: SocketAddr) -> Result<SocketAddr, Error> {
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        Error::msg(format!("--metrics-listen {addr}: {what}: {e}"))
    };
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), SECONDS_BUCKETS)
        .map_err(|e| fail("buckets", &e))?
        .build_recorder();
    let handle = recorder.handle();
    let listener = std::net::TcpListener::bind(addr).map_err(|e| fail("cannot listen", &e))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| fail("cannot listen", &e))?;
    let bound = listener
        .local_addr()
        .map_err(|e| fail("cannot listen", &e))?;
    metrics::set_global_recorder(recorder).map_err(|e| fail("recorder", &e))?;
    std::thread::Builder::new()
        .name("imhook-metrics".to_owned())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    tracing::error!(error = %e, "metrics: cannot start the runtime");
                    return;
                }
            };
            runtime.block_on(async move {
                let upkeep = handle.clone();
                tokio::spawn(async move {
                    loop {
                        tokio::time::sleep(UPKEEP).await;
                        upkeep.run_upkeep();
                    }
                });
                let app = axum::Router::new().route(
                    "/metrics",
                    get(move || {
                        let handle = handle.clone();
                        async move {
                            (
                                [("content-type", "text/plain; version=0.0.4")],
                                handle.render(),
                            )
                        }
                    }),
                );
                let served = match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => axum::serve(listener, app).await,
                    Err(e) => Err(e),
                };
                if let Err(e) = served {
                    tracing::error!(error = %e, "metrics listener failed");
                }
            });
        })
        .map_err(|e| fail("cannot start a thread", &e))?;
    Ok(bound)
}
