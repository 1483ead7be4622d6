//! Lower-case hex, which ACS3 uses for digests and the signature. Small enough that a crate for it
//! would cost more in build time than it saves.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Appends the lower-case hex form of `bytes` to `out`.
pub(crate) fn encode_into(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
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
    }
}
