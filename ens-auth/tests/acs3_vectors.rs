//! `ACS3-HMAC-SHA256` through ens-auth, against the recorded vectors (plus
//! `$ENS_ACS3_VECTORS` when set).

use std::path::Path;

use ens_auth::vectors::{Suite, assert_suite};

#[test]
fn acs3_vectors() {
    assert_suite(
        Suite::Acs3,
        &[
            Path::new(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/data/acs3_hmac_sha256.jsonl"
            )),
            Path::new(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/data/acs3_edge.jsonl"
            )),
        ],
    );
}
