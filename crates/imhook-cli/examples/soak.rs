//! Soak test of `imhook serve`: mixed valid, invalid and duplicate traffic for a
//! while, sampling the server's memory. Run it through `scripts/soak`.
//!
//! ```text
//! soak --bin target/release/imhook [--duration 600] [--clients 4] [--sample 5] [--framework axum]
//! ```
//!
//! Traffic goes to 127.0.0.1 only. Exits 1 when a status outside the endpoint table
//! (200, 400, 401, 403, 405, 413) or a transport error was seen, or the server died.
//! An oversized body may be refused by closing the connection while it is being sent
//! (after the 413): those are counted apart and are not errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![allow(clippy::result_large_err)] // ureq::Error, in a test driver

use imhook_core::Secret;
use imhook_core::agora::security;
use imhook_core::tencent::sign;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const TABLE: [u16; 6] = [200, 400, 401, 403, 405, 413];
/// Pseudo-status: the connection was closed while an oversized body was being sent.
const CLOSED_EARLY: u16 = 1;
const SDKAPPID: &str = "1400000001";
const TOKEN: &str = "soak-token";
const SECRET: &str = "soak-secret";
const TENCENT_AFTER: &str = include_str!("../samples/tencent/Group.CallbackAfterCreateGroup.json");
const TENCENT_BEFORE: &str = include_str!("../samples/tencent/Group.CallbackBeforeSendMsg.json");

struct Opts {
    bin: String,
    duration: u64,
    clients: usize,
    sample: u64,
    framework: String,
}

fn opts() -> Opts {
    let mut o = Opts {
        bin: "target/release/imhook".to_owned(),
        duration: 600,
        clients: 4,
        sample: 5,
        framework: "axum".to_owned(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || {
            args.next()
                .unwrap_or_else(|| usage(&format!("{a} needs a value")))
        };
        match a.as_str() {
            "--bin" => o.bin = val(),
            "--duration" => {
                o.duration = val()
                    .parse()
                    .unwrap_or_else(|_| usage("--duration: seconds"))
            }
            "--clients" => {
                o.clients = val()
                    .parse()
                    .unwrap_or_else(|_| usage("--clients: a number"))
            }
            "--sample" => o.sample = val().parse().unwrap_or_else(|_| usage("--sample: seconds")),
            "--framework" => o.framework = val(),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    o
}

fn usage(msg: &str) -> ! {
    eprintln!(
        "soak: {msg}\nusage: soak --bin PATH [--duration SECS] [--clients N] [--sample SECS] [--framework axum|actix|warp]"
    );
    #[allow(clippy::exit)] // a command-line usage error ends the example
    std::process::exit(2)
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn agora_body(call_id: &str, to: &str, secret: &str) -> String {
    let ts = (now_secs() * 1000).to_string();
    let sig = security(call_id, &Secret::new(secret).unwrap(), &ts);
    format!(
        r#"{{"callId":"{call_id}","eventType":"chat","timestamp":{ts},"chat_type":"chat","from":"alice","to":"{to}","msg_id":"1","payload":{{"ext":{{}},"bodies":[{{"msg":"hello","type":"txt"}}]}},"securityVersion":"1.0.0","security":"{sig}"}}"#
    )
}

fn pre_send_body(call_id: &str) -> String {
    let ts = (now_secs() * 1000).to_string();
    let sig = security(call_id, &Secret::new(SECRET).unwrap(), &ts);
    format!(
        r#"{{"callId":"{call_id}","timestamp":{ts},"chat_type":"groupchat","group_id":"g1","from":"alice","to":"g1","msg_id":"2","payload":{{"msg":"hello","type":"txt"}},"security":"{sig}"}}"#
    )
}

fn tencent_query(command: &str, sdkappid: &str, signed: bool) -> String {
    let t = now_secs().to_string();
    let mut q = format!(
        "SdkAppid={sdkappid}&CallbackCommand={command}&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI"
    );
    if signed {
        let s = sign(&Secret::new(TOKEN).unwrap(), &t);
        q.push_str(&format!("&RequestTime={t}&Sign={s}"));
    }
    q
}

/// One request of the mix; returns the status (0 for a transport error).
fn one(agent: &ureq::Agent, base: &str, client: usize, i: u64) -> u16 {
    let post = |path: &str, body: &str| agent.post(&format!("{base}{path}")).send_string(body);
    let result = match i % 20 {
        // valid post-send callbacks, each new (the de-duplication store keeps growing)
        0..=5 => post(
            "/agora",
            &agora_body(&format!("soak_{client}_{i}"), "bob", SECRET),
        ),
        // duplicates: a small pool of callIds delivered again and again
        6 | 7 => post(
            "/agora",
            &agora_body(&format!("soak_dup_{}", i % 50), "bob", SECRET),
        ),
        8 => post(
            "/agora/pre-send",
            &pre_send_body(&format!("soak_pre_{client}_{i}")),
        ),
        9..=11 => agent
            .post(&format!(
                "{base}/tencent?{}",
                tencent_query("Group.CallbackAfterCreateGroup", SDKAPPID, true)
            ))
            .send_string(TENCENT_AFTER),
        12 => agent
            .post(&format!(
                "{base}/tencent?{}",
                tencent_query("Group.CallbackBeforeSendMsg", SDKAPPID, true)
            ))
            .send_string(TENCENT_BEFORE),
        // invalid: wrong signature (401), unsigned Tencent (401), wrong app (403)
        13 => post(
            "/agora",
            &agora_body(&format!("soak_bad_{i}"), "bob", "wrong-secret"),
        ),
        14 => agent
            .post(&format!(
                "{base}/tencent?{}",
                tencent_query("Group.CallbackAfterCreateGroup", SDKAPPID, false)
            ))
            .send_string(TENCENT_AFTER),
        15 => agent
            .post(&format!(
                "{base}/tencent?{}",
                tencent_query("Group.CallbackAfterCreateGroup", "1", true)
            ))
            .send_string(TENCENT_AFTER),
        // malformed bodies (400)
        16 => post("/agora", "{not json"),
        17 => post("/agora", "[1,2,3]"),
        // wrong method (405)
        18 => agent.get(&format!("{base}/agora")).call(),
        // an oversized body now and then (413), else a truncated one (400)
        _ => {
            if i % 400 == 19 {
                // The server answers 413 without reading the body and closes the
                // connection, possibly while the client is still sending: also a
                // refusal. A connection of its own, because the servers do not say
                // `Connection: close`, so a pooled connection would be reused and
                // fail the next request with an unexpected EOF.
                let lone = ureq::AgentBuilder::new()
                    .timeout(Duration::from_secs(10))
                    .max_idle_connections(0)
                    .build();
                let big = "x".repeat(1024 * 1024 + 1);
                return match lone.post(&format!("{base}/agora")).send_string(&big) {
                    Ok(r) => r.status(),
                    Err(ureq::Error::Status(code, _)) => code,
                    Err(_) => CLOSED_EARLY,
                };
            } else {
                post("/agora", r#"{"callId":"x","#)
            }
        }
    };
    match result {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(code, _)) => code,
        Err(e) => {
            // Kept short: the first few are printed, to tell what went wrong.
            static SHOWN: AtomicU64 = AtomicU64::new(0);
            if SHOWN.fetch_add(1, Ordering::Relaxed) < 5 {
                eprintln!("soak: transport error (mix slot {}): {e}", i % 20);
            }
            0
        }
    }
}

fn main() {
    let o = opts();
    let started_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut child = Command::new(&o.bin)
        .args(["serve", "--listen", "127.0.0.1:0", "--workers", "2"])
        .args(["--framework", &o.framework, "--events", "none"])
        .args(["--tencent-sdkappid", SDKAPPID, "--tencent-token", TOKEN])
        .args(["--agora-secret", SECRET])
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| usage(&format!("cannot start {}: {e}", o.bin)));
    let pid = child.id();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let base = loop {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(rest) = line.strip_prefix("imhook: listening on ") {
                    break rest.split_whitespace().next().unwrap().to_owned();
                }
            }
            _ => usage("the server exited before announcing its address"),
        }
    };
    std::thread::spawn(move || for _ in lines {});
    assert!(
        base.starts_with("http://127.0.0.1:"),
        "traffic stays on 127.0.0.1"
    );
    eprintln!(
        "soak: server pid {pid} ({}) at {base}; {} clients for {} s",
        o.framework, o.clients, o.duration
    );

    let deadline = Instant::now() + Duration::from_secs(o.duration);
    let stop = Arc::new(AtomicBool::new(false));
    let total = Arc::new(AtomicU64::new(0));
    let statuses = Arc::new(Mutex::new(BTreeMap::<u16, u64>::new()));
    let clients: Vec<_> = (0..o.clients)
        .map(|c| {
            let (stop, total, statuses, base) =
                (stop.clone(), total.clone(), statuses.clone(), base.clone());
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new()
                    .timeout(Duration::from_secs(10))
                    .build();
                let mut local = BTreeMap::<u16, u64>::new();
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    *local.entry(one(&agent, &base, c, i)).or_insert(0) += 1;
                    i += 1;
                    total.fetch_add(1, Ordering::Relaxed);
                }
                let mut all = statuses.lock().unwrap();
                for (k, v) in local {
                    *all.entry(k).or_insert(0) += v;
                }
            })
        })
        .collect();

    let t0 = Instant::now();
    let (mut rss_min, mut rss_max, mut rss_last) = (u64::MAX, 0u64, 0u64);
    let mut server_died = false;
    while Instant::now() < deadline {
        let left = deadline.saturating_duration_since(Instant::now());
        std::thread::sleep(left.min(Duration::from_secs(o.sample)));
        if child.try_wait().ok().flatten().is_some() {
            server_died = true;
            break;
        }
        if let Some(kib) = rss_kib(pid) {
            rss_min = rss_min.min(kib);
            rss_max = rss_max.max(kib);
            rss_last = kib;
        }
        eprintln!(
            "soak: {:>5.0} s  {:>9} requests  rss {:.1} MiB",
            t0.elapsed().as_secs_f64(),
            total.load(Ordering::Relaxed),
            rss_last as f64 / 1024.0
        );
    }
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        let _ = c.join();
    }
    let elapsed = t0.elapsed().as_secs_f64();
    let _ = child.kill();
    let _ = child.wait();

    let statuses = statuses.lock().unwrap();
    let n: u64 = statuses.values().sum();
    let outside: Vec<_> = statuses
        .iter()
        .filter(|(s, _)| !TABLE.contains(s) && **s != CLOSED_EARLY)
        .collect();
    println!("soak report (started at unix {started_at})");
    println!("  framework       {}", o.framework);
    println!("  duration        {elapsed:.0} s, {} clients", o.clients);
    println!("  requests        {n} ({:.0}/s)", n as f64 / elapsed);
    for (s, c) in statuses.iter() {
        let label = match *s {
            0 => "transport error".to_owned(),
            CLOSED_EARLY => "413 (closed while the oversized body was sent)".to_owned(),
            s => s.to_string(),
        };
        println!("  status {label:<8} {c}");
    }
    println!(
        "  outside table   {}",
        if outside.is_empty() {
            "none".to_owned()
        } else {
            format!("{outside:?}")
        }
    );
    println!(
        "  server RSS      min {:.1} MiB, max {:.1} MiB, last {:.1} MiB",
        rss_min as f64 / 1024.0,
        rss_max as f64 / 1024.0,
        rss_last as f64 / 1024.0
    );
    if server_died {
        println!("  SERVER DIED");
    }
    if server_died || !outside.is_empty() {
        std::process::exit(1);
    }
}
