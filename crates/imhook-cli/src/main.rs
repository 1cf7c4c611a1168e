//! `imhook`: run a recording receiver for IM provider callbacks (Tencent Cloud IM,
//! Agora Chat / Shengwang / Easemob), send signed sample callbacks, decode and sign
//! payloads.
#![forbid(unsafe_code)]
// A binary: none of its items is reachable from outside, whatever their visibility.
#![allow(unreachable_pub)]

mod body;
mod cli;
mod decode;
mod replay;
mod samples;
mod send;
mod serve;
mod sign;
mod worker;

use clap::Parser;
use cli::{Cli, Command, SignProvider};
use std::io::Write;
use std::process::ExitCode;

/// A failure reported as one line on stderr.
#[derive(Debug)]
pub enum Error {
    /// The command ran and failed (exit 1).
    Msg(String),
    /// The command line is incomplete (exit 2).
    Usage(String),
}

impl Error {
    /// A runtime failure.
    pub fn msg(m: impl Into<String>) -> Self {
        Self::Msg(m.into())
    }

    /// A usage failure.
    pub fn usage(m: impl Into<String>) -> Self {
        Self::Usage(m.into())
    }
}

/// Prints `text` and a newline on stdout (a closed pipe is not an error).
pub fn println_checked(text: &str) -> Result<(), Error> {
    print_checked(&format!("{text}\n"))
}

/// Prints `text` on stdout (a closed pipe is not an error).
pub fn print_checked(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::msg(format!("cannot write to stdout: {e}"))),
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Serve(args) => serve::run(&args),
        Command::Send(args) => send::run(&args),
        Command::Decode { provider } => decode::run(&provider),
        Command::Worker(args) => worker::run(&args),
        Command::Replay(args) => replay::run(&args),
        Command::Sign { provider } => match provider {
            SignProvider::Tencent { token, time } => {
                let token = sign::secret(&token, "--token")?;
                let time = time.unwrap_or_else(|| body::now_secs().to_string());
                println_checked(&sign::tencent_fragment(&token, &time)?)
            }
            SignProvider::Agora { secret, file } => {
                let secret = sign::secret(&secret, "--secret")?;
                let body = body::read_input(&file)?;
                print_checked(&sign::agora_resign(&body, &secret)?)
            }
        },
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            // One line: clap's first line, plus where to look.
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid command line");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("imhook: error: {first} (see --help)");
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Msg(m)) => {
            eprintln!("imhook: error: {m}");
            ExitCode::from(1)
        }
        Err(Error::Usage(m)) => {
            eprintln!("imhook: error: {m} (see --help)");
            ExitCode::from(2)
        }
    }
}

/// Resolves on SIGINT or SIGTERM: how `serve` and `worker` are asked to stop.
async fn stop_requested() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

/// Logs to stderr (`RUST_LOG`, default `info`): stdout carries only event lines.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(filter)
        .try_init();
}
