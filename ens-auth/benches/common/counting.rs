//! Allocations per call, counted by a global allocator that wraps the system's. Kept out of the
//! timing benches (each counted allocation costs a few atomic increments) and included by the
//! `*_allocs` examples of ens-auth and ens-client (`#[path]`).
#![allow(dead_code)]

use std::alloc::System;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

/// Every allocation of the bench binary goes through this counter.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Allocations and bytes allocated per call of `f` (averaged over `calls`; reallocations count
/// as allocations, since each may move the block).
pub fn allocations<R>(label: &str, calls: u32, mut f: impl FnMut() -> R) {
    // Warm up: lazily initialised statics allocate once.
    std::hint::black_box(f());
    let region = Region::new(GLOBAL);
    for _ in 0..calls {
        std::hint::black_box(f());
    }
    let stats = region.change();
    let n = f64::from(calls);
    println!(
        "allocations {label:44} {:6.1} allocs/call {:8.1} bytes/call",
        (stats.allocations + stats.reallocations) as f64 / n,
        (stats.bytes_allocated + stats.bytes_reallocated.max(0) as usize) as f64 / n,
    );
}
