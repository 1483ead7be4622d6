//! Wire parameters: the interchange format between typed requests, the signer, the transport, the
//! emulator and test files.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Wire parameters: wire name (`DataDisk.1.Size`) to the string that goes on the wire.
///
/// Sorted by name, because the signature needs them sorted and tests read better that way.
///
/// A value can be marked secret ([`Params::insert_secret`]; `to_params` marks every parameter its
/// spec calls secret, such as passwords): `Debug` then prints `***` in its place. Marks do not
/// take part in equality, which compares what goes on the wire.
#[derive(Clone, Default)]
pub struct Params {
    values: BTreeMap<String, String>,
    secret: BTreeSet<String>,
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` to `value`; returns the value it replaces. A secret mark on `name` stays.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) -> Option<String> {
        self.values.insert(name.into(), value.into())
    }

    /// Sets `name` to `value` and marks it secret, so `Debug` never shows it.
    pub fn insert_secret(
        &mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Option<String> {
        let name = name.into();
        self.secret.insert(name.clone());
        self.values.insert(name, value.into())
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// Whether `name` is present (even with an empty value).
    pub fn contains(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// Removes `name`; returns its value.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        self.secret.remove(name);
        self.values.remove(name)
    }

    /// Whether `name` was marked secret.
    pub fn is_secret(&self, name: &str) -> bool {
        self.secret.contains(name)
    }

    /// Every parameter, in name order (byte order).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    /// The parameters whose names start with `prefix`, in order.
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.values
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// How many parameters there are.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

impl PartialEq for Params {
    fn eq(&self, other: &Self) -> bool {
        self.values == other.values
    }
}

impl Eq for Params {}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.values.iter().map(|(k, v)| {
                let shown: &dyn fmt::Debug = if self.secret.contains(k) { &Masked } else { v };
                (k, shown)
            }))
            .finish()
    }
}

/// Printed instead of a secret value.
struct Masked;

impl fmt::Debug for Masked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// `params["Name"]`, as with a map: panics when `Name` is absent (use [`Params::get`] to ask).
impl std::ops::Index<&str> for Params {
    type Output = String;

    fn index(&self, name: &str) -> &String {
        match self.values.get(name) {
            Some(value) => value,
            None => panic!("no wire parameter {name:?}"),
        }
    }
}

impl FromIterator<(String, String)> for Params {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        Self {
            values: iter.into_iter().collect(),
            secret: BTreeSet::new(),
        }
    }
}

impl Extend<(String, String)> for Params {
    fn extend<I: IntoIterator<Item = (String, String)>>(&mut self, iter: I) {
        self.values.extend(iter);
    }
}

impl<'a> IntoIterator for &'a Params {
    type Item = (&'a str, &'a str);
    type IntoIter = Box<dyn Iterator<Item = (&'a str, &'a str)> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// A JSON object of strings, as in test case files.
impl<'de> serde::Deserialize<'de> for Params {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::<String, String>::deserialize(d).map(|values| Self {
            values,
            secret: BTreeSet::new(),
        })
    }
}

/// A JSON object of strings; secret values are written as they are (serializing is asking for
/// the wire form).
impl serde::Serialize for Params {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.values.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_are_masked_in_debug_only() {
        let mut p = Params::new();
        p.insert("InstanceType", "ens.sn1.small");
        p.insert_secret("Password", "Pa55-word%21");
        let shown = format!("{p:?} {p:#?}");
        assert!(!shown.contains("Pa55"), "{shown}");
        assert!(shown.contains("\"Password\": ***"), "{shown}");
        assert!(shown.contains("ens.sn1.small"), "{shown}");
        assert_eq!(p.get("Password"), Some("Pa55-word%21"));
        assert!(p.is_secret("Password") && !p.is_secret("InstanceType"));
        let same: Params = p
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(p, same, "marks are not part of equality");
    }

    #[test]
    fn prefix_ranges_and_order() {
        let p: Params = [
            ("DataDisk.2.Size", "2"),
            ("DataDisk.1.Size", "1"),
            ("DataDiskX", "x"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let names: Vec<_> = p.with_prefix("DataDisk.").map(|(k, _)| k).collect();
        assert_eq!(names, ["DataDisk.1.Size", "DataDisk.2.Size"]);
        assert_eq!(p.names().count(), 3);
        assert_eq!(p.len(), 3);
    }
}
