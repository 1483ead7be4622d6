mod op {
    ens_macros::operation!("../specs/small/operations/JsonSyntax.json");
}
fn main() {}
