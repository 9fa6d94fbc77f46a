//! The AWS Marketplace connector, for mode `aws`: offers are published with the Catalog
//! API, AWS's EventBridge events drive the agreements, and existing agreements are
//! imported from the Agreement API. In mode `sandbox` (the default) none of this runs and
//! buyers accept through Offerdesk's API.

pub mod agreements;
pub mod aws_errors;
pub mod catalog;
pub mod events;
pub mod publish;

pub use catalog::{Catalog, CatalogError, ChangeSetReport, ChangeSetStatus};

/// Where offers live and who accepts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Buyers accept through Offerdesk's API; nothing is sent to AWS.
    #[default]
    Sandbox,
    /// Offers are published to AWS Marketplace; acceptance comes only from AWS's events.
    Aws,
}

/// `sandbox` or `aws`, as `OFFERDESK_MODE` and `--mode` take it.
impl std::str::FromStr for Mode {
    type Err = String;

    fn from_str(text: &str) -> Result<Mode, String> {
        match text {
            "sandbox" => Ok(Mode::Sandbox),
            "aws" => Ok(Mode::Aws),
            _ => Err(format!("{text:?} is not a mode: use sandbox or aws")),
        }
    }
}

impl Mode {
    /// `OFFERDESK_MODE` (`sandbox` when unset).
    ///
    /// # Errors
    /// Any other value, named.
    pub fn from_env() -> Result<Mode, String> {
        match std::env::var("OFFERDESK_MODE") {
            Err(_) => Ok(Mode::Sandbox),
            Ok(text) => text.parse().map_err(|e| format!("OFFERDESK_MODE: {e}")),
        }
    }

    /// The Catalog API client the mode needs: none in `sandbox`.
    pub fn catalog(self, config: &aws_config::SdkConfig) -> Option<Catalog> {
        match self {
            Mode::Sandbox => None,
            Mode::Aws => Some(Catalog::from_config(config)),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Sandbox => "sandbox",
            Mode::Aws => "aws",
        }
    }
}

/// The AWS agreement id of an Offerdesk agreement: an agreement amended on AWS keeps its
/// id there, while Offerdesk keeps each amendment as its own record, `<id>.2`, `<id>.3`.
pub fn aws_agreement_id(id: &str) -> &str {
    id.split_once('.').map_or(id, |(aws, _)| aws)
}
