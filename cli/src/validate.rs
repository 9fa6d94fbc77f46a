//! `offerdesk validate`: the rules engine over a file, for terminals and CI pipelines.

use chrono::{NaiveDate, Utc};
use clap::{Args as ClapArgs, ValueEnum};
use offerdesk_core::context::Context;
use offerdesk_core::json::{self, Arena, Json};
use offerdesk_core::{parse_now, read::Reader, validate, Report};
use serde_json::Value;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(ClapArgs)]
pub struct Args {
    /// The document to check (a change set as sent to StartChangeSet, an offer or an
    /// offer set), or `-` for standard input.
    file: PathBuf,
    /// The instant to validate at: an RFC 3339 instant or a YYYY-MM-DD date (UTC).
    /// Defaults to the system clock.
    #[arg(long, value_name = "INSTANT|DATE", value_parser = parse_now_arg)]
    now: Option<NaiveDate>,
    /// What the document refers to: products, resale authorizations, agreements and
    /// existing offers (see the README). Rules that need missing context are skipped.
    #[arg(long, value_name = "FILE")]
    context: Option<PathBuf>,
    /// `json` (one object, the default) or `text` (one line per violation).
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Text,
}

pub(crate) fn parse_now_arg(text: &str) -> Result<NaiveDate, String> {
    parse_now(text).ok_or_else(|| {
        format!("\"{text}\" is neither an RFC 3339 instant (2023-01-01T00:00:00Z) nor a date (2023-01-01)")
    })
}

/// Exit status 2: the input could not be used at all.
const UNREADABLE: u8 = 2;

pub fn run(args: &Args) -> ExitCode {
    let text = match read_text(&args.file) {
        Ok(text) => text,
        Err(message) => return fail(&message),
    };
    let arena = Arena::new();
    let document = match parse_json(&args.file, &text, &arena) {
        Ok(document) => document,
        Err(message) => return fail(&message),
    };
    let context = match args.context.as_deref().map(read_context).transpose() {
        Ok(context) => context.unwrap_or_default(),
        Err(message) => return fail(&message),
    };
    let today = args.now.unwrap_or_else(|| Utc::now().date_naive());
    let report = validate(&document, today, &context);
    match args.format {
        Format::Json => match serde_json::to_string(&report) {
            Ok(json) => println!("{json}"),
            Err(e) => return fail(&format!("could not write the report: {e}")),
        },
        Format::Text => print_text(&report, &display_name(&args.file)),
    }
    if report.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("offerdesk: {message}");
    ExitCode::from(UNREADABLE)
}

fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Reads a file, or standard input for `-`.
pub(crate) fn read_text(path: &Path) -> Result<String, String> {
    let name = display_name(path);
    if path.as_os_str() == "-" {
        let mut text = String::new();
        let mut stdin = std::io::stdin();
        if stdin.is_terminal() {
            eprintln!("offerdesk: reading the document from standard input (end with Ctrl-D)");
        }
        stdin.read_to_string(&mut text).map_err(|e| format!("{name}: cannot read: {e}"))?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("{name}: cannot read: {e}"))
    }
}

/// Parses a document read from `path` as the WASM package and the API do, with the
/// position of a syntax error (`file.json:3:14: not JSON: expected `,` or `}``).
pub(crate) fn parse_json<'t>(path: &Path, text: &'t str, arena: &'t Arena) -> Result<Json<'t>, String> {
    json::parse(text, arena)
        .map_err(|e| format!("{}:{}:{}: not JSON: {}", display_name(path), e.line(), e.column(), e.message()))
}

/// Reads and parses a JSON file (or standard input) into a `serde_json::Value`.
pub(crate) fn read_json(path: &Path) -> Result<Value, String> {
    let text = read_text(path)?;
    parse_json(path, &text, &Arena::new()).map(|document| document.to_value())
}

/// Reads a `--context` file.
pub(crate) fn read_context(path: &Path) -> Result<Context, String> {
    let text = read_text(path)?;
    let arena = Arena::new();
    let value = parse_json(path, &text, &arena)?;
    let mut reader = Reader::default();
    let context = Context::read(&value, &mut reader);
    match reader.violations.first() {
        None => Ok(context),
        Some(v) => Err(format!(
            "{}: context {}: {}",
            display_name(path),
            if v.path.is_empty() { "/" } else { &v.path },
            v.message
        )),
    }
}

fn print_text(report: &Report, name: &str) {
    if report.valid {
        println!("{name}: valid");
        return;
    }
    for v in &report.violations {
        let path = if v.path.is_empty() { "/" } else { &v.path };
        let aws = v.aws.map(|a| format!(" [AWS {a}]")).unwrap_or_default();
        println!("{name}: {path}: {}: {}{aws}", v.code, v.message);
    }
    let n = report.violations.len();
    println!("{name}: {n} violation{}", if n == 1 { "" } else { "s" });
}
