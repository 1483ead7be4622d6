//! What criterion does not print: the ratio of two costs measured interleaved in one run.
//! Shared by the benches of ens-auth and ens-client (`#[path]`).
#![allow(dead_code)]

use std::time::Instant;

/// The ratio of `a`'s time to `b`'s, measured in alternating batches so that the machine's load
/// (2 shared cores) weighs on both alike: prints the median and the 10th-90th percentiles of
/// the per-round ratios, and the median time per call of each.
pub fn ratio<A, B>(label: &str, mut a: impl FnMut() -> A, mut b: impl FnMut() -> B) {
    const ROUNDS: usize = 201;
    const BATCH: u32 = 300;
    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..BATCH {
            f();
        }
        start.elapsed().as_secs_f64() / f64::from(BATCH)
    };
    let mut a = || {
        std::hint::black_box(a());
    };
    let mut b = || {
        std::hint::black_box(b());
    };
    let (mut ratios, mut ta, mut tb) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let x = time(&mut a);
        let y = time(&mut b);
        ratios.push(x / y);
        ta.push(x);
        tb.push(y);
    }
    for v in [&mut ratios, &mut ta, &mut tb] {
        v.sort_by(f64::total_cmp);
    }
    let pct = |v: &[f64], p: usize| v[(v.len() - 1) * p / 100];
    println!(
        "ratio {label:48} {:5.2}x (p10 {:.2}, p90 {:.2}) | {:7.0} ns vs {:7.0} ns",
        pct(&ratios, 50),
        pct(&ratios, 10),
        pct(&ratios, 90),
        pct(&ta, 50) * 1e9,
        pct(&tb, 50) * 1e9,
    );
}
