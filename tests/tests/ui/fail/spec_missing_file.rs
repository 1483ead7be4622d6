mod op {
    ens_macros::operation!("../specs/small/operations/NoSuchSpec.json");
}
fn main() {}
