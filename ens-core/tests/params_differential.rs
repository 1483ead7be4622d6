//! `Params` (one sorted vector) against a `BTreeMap` and a set of secret marks, and the
//! byte-wise wire-name matcher against a reference written from its definition, on random
//! operations with a fixed seed (a failure repeats).

use std::collections::{BTreeMap, BTreeSet};

use ens_core::{Kind, ParamSpec, Params};

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

/// Names sharing long prefixes (the 8-byte search key ties), and the empty name.
const NAMES: &[&str] = &[
    "",
    "A",
    "a",
    "Action",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "DataDisk",
    "DataDisk.",
    "DataDisk.1.Size",
    "DataDisk.10.Size",
    "DataDisk.2.Size",
    "DataDisk\0",
    "InstanceName",
    "InstanceType",
    "é",
    "~",
];

#[test]
fn params_behave_as_a_sorted_map() {
    let mut rng = Rng(0x5EED_1001);
    for round in 0..300 {
        let mut params = Params::new();
        let mut map: BTreeMap<String, String> = BTreeMap::new();
        let mut secret: BTreeSet<String> = BTreeSet::new();
        for step in 0..rng.below(60) {
            let name = rng.pick(NAMES).to_owned();
            let value = format!("v{round}.{step}");
            match rng.below(5) {
                0 | 1 => {
                    assert_eq!(
                        params.insert(name.clone(), value.clone()),
                        map.insert(name, value)
                    );
                }
                2 => {
                    secret.insert(name.clone());
                    assert_eq!(
                        params.insert_secret(name.clone(), value.clone()),
                        map.insert(name, value)
                    );
                }
                3 => {
                    secret.remove(&name);
                    assert_eq!(params.remove(&name), map.remove(&name));
                }
                _ => {
                    assert_eq!(params.get(&name), map.get(&name).map(String::as_str));
                    assert_eq!(params.contains(&name), map.contains_key(&name));
                    assert_eq!(params.is_secret(&name), secret.contains(&name));
                }
            }
        }
        let expected: Vec<(&str, &str)> =
            map.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(params.iter().collect::<Vec<_>>(), expected, "round {round}");
        assert_eq!(params.len(), map.len());
        let secrets: Vec<&str> = params.secrets().map(|(k, _)| k).collect();
        let expected_secrets: Vec<&str> = map
            .keys()
            .filter(|k| secret.contains(*k))
            .map(String::as_str)
            .collect();
        assert_eq!(secrets, expected_secrets, "round {round}");
        for prefix in ["", "D", "DataDisk.", "Signature", "é", "zzz"] {
            let got: Vec<_> = params.with_prefix(prefix).collect();
            let want: Vec<_> = expected
                .iter()
                .copied()
                .filter(|(k, _)| k.starts_with(prefix))
                .collect();
            assert_eq!(got, want, "prefix {prefix:?}");
        }
        // Built from pairs, the last value of a name wins, as with a map.
        let pairs: Vec<(String, String)> = (0..rng.below(30))
            .map(|i| (rng.pick(NAMES).to_owned(), i.to_string()))
            .collect();
        let collected: Params = pairs.iter().cloned().collect();
        let reference: BTreeMap<String, String> = pairs.into_iter().collect();
        let want: Vec<_> = reference
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(collected.iter().collect::<Vec<_>>(), want);
    }
}

/// The definition: `{n}` stands for a position counted from 1, digits without a leading zero.
fn reference_matches(pattern: &str, key: &str) -> bool {
    let Some((head, tail)) = pattern.split_once("{n}") else {
        return pattern == key;
    };
    let Some(rest) = key.strip_prefix(head) else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || rest.starts_with('0') {
        return false;
    }
    reference_matches(tail, &rest[digits..])
}

#[test]
fn wire_names_match_as_defined() {
    let patterns = [
        "DataDisk.{n}.Size",
        "Tag.{n}.Key",
        "Tag.{n}",
        "A.{n}.B.{n}",
        "{n}",
        "Period",
        "",
        "X{n",
    ];
    let pieces = [
        "DataDisk.",
        "Tag.",
        "A.",
        ".B.",
        ".Size",
        ".Key",
        "1",
        "0",
        "01",
        "10",
        "9",
        "x",
        ".",
        "Period",
        "{n}",
        "X",
        "{n",
    ];
    let mut rng = Rng(0x5EED_1002);
    for _ in 0..20_000 {
        let key: String = (0..rng.below(6)).map(|_| rng.pick(&pieces)).collect();
        for pattern in patterns {
            let spec = ParamSpec::new(pattern, Kind::String);
            assert_eq!(
                spec.matches(&key),
                reference_matches(pattern, &key),
                "{pattern:?} {key:?}"
            );
        }
    }
}
