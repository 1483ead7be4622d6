mod op {
    ens_macros::operation!("../../../../tests/tests/ui/specs/duplicate_variant.json");
}
fn main() {}
