//! Compile-time behaviour of the macro and the builder (trybuild; `.stderr` files are blessed
//! with the toolchain pinned in `rust-toolchain.toml`: `TRYBUILD=overwrite` re-blesses).
//!
//! The macro resolves a spec path against the file that invokes it (as `include_str!` does),
//! so the cases work wherever trybuild builds them, whatever `CARGO_TARGET_DIR` is.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
