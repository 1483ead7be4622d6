mod op {
    ens_macros::operation!("../../../../tests/tests/ui/specs/no_such_spec.json");
}
fn main() {}
