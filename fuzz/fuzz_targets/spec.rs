//! Any text as an operation spec, within the project's service (its catalog and shapes): the
//! generator answers with code or a SpecError, never a panic.
#![no_main]

use std::sync::OnceLock;

fn service() -> &'static ens_codegen::ServiceSource {
    static SERVICE: OnceLock<ens_codegen::ServiceSource> = OnceLock::new();
    SERVICE.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/ens");
        ens_codegen::ServiceSource::read_dir(std::path::Path::new(dir), "specs/ens")
            .unwrap_or_default()
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        // Named after the operation it claims to be, when it names one; any name otherwise.
        let name = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| v["operation"].as_str().map(str::to_owned))
            .unwrap_or_else(|| "Fuzz".to_owned());
        let _ = ens_codegen::operation_module(service(), &format!("{name}.json"), text);
    }
});
