mod op {
    ens_macros::operation!("../specs/small/operations/UnknownType.json");
}
fn main() {}
