//! RPC signature 1.0 through ens-auth, against the recorded vectors (plus
//! `$ENS_SIGNING_VECTORS` when set).

use std::path::Path;

use ens_auth::vectors::{Suite, assert_suite};

#[test]
fn rpc_v1_vectors() {
    assert_suite(
        Suite::RpcV1,
        &[
            Path::new(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/data/rpc_v1.jsonl"
            )),
            Path::new(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/data/rpc_v1_edge.jsonl"
            )),
        ],
    );
}
