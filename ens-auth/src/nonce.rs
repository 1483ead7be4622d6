//! Signature nonces.

/// The operating system's random generator could not be read.
///
/// Practically only seen in sandboxes that block `getrandom(2)`; the client cannot sign without a
/// nonce, so this is surfaced instead of falling back to something predictable.
#[derive(Debug, thiserror::Error)]
#[error("cannot generate a signature nonce: the system random number generator failed: {message}")]
pub struct NonceError {
    message: String,
}

/// A fresh signature nonce: 128 random bits as 32 lower-case hex characters.
///
/// The service rejects a nonce it has seen within the last 15 minutes as a replay, so the nonce
/// comes from the OS generator rather than a counter or the clock, which could repeat across
/// processes.
pub fn random_nonce() -> Result<String, NonceError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| NonceError {
        message: e.to_string(),
    })?;
    Ok(crate::hex::encode(&bytes))
}

#[cfg(test)]
mod tests {
    use super::random_nonce;

    #[test]
    fn nonces_are_32_lower_hex_and_differ() {
        let a = random_nonce().expect("OS random generator");
        let b = random_nonce().expect("OS random generator");
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        );
        assert_ne!(a, b);
    }
}
