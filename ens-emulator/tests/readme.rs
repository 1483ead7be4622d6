//! The README's table of emulated operations is the handler registry's list.
#![allow(clippy::unwrap_used)]

#[test]
fn readme_lists_exactly_the_emulated_operations() {
    let readme = include_str!("../README.md");
    let section = readme.split("## What is emulated").nth(1).unwrap();
    let table = section.split("\n\n").nth(1).unwrap();
    let mut listed: Vec<&str> = table
        .lines()
        .skip(2)
        .filter_map(|l| l.strip_prefix("| ")?.split(" |").next())
        .collect();
    let mut emulated = ens_emulator::emulated_operations();
    listed.sort_unstable();
    emulated.sort_unstable();
    assert_eq!(listed, emulated);
}
