mod op {
    ens_macros::operation!("../specs/clash/operations/Ping.json");
}
fn main() {}
