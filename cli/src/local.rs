//! What the local-stack subcommands share: the development key's location and `--now`.

use chrono::{DateTime, NaiveTime, Utc};
use offerdesk_lambdas::api::auth::DevKey;
use std::future::Future;
use std::path::PathBuf;
use std::process::ExitCode;

/// `--dev-key`: where the local development key lives (created on first use).
#[derive(clap::Args, Clone)]
pub struct KeyArgs {
    /// The key that signs and verifies local tokens; created (mode 0600) if missing.
    /// Default: ~/.offerdesk/dev-key.
    #[arg(long, value_name = "FILE", env = "OFFERDESK_DEV_KEY")]
    pub dev_key: Option<PathBuf>,
}

impl KeyArgs {
    pub fn path(&self) -> PathBuf {
        self.dev_key.clone().unwrap_or_else(|| {
            let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
            home.join(".offerdesk").join("dev-key")
        })
    }

    pub fn load(&self) -> Result<DevKey, String> {
        DevKey::load_or_create(&self.path())
    }
}

/// An RFC 3339 instant, or a date (its start, UTC).
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Ok(instant.with_timezone(&Utc));
    }
    offerdesk_core::values::parse_date(text).map(|date| date.and_time(NaiveTime::MIN).and_utc()).ok_or_else(|| {
        format!("\"{text}\" is neither an RFC 3339 instant (2023-01-01T00:00:00Z) nor a date (2023-01-01)")
    })
}

/// Runs a subcommand's async work on a single-threaded runtime; if there is none to be had,
/// says so as `offerdesk <command>: ...` and exits 2.
pub fn run_async(command: &str, work: impl Future<Output = ExitCode>) -> ExitCode {
    match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(work),
        Err(e) => {
            eprintln!("offerdesk {command}: {e}");
            ExitCode::from(2)
        }
    }
}
