//! Workspace-level tests live in `tests/`; this crate has no code of its own.

/// The workspace README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
