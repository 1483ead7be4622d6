// `Unhandled` cannot be made outside the crate, and matching it is deprecated (it breaks when a
// later spec documents the code).
#![deny(deprecated)]
use ens_client::CreateInstanceError;

fn main() {
    let e = <CreateInstanceError as ens_client::core::OperationError>::from_code("Brand.New", "m");
    if let CreateInstanceError::Unhandled(u) = &e {
        println!("{}", u.code());
    }
    let _ = ens_client::errors::Unhandled::new("Brand.New");
}
