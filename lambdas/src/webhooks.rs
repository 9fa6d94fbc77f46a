//! Webhook signatures as the Standard Webhooks specification has them, so receivers can use
//! its libraries: `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
//! = `v1,` + base64 of HMAC-SHA256 over `<id>.<timestamp>.<body>`, keyed with the secret
//! (`whsec_` + base64 of the key).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How far a timestamp may be from the receiver's clock.
pub const TOLERANCE_SECONDS: i64 = 5 * 60;

const SECRET_PREFIX: &str = "whsec_";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("the secret is not \"whsec_\" and base64")]
    BadSecret,
    #[error("webhook-timestamp is not a number of seconds")]
    BadTimestamp,
    #[error("webhook-timestamp is more than 5 minutes from now: a replay, or a clock out of step")]
    StaleTimestamp,
    #[error("no webhook-signature matches the body")]
    BadSignature,
}

fn mac(secret: &str) -> Result<Hmac<Sha256>, WebhookError> {
    let key = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    let key = STANDARD.decode(key).map_err(|_| WebhookError::BadSecret)?;
    <Hmac<Sha256> as KeyInit>::new_from_slice(&key).map_err(|_| WebhookError::BadSecret)
}

fn signed(secret: &str, id: &str, timestamp: &str, body: &[u8]) -> Result<Hmac<Sha256>, WebhookError> {
    let mut mac = mac(secret)?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(mac)
}

/// The `webhook-signature` header for a delivery.
///
/// # Errors
/// `BadSecret`.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, WebhookError> {
    let mac = signed(secret, id, &timestamp.to_string(), body)?;
    Ok(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

/// Checks a delivery as a receiver must: the timestamp within 5 minutes of `now`, and one
/// of the (space-separated) `v1,` signatures made with the secret over this very body.
///
/// # Errors
/// Why the delivery must be rejected.
pub fn verify(
    secret: &str,
    id: &str,
    timestamp: &str,
    signatures: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), WebhookError> {
    let seconds: i64 = timestamp.trim().parse().map_err(|_| WebhookError::BadTimestamp)?;
    if (now.timestamp() - seconds).abs() > TOLERANCE_SECONDS {
        return Err(WebhookError::StaleTimestamp);
    }
    let expected = signed(secret, id, timestamp.trim(), body)?;
    let matches = signatures.split_whitespace().filter_map(|s| s.strip_prefix("v1,")).any(|candidate| {
        // Constant-time comparison of the MAC.
        STANDARD.decode(candidate).is_ok_and(|bytes| expected.clone().verify_slice(&bytes).is_ok())
    });
    if matches {
        Ok(())
    } else {
        Err(WebhookError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use chrono::TimeZone;

    // The Standard Webhooks specification's own test vector.
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const BODY: &[u8] = br#"{"test": 2432232314}"#;

    #[test]
    fn signatures_match_the_standard_webhooks_test_vector() {
        assert_eq!(sign(SECRET, ID, 1614265330, BODY).unwrap(), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn verification_rejects_a_changed_body_a_wrong_secret_and_an_old_timestamp() {
        let now = Utc.timestamp_opt(1614265330, 0).unwrap();
        let signature = sign(SECRET, ID, 1614265330, BODY).unwrap();
        assert_eq!(verify(SECRET, ID, "1614265330", &format!("v1,bm9wZQ== {signature}"), BODY, now), Ok(()));
        assert_eq!(verify(SECRET, ID, "1614265330", &signature, b"{}", now), Err(WebhookError::BadSignature));
        let other = "whsec_c2VjcmV0LXRoYXQtaXMtbm90LXRoZS1zYW1l";
        assert_eq!(verify(other, ID, "1614265330", &signature, BODY, now), Err(WebhookError::BadSignature));
        let later = now + chrono::Duration::seconds(TOLERANCE_SECONDS + 1);
        assert_eq!(verify(SECRET, ID, "1614265330", &signature, BODY, later), Err(WebhookError::StaleTimestamp));
        assert_eq!(verify(SECRET, ID, "soon", &signature, BODY, now), Err(WebhookError::BadTimestamp));
    }
}
