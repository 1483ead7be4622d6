//! Any wire parameters for CreateInstance: `from_params` never panics, and whatever it accepts
//! also passes `validate` and survives a round trip through `to_params`.
#![no_main]

use ens_client::CreateInstanceRequest;
use ens_client::core::Params;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Lines of `name=value`; names near the real ones come from the corpus.
    let params: Params = text
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    if let Ok(request) = CreateInstanceRequest::from_params(&params) {
        assert!(request.validate().is_ok(), "accepted but invalid: {params:?}");
        let again = CreateInstanceRequest::from_params(&request.to_params());
        assert_eq!(again.as_ref(), Ok(&request), "round trip changed {params:?}");
    }
});
