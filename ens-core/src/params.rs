//! Wire parameters: the interchange format between typed requests, the signer, the transport, the
//! emulator and test files.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// Wire parameters: wire name (`DataDisk.1.Size`) to the string that goes on the wire.
///
/// Sorted by name, because the signature needs them sorted and tests read better that way.
///
/// A value can be marked secret ([`Params::insert_secret`]; `to_params` marks every parameter its
/// spec calls secret, such as passwords): `Debug` then prints `***` in its place. Marks do not
/// take part in equality, which compares what goes on the wire.
///
/// Held as one vector sorted by name: a request has a few dozen parameters at most, so a binary
/// search and a short shift per insertion beat a tree's node allocations, and the names that
/// generated code writes (`&'static str`) are kept without a copy.
#[derive(Clone, Default)]
pub struct Params {
    entries: Vec<Entry>,
}

#[derive(Clone)]
struct Entry {
    /// The first eight bytes of `name`, big-endian and zero-padded: ordering entries by it, then
    /// by the whole name, is ordering by name, and most comparisons end at this integer instead
    /// of a call to `memcmp`.
    prefix: u64,
    name: Cow<'static, str>,
    value: String,
    secret: bool,
}

/// Byte order of two names, compared here rather than by a call to `memcmp`: names are short,
/// and the call cost more than the comparison.
#[inline]
fn cmp_bytes(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

/// See [`Entry::prefix`].
#[inline]
fn prefix_of(name: &str) -> u64 {
    let mut buf = [0u8; 8];
    let n = name.len().min(8);
    buf[..n].copy_from_slice(&name.as_bytes()[..n]);
    u64::from_be_bytes(buf)
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Room for `n` parameters without reallocating.
    pub fn with_capacity(n: usize) -> Self {
        Self {
            entries: Vec::with_capacity(n),
        }
    }

    /// The index of `name`, or where it would go.
    fn position(&self, name: &str) -> Result<usize, usize> {
        let prefix = prefix_of(name);
        self.entries.binary_search_by(|e| {
            e.prefix
                .cmp(&prefix)
                .then_with(|| cmp_bytes(e.name.as_bytes(), name.as_bytes()))
        })
    }

    /// Sets `name` to `value` (marking it secret if `secret`); returns the value it replaces. An
    /// existing secret mark stays.
    pub(crate) fn put(
        &mut self,
        name: Cow<'static, str>,
        value: String,
        secret: bool,
    ) -> Option<String> {
        // Names written in order (a sorted source, a map) go to the end without a search.
        if self
            .entries
            .last()
            .is_none_or(|last| last.name.as_ref() < name.as_ref())
        {
            self.entries.push(Entry {
                prefix: prefix_of(&name),
                name,
                value,
                secret,
            });
            return None;
        }
        match self.position(&name) {
            Ok(i) => {
                let entry = &mut self.entries[i];
                entry.secret |= secret;
                Some(std::mem::replace(&mut entry.value, value))
            }
            Err(i) => {
                self.entries.insert(
                    i,
                    Entry {
                        prefix: prefix_of(&name),
                        name,
                        value,
                        secret,
                    },
                );
                None
            }
        }
    }

    /// Appends `name` without keeping the order: for [`crate::wire::Writer`], which writes a
    /// request's parameters in its own order and calls [`Params::settle`] once at the end
    /// (one sort instead of a search and a shift of the tail per parameter).
    pub(crate) fn push_unordered(&mut self, name: Cow<'static, str>, value: String, secret: bool) {
        self.entries.push(Entry {
            prefix: prefix_of(&name),
            name,
            value,
            secret,
        });
    }

    /// Restores name order after [`Params::push_unordered`], with what [`Params::put`] would
    /// have made of the same sequence: of several values for one name the last, marked secret
    /// if any was.
    pub(crate) fn settle(&mut self) {
        self.entries.sort_by(|a, b| {
            a.prefix
                .cmp(&b.prefix)
                .then_with(|| cmp_bytes(a.name.as_bytes(), b.name.as_bytes()))
        });
        // Stable, so of equal names the last written is last: keep it.
        self.entries.dedup_by(|later, earlier| {
            let same = later.name == earlier.name;
            if same {
                earlier.secret |= later.secret;
                std::mem::swap(&mut earlier.value, &mut later.value);
            }
            same
        });
    }

    /// Sets `name` to `value`; returns the value it replaces. A secret mark on `name` stays.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) -> Option<String> {
        self.put(Cow::Owned(name.into()), value.into(), false)
    }

    /// Sets `name` to `value` and marks it secret, so `Debug` never shows it.
    pub fn insert_secret(
        &mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Option<String> {
        self.put(Cow::Owned(name.into()), value.into(), true)
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.position(name)
            .ok()
            .map(|i| self.entries[i].value.as_str())
    }

    /// Whether `name` is present (even with an empty value).
    pub fn contains(&self, name: &str) -> bool {
        self.position(name).is_ok()
    }

    /// Removes `name`; returns its value.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        self.position(name)
            .ok()
            .map(|i| self.entries.remove(i).value)
    }

    /// Whether `name` was marked secret.
    pub fn is_secret(&self, name: &str) -> bool {
        self.position(name).is_ok_and(|i| self.entries[i].secret)
    }

    /// Every parameter, in name order (byte order).
    pub fn iter(&self) -> ParamsIter<'_> {
        ParamsIter(self.entries.iter())
    }

    /// The parameters marked secret, in name order.
    pub fn secrets(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .filter(|e| e.secret)
            .map(|e| (e.name.as_ref(), e.value.as_str()))
    }

    /// The names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.name.as_ref())
    }

    /// The parameters whose names start with `prefix`, in order.
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        let start = self.entries.partition_point(|e| e.name.as_ref() < prefix);
        ParamsIter(self.entries[start..].iter()).take_while(move |(k, _)| k.starts_with(prefix))
    }

    /// How many parameters there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The parameters of a [`Params`] as `(name, value)`, in name order.
#[derive(Debug, Clone)]
pub struct ParamsIter<'a>(std::slice::Iter<'a, Entry>);

impl<'a> Iterator for ParamsIter<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|e| (e.name.as_ref(), e.value.as_str()))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for ParamsIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0
            .next_back()
            .map(|e| (e.name.as_ref(), e.value.as_str()))
    }
}

impl ExactSizeIterator for ParamsIter<'_> {}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only reached through `ParamsIter`'s Debug: never show a secret there either.
        let value: &dyn fmt::Debug = if self.secret { &Masked } else { &self.value };
        f.debug_tuple("").field(&self.name).field(value).finish()
    }
}

impl PartialEq for Params {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Params {}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|e| {
                let shown: &dyn fmt::Debug = if e.secret { &Masked } else { &e.value };
                (&e.name, shown)
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
        match self.position(name) {
            Ok(i) => &self.entries[i].value,
            Err(_) => panic!("no wire parameter {name:?}"),
        }
    }
}

/// As with a map, the last of several values for one name wins.
impl FromIterator<(String, String)> for Params {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        let mut params = Params::new();
        params.extend(iter);
        params
    }
}

impl Extend<(String, String)> for Params {
    fn extend<I: IntoIterator<Item = (String, String)>>(&mut self, iter: I) {
        let iter = iter.into_iter();
        self.entries.reserve(iter.size_hint().0);
        for (name, value) in iter {
            self.insert(name, value);
        }
    }
}

impl<'a> IntoIterator for &'a Params {
    type Item = (&'a str, &'a str);
    type IntoIter = ParamsIter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A JSON object of strings, as in test case files.
impl<'de> serde::Deserialize<'de> for Params {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::<String, String>::deserialize(d).map(|values| values.into_iter().collect())
    }
}

/// A JSON object of strings; secret values are written as they are (serializing is asking for
/// the wire form).
impl serde::Serialize for Params {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
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
