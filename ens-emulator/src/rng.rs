//! A small seeded generator (SplitMix64) for ids, request ids and fault probabilities: the same
//! seed gives the same run, which `rand` would also give at the cost of a dependency tree.

use serde::{Deserialize, Serialize};

/// SplitMix64: tiny, fast, and good enough for test identifiers (not for secrets).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A float uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `prefix` followed by `len` lower-case letters and digits (`i-5xq...`).
    pub(crate) fn id(&mut self, prefix: &str, len: usize) -> String {
        const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        let mut out = String::with_capacity(prefix.len() + len);
        out.push_str(prefix);
        for _ in 0..len {
            out.push(char::from(ALPHABET[(self.next_u64() % 36) as usize]));
        }
        out
    }

    /// A request id in the service's form: upper-case UUID.
    pub(crate) fn request_id(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        format!(
            "{:08X}-{:04X}-{:04X}-{:04X}-{:012X}",
            a >> 32,
            (a >> 16) & 0xFFFF,
            a & 0xFFFF,
            b >> 48,
            b & 0xFFFF_FFFF_FFFF
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_and_shaped() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(a.id("i-", 24), b.id("i-", 24));
        let id = a.id("i-", 24);
        assert!(id.starts_with("i-") && id.len() == 26);
        let rid = a.request_id();
        assert_eq!(rid.len(), 36);
        assert_eq!(rid.matches('-').count(), 4);
        assert!((0.0..1.0).contains(&a.unit()));
    }
}
