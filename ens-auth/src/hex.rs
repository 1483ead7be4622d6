//! Lower-case hex, which ACS3 uses for digests and the signature. Small enough that a crate for it
//! would cost more in build time than it saves.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Appends the lower-case hex form of `bytes` to `out`.
///
/// Digests are 32 bytes: their digits are written on the stack and appended in one copy.
pub(crate) fn encode_into(out: &mut String, bytes: &[u8]) {
    let mut digits = [0u8; 64];
    for chunk in bytes.chunks(32) {
        for (pair, &b) in digits.chunks_exact_mut(2).zip(chunk) {
            pair[0] = DIGITS[usize::from(b >> 4)];
            pair[1] = DIGITS[usize::from(b & 0x0f)];
        }
        let text = &digits[..2 * chunk.len()];
        out.push_str(std::str::from_utf8(text).expect("hex digits are ASCII"));
    }
}

/// The lower-case hex form of `bytes`.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    encode_into(&mut out, bytes);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn lower_case_two_digits_per_byte() {
        assert_eq!(super::encode(&[0x00, 0x0f, 0xa0, 0xff, 0x5c]), "000fa0ff5c");
        assert_eq!(super::encode(&[]), "");
        let long: Vec<u8> = (0..=255).collect();
        let expected: String = long.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(super::encode(&long), expected);
    }
}
