// The type states are sealed: a user type cannot pretend a required parameter is set.
struct Fake;

impl ens_client::create_instance::builder_state::HasPeriod for Fake {
    fn take(self) -> i64 {
        1
    }
}

fn main() {}
