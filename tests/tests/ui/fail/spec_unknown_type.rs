mod op {
    ens_macros::operation!("../../../../tests/tests/ui/specs/unknown_type.json");
}
fn main() {}
