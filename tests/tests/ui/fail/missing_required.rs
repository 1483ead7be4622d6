// `Period` is required: build() must not compile without it, and the error must name it.
fn main() {
    let _ = ens_client::CreateInstanceRequest::builder()
        .instance_type("ens.sn1.small")
        .ens_region_id("cn-beijing-cmcc")
        .quantity(1)
        .build();
}
