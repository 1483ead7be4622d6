// A fluent call's `send()` needs every required parameter, as `build()` does: without `Period`
// it must not compile, and the error must name it.
async fn call(client: ens_client::Client) {
    let _ = client
        .create_instance()
        .instance_type("ens.sn1.small")
        .ens_region_id("cn-beijing-cmcc")
        .quantity(1)
        .send()
        .await;
}

fn main() {
    let _ = call;
}
