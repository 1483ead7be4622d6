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
///
/// The bits are read from the OS 16 nonces at a time, into a buffer of the calling
/// thread: a `getrandom` call costs more than all the rest of signing a request's headers. Every
/// byte is handed out once and wiped from the buffer; a process forked with a filled buffer
/// (same bytes as its parent) refills it first, so no two processes share a nonce either.
pub fn random_nonce() -> Result<String, NonceError> {
    POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        let bits = pool.take()?;
        Ok(crate::hex::encode(&bits))
    })
}

/// How many nonces one read of the OS generator provides.
pub(crate) const POOL_NONCES: usize = 16;

/// Bytes of one nonce.
const NONCE_BYTES: usize = 16;

/// OS random bytes not handed out yet, `bytes[next..]`, read by process `pid`.
struct Pool {
    bytes: [u8; NONCE_BYTES * POOL_NONCES],
    next: usize,
    pid: u32,
}

thread_local! {
    static POOL: std::cell::RefCell<Pool> = const {
        std::cell::RefCell::new(Pool {
            bytes: [0; NONCE_BYTES * POOL_NONCES],
            next: NONCE_BYTES * POOL_NONCES,
            pid: 0,
        })
    };
}

impl Pool {
    /// The next unused 16 bytes, refilling from the OS when none are left or the process is not
    /// the one that read them (a fork).
    fn take(&mut self) -> Result<[u8; NONCE_BYTES], NonceError> {
        let pid = std::process::id();
        if self.next + NONCE_BYTES > self.bytes.len() || self.pid != pid {
            getrandom::fill(&mut self.bytes).map_err(|e| NonceError {
                message: e.to_string(),
            })?;
            self.next = 0;
            self.pid = pid;
        }
        let slot = &mut self.bytes[self.next..self.next + NONCE_BYTES];
        let mut bits = [0u8; NONCE_BYTES];
        bits.copy_from_slice(slot);
        slot.fill(0);
        self.next += NONCE_BYTES;
        Ok(bits)
    }
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

    #[test]
    fn nonces_never_repeat_across_refills_and_threads() {
        let mut seen = std::collections::HashSet::new();
        // Several refills of this thread's pool, and other threads' pools.
        for _ in 0..super::POOL_NONCES * 5 + 3 {
            assert!(seen.insert(random_nonce().expect("OS random generator")));
        }
        let others: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        (0..40)
                            .map(|_| random_nonce().expect("OS"))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("thread"))
                .collect()
        });
        for nonce in others {
            assert!(seen.insert(nonce));
        }
        assert_eq!(seen.len(), super::POOL_NONCES * 5 + 3 + 160);
    }
}
