//! Who is calling: an AWS account and its role, from a JWT bearer token.
//!
//! In AWS, API Gateway's JWT authorizer has verified the token and the handler reads the
//! claims it passes on. Locally, `offerdesk serve` verifies HS256 tokens signed with a
//! local development key, which `offerdesk token` uses to mint them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An ISV: creates offers and resale authorizations.
    Seller,
    /// A channel partner: makes offers (CPPO) from the resale authorizations it was given.
    Reseller,
    /// A buyer: reads and accepts the offers that target it.
    Buyer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Seller => "seller",
            Role::Reseller => "reseller",
            Role::Buyer => "buyer",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        [Role::Seller, Role::Reseller, Role::Buyer].into_iter().find(|r| r.as_str() == text)
    }
}

/// The caller: an AWS account id (12 digits) and the role it acts in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub account: String,
    pub role: Role,
}

/// Why a token is refused (the message is safe to show the caller).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unauthenticated(pub String);

fn refuse(message: &str) -> Unauthenticated {
    Unauthenticated(message.to_owned())
}

pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The identity in a token's claims: `account` (or Cognito's `custom:account`) and `role`
/// (or `custom:role`).
///
/// # Errors
/// When either claim is missing or not a 12-digit account id and a known role.
pub fn identity_from_claims(claim: impl Fn(&str) -> Option<String>) -> Result<Identity, Unauthenticated> {
    let either = |name: &str| claim(name).or_else(|| claim(&format!("custom:{name}")));
    let account = either("account").ok_or_else(|| refuse("the token has no account claim"))?;
    if !is_account_id(&account) {
        return Err(refuse("the token's account claim is not a 12-digit AWS account id"));
    }
    let role = either("role").ok_or_else(|| refuse("the token has no role claim"))?;
    let role = Role::parse(&role).ok_or_else(|| refuse("the token's role is not seller, reseller or buyer"))?;
    Ok(Identity { account, role })
}

/// The local development key: HS256 tokens signed with it are accepted by `offerdesk serve`.
#[derive(Clone)]
pub struct DevKey(Hmac<Sha256>);

impl std::fmt::Debug for DevKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DevKey(..)")
    }
}

const ISSUER: &str = "offerdesk-local";

impl DevKey {
    /// # Errors
    /// When the secret is shorter than 32 bytes.
    pub fn new(secret: &[u8]) -> Result<DevKey, String> {
        if secret.len() < 32 {
            return Err("a development key needs at least 32 bytes".to_owned());
        }
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret).map(DevKey).map_err(|e| e.to_string())
    }

    /// The key in `path`, created there (32 random bytes, readable by the owner only) if
    /// the file does not exist yet.
    ///
    /// # Errors
    /// When the file cannot be read or created, or holds fewer than 32 bytes.
    pub fn load_or_create(path: &Path) -> Result<DevKey, String> {
        let shown = path.display();
        match std::fs::read(path) {
            Ok(secret) => return DevKey::new(&secret).map_err(|e| format!("{shown}: {e}")),
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(format!("{shown}: {e}")),
            Err(_) => {}
        }
        let secret = crate::ids::random_bytes::<32>().map_err(|e| format!("{shown}: {e}"))?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        write_private(path, &secret).map_err(|e| format!("{shown}: {e}"))?;
        DevKey::new(&secret)
    }

    fn mac(&self) -> Hmac<Sha256> {
        self.0.clone()
    }

    /// A token for `identity`, valid from `now` for `valid_for`.
    pub fn mint(&self, identity: &Identity, now: DateTime<Utc>, valid_for: chrono::Duration) -> String {
        let header = json!({"alg": "HS256", "typ": "JWT"});
        let claims = json!({
            "iss": ISSUER, "sub": identity.account, "account": identity.account, "role": identity.role.as_str(),
            "iat": now.timestamp(), "exp": (now + valid_for).timestamp(),
        });
        let signing_input =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }

    /// The identity in a token this key signed, if it has not expired at `now`.
    ///
    /// # Errors
    /// A bad signature, an expired token, or claims that name no identity.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Identity, Unauthenticated> {
        let mut parts = token.split('.');
        let (Some(header), Some(claims), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(refuse("the bearer token is not a JWT"));
        };
        let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).map_err(|_| refuse("the bearer token is not a JWT"));
        let header: Value =
            serde_json::from_slice(&decode(header)?).map_err(|_| refuse("the token's header is not JSON"))?;
        if header.get("alg").and_then(Value::as_str) != Some("HS256") {
            return Err(refuse("the token is not signed with HS256"));
        }
        let mut mac = self.mac();
        mac.update(token.get(..token.len() - signature.len() - 1).unwrap_or_default().as_bytes());
        // Constant-time comparison.
        mac.verify_slice(&decode(signature)?).map_err(|_| refuse("the token's signature is not valid"))?;
        let claims: Value =
            serde_json::from_slice(&decode(claims)?).map_err(|_| refuse("the token's claims are not JSON"))?;
        match claims.get("exp").and_then(Value::as_i64) {
            Some(exp) if exp > now.timestamp() => {}
            Some(_) => return Err(refuse("the token has expired")),
            None => return Err(refuse("the token has no expiry")),
        }
        identity_from_claims(|name| claims.get(name).and_then(Value::as_str).map(str::to_owned))
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
    use super::*;
    use chrono::TimeZone;

    fn seller() -> Identity {
        Identity { account: "111111111111".into(), role: Role::Seller }
    }

    #[test]
    fn a_minted_token_verifies_until_it_expires() {
        let key = DevKey::new(&[7; 32]).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let token = key.mint(&seller(), now, chrono::Duration::hours(1));
        assert_eq!(key.verify(&token, now), Ok(seller()));
        assert_eq!(
            key.verify(&token, now + chrono::Duration::hours(2)),
            Err(Unauthenticated("the token has expired".into()))
        );
    }

    #[test]
    fn a_token_signed_with_another_key_or_altered_is_refused() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let token = DevKey::new(&[1; 32]).unwrap().mint(&seller(), now, chrono::Duration::hours(1));
        assert!(DevKey::new(&[2; 32]).unwrap().verify(&token, now).is_err());
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(r#"{"account":"222222222222","role":"seller","exp":9999999999}"#);
        parts[1] = &forged;
        assert!(DevKey::new(&[1; 32]).unwrap().verify(&parts.join("."), now).is_err());
        assert!(DevKey::new(&[1; 32]).unwrap().verify("not-a-token", now).is_err());
    }
}
