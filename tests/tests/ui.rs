//! Compile-time behaviour of the macro and the builder (trybuild; `.stderr` files are blessed
//! with the toolchain pinned in `rust-toolchain.toml`: `TRYBUILD=overwrite` re-blesses).
//!
//! Under trybuild a test case is compiled as a crate in `target/tests/trybuild/tests/`, so the
//! `CARGO_MANIFEST_DIR` the macro resolves against is that folder: the cases name specs from
//! there (`../../../../specs/...`). This assumes the default target directory.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
