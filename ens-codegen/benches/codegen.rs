//! Codegen time per operation: `cargo bench -p ens-codegen --bench codegen`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn create_instance(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../specs/ens/operations/CreateInstance.json"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("{path} not found");
        return;
    };
    c.bench_function("codegen CreateInstance (parse + generate)", |b| {
        b.iter(|| ens_codegen::operation("CreateInstance.json", black_box(&text)))
    });
}

criterion_group!(benches, create_instance);
criterion_main!(benches);
