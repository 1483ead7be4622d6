//! Any text as a spec: the generator answers with code or a SpecError, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ens_codegen::operation("fuzz.json", text);
    }
});
