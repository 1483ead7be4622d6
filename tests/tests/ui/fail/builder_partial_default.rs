// Only the state with nothing set has a default: a state that skips `Period` cannot be made
// without calling `.period(..)`.
use ens_client::CreateInstanceRequestBuilder;
use ens_client::core::Unset;

fn main() {
    let _ = CreateInstanceRequestBuilder::<(String, String, Unset, i64)>::default();
}
