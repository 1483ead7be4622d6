// IpType is an enum: a string does not type-check.
fn main() {
    let _ = ens_client::CreateInstanceRequest::builder().ip_type("ipv4");
}
