mod op {
    ens_macros::operation!("../../../../tests/tests/ui/specs/json_syntax.json");
}
fn main() {}
