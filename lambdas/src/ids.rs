//! New ids: random, so that two Lambdas never pick the same one.

/// `n` random bytes from the operating system.
///
/// # Errors
/// When the operating system has no randomness to give.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness: {e}"))?;
    Ok(bytes)
}

/// `<prefix>-` and 20 random lowercase hex digits (`offer-3f9c...`).
///
/// # Errors
/// When the operating system has no randomness to give.
pub fn new_id(prefix: &str) -> Result<String, String> {
    let bytes = random_bytes::<10>()?;
    Ok(format!("{prefix}-{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()))
}
