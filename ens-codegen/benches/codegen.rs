//! Codegen time: `cargo bench -p ens-codegen --bench codegen`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

fn codegen(c: &mut Criterion) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/ens");
    let Ok(service) = ens_codegen::ServiceSource::read_dir(Path::new(dir), "specs/ens") else {
        eprintln!("{dir} not found");
        return;
    };
    let Some((file, text)) = service
        .operations
        .iter()
        .find(|(f, _)| f.ends_with("/CreateInstance.json"))
        .cloned()
    else {
        eprintln!("no CreateInstance.json in {dir}");
        return;
    };
    c.bench_function(
        "codegen CreateInstance (load its service + generate)",
        |b| b.iter(|| ens_codegen::operation_module(&service, &file, black_box(&text))),
    );
    c.bench_function("codegen the whole service (load + generate)", |b| {
        b.iter(|| {
            let model = ens_codegen::Model::load(black_box(&service), ens_codegen::Selection::All);
            model.and_then(|m| ens_codegen::generate(&m, &ens_codegen::Settings::default()))
        })
    });
}

criterion_group!(benches, codegen);
criterion_main!(benches);
