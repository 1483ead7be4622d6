//! Conversions between typed fields and wire strings, shared by every generated request.

use std::borrow::Cow;

use crate::{Params, Violation, Violations};

/// A value that has one spelling on the wire.
pub trait WireValue: Sized {
    /// The wire spelling.
    fn to_wire(&self) -> String;
    /// Reads the wire spelling; `None` when it is not one.
    fn from_wire(s: &str) -> Option<Self>;
    /// Whether values of this type are secrets (passwords): written to [`Params`] marked secret,
    /// so its `Debug` masks them.
    const SECRET: bool = false;
}

impl WireValue for String {
    fn to_wire(&self) -> String {
        self.clone()
    }
    fn from_wire(s: &str) -> Option<Self> {
        Some(s.to_owned())
    }
}

macro_rules! wire_via_parse {
    ($($t:ty),*) => {$(
        impl WireValue for $t {
            fn to_wire(&self) -> String {
                self.to_string()
            }
            fn from_wire(s: &str) -> Option<Self> {
                s.parse().ok()
            }
        }
    )*};
}
wire_via_parse!(i32, i64, u32, u64, f64, bool);

/// A JSON value the caller built, sent as its text: an object's keys in the order its
/// `serde_json::Map` keeps them (sorted, or insertion order where the build enables serde_json's
/// `preserve_order` feature; this crate does not turn it on for you).
impl WireValue for serde_json::Value {
    fn to_wire(&self) -> String {
        self.to_string()
    }
    fn from_wire(s: &str) -> Option<Self> {
        serde_json::from_str(s).ok()
    }
}

/// The items of a JSON array of strings and numbers, as text; `None` for anything else.
pub(crate) fn json_items(text: &str) -> Option<Vec<String>> {
    let values: Vec<serde_json::Value> = serde_json::from_str(text).ok()?;
    values
        .into_iter()
        .map(|v| match v {
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect()
}

/// A group of wire parameters under one prefix (`DataDisk.1.Size`): an element of a list.
pub trait WireObject: Sized {
    /// Writes the fields as `prefix.Field`.
    fn write(&self, prefix: &str, out: &mut Writer);
    /// Reads the fields written as `prefix.Field`.
    fn read(params: &Reader<'_>, prefix: &str) -> Result<Self, Violations>;
}

/// A wire name as [`Writer`] takes it: a `&'static str` (what generated code writes for
/// top-level parameters) is kept without a copy; a computed name (`&format!("{prefix}.Size")`)
/// is copied in. (Not implemented for `String` by value, so that `&format!(..)` stays the one
/// spelling and lints do not ask generated code for another.)
pub trait WireName {
    /// The name, owned or static.
    fn into_name(self) -> Cow<'static, str>;
}

impl WireName for &'static str {
    fn into_name(self) -> Cow<'static, str> {
        Cow::Borrowed(self)
    }
}

impl WireName for &String {
    fn into_name(self) -> Cow<'static, str> {
        Cow::Owned(self.clone())
    }
}

/// A name [`Writer`] computed itself, moved in.
struct Computed(String);

impl WireName for Computed {
    fn into_name(self) -> Cow<'static, str> {
        Cow::Owned(self.0)
    }
}

/// Builds a wire map from typed fields.
#[derive(Debug)]
pub struct Writer(Params);

/// Room for this many parameters from the start: most requests have fewer, so the map is
/// allocated once instead of growing from 4 (a larger request grows as usual). The allocation
/// stays under 1 KiB, which the allocator serves from its fast per-thread cache.
const WRITER_CAPACITY: usize = 15;

impl Default for Writer {
    fn default() -> Self {
        Self(Params::with_capacity(WRITER_CAPACITY))
    }
}

impl Writer {
    /// The finished map.
    pub fn finish(mut self) -> Params {
        self.0.settle();
        self.0
    }

    /// Writes a value (marked secret when its type is).
    pub fn put<V: WireValue>(&mut self, name: impl WireName, value: &V) {
        self.put_text::<V>(name, value.to_wire());
    }

    fn put_text<V: WireValue>(&mut self, name: impl WireName, text: String) {
        self.0.push_unordered(name.into_name(), text, V::SECRET);
    }

    /// Writes a value when there is one.
    pub fn put_opt<V: WireValue>(&mut self, name: impl WireName, value: Option<&V>) {
        if let Some(v) = value {
            self.put(name, v);
        }
    }

    /// Writes a boolean in the operation's spelling (`True`/`False` for some parameters).
    pub fn put_bool(&mut self, name: impl WireName, value: Option<bool>, literals: (&str, &str)) {
        if let Some(v) = value {
            let text = if v { literals.0 } else { literals.1 };
            self.0
                .push_unordered(name.into_name(), text.to_owned(), false);
        }
    }

    /// Writes a list as `name.1`, `name.2`, ...
    pub fn put_repeated(&mut self, name: &str, values: &[impl WireValue]) {
        for (i, v) in values.iter().enumerate() {
            self.put(Computed(position_name(name, i + 1)), v);
        }
    }

    /// Writes a list as one comma-joined value; nothing for an empty list.
    pub fn put_joined<V: WireValue>(&mut self, name: impl WireName, values: &[V]) {
        if !values.is_empty() {
            let joined: Vec<String> = values.iter().map(WireValue::to_wire).collect();
            self.put_text::<V>(name, joined.join(","));
        }
    }

    /// Writes a list as one JSON array; text items as JSON strings, numbers as numbers. Nothing
    /// for an empty list.
    pub fn put_json_array<V: WireValue>(
        &mut self,
        name: impl WireName,
        values: &[V],
        numeric: bool,
    ) {
        if values.is_empty() {
            return;
        }
        let items: Vec<serde_json::Value> = values
            .iter()
            .map(|v| {
                let text = v.to_wire();
                match numeric.then(|| serde_json::from_str::<serde_json::Number>(&text)) {
                    Some(Ok(n)) => serde_json::Value::Number(n),
                    _ => serde_json::Value::String(text),
                }
            })
            .collect();
        self.put_text::<V>(name, serde_json::Value::Array(items).to_string());
    }

    /// Writes a list of objects as `name.1.Field`, `name.2.Field`, ...
    pub fn put_objects(&mut self, name: &str, values: &[impl WireObject]) {
        for (i, v) in values.iter().enumerate() {
            v.write(&position_name(name, i + 1), self);
        }
    }
}

/// `name.position`, without the formatting machinery (which costs more than the rest of writing
/// a parameter).
fn position_name(name: &str, position: usize) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = position;
    loop {
        at -= 1;
        // A remainder below 10 fits in a u8.
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let digits = std::str::from_utf8(&digits[at..]).expect("ASCII digits");
    let mut out = String::with_capacity(name.len() + 1 + digits.len() + 8);
    out.push_str(name);
    out.push('.');
    out.push_str(digits);
    out
}

/// Reads typed fields from a wire map that has already been checked.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a>(&'a Params);

fn unreadable(name: &str) -> Violations {
    Violation::new(name, "type", "could not be read", None).into()
}

impl<'a> Reader<'a> {
    /// Reads from `params`.
    pub fn new(params: &'a Params) -> Self {
        Self(params)
    }

    /// The value of `name`; an empty value is no value, as in the checker.
    fn get(&self, name: &str) -> Option<&'a str> {
        self.0.get(name).filter(|v| !v.is_empty())
    }

    /// Reads a value that may be absent.
    pub fn opt<T: WireValue>(&self, name: &str) -> Result<Option<T>, Violations> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => T::from_wire(v).map(Some).ok_or_else(|| unreadable(name)),
        }
    }

    /// Reads a value that must be present.
    pub fn req<T: WireValue>(&self, name: &str) -> Result<T, Violations> {
        self.opt(name)?
            .ok_or_else(|| Violation::new(name, "required", "is required", None).into())
    }

    /// Reads a boolean in the operation's spelling.
    pub fn bool(&self, name: &str, literals: (&str, &str)) -> Result<Option<bool>, Violations> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v == literals.0 => Ok(Some(true)),
            Some(v) if v == literals.1 => Ok(Some(false)),
            Some(_) => Err(unreadable(name)),
        }
    }

    /// The list positions present under `name.` (`DataDisk.3.Size` gives 3), sorted.
    fn positions(&self, name: &str) -> Vec<usize> {
        let prefix = format!("{name}.");
        let mut found: Vec<usize> = self
            .0
            .with_prefix(&prefix)
            .filter_map(|(k, _)| k[prefix.len()..].split('.').next()?.parse().ok())
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Reads a list written as `name.1`, `name.2`, ... in position order.
    pub fn repeated<T: WireValue>(&self, name: &str) -> Result<Vec<T>, Violations> {
        self.positions(name)
            .into_iter()
            .map(|i| self.req(&format!("{name}.{i}")))
            .collect()
    }

    /// Reads a comma-joined list.
    pub fn joined<T: WireValue>(&self, name: &str) -> Result<Vec<T>, Violations> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(v) => v
                .split(',')
                .map(|s| T::from_wire(s).ok_or_else(|| unreadable(name)))
                .collect(),
        }
    }

    /// Reads a list packed as a JSON array.
    pub fn json_array<T: WireValue>(&self, name: &str) -> Result<Vec<T>, Violations> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(v) => json_items(v)
                .ok_or_else(|| unreadable(name))?
                .iter()
                .map(|s| T::from_wire(s).ok_or_else(|| unreadable(name)))
                .collect(),
        }
    }

    /// Reads a list of objects written as `name.1.Field`, ... in position order.
    pub fn objects<T: WireObject>(&self, name: &str) -> Result<Vec<T>, Violations> {
        self.positions(name)
            .into_iter()
            .map(|i| T::read(self, &format!("{name}.{i}")))
            .collect()
    }
}

/// The trait impls every checked newtype shares (`Debug`, parsing, wire form). Parsing goes
/// through `new`, so a value that breaks a rule cannot exist. `secret` newtypes print `***`.
#[doc(hidden)]
#[macro_export]
macro_rules! newtype_impls {
    ($name:ident, secret) => {
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(***)"))
            }
        }
        $crate::newtype_impls!(@common $name, expose_secret, true);
    };
    ($name:ident, public) => {
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(self.as_str(), f)
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
        $crate::newtype_impls!(@common $name, as_str, false);
    };
    (@common $name:ident, $text:ident, $secret:literal) => {
        impl ::std::str::FromStr for $name {
            type Err = $crate::Violations;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::new(s)
            }
        }
        impl ::std::convert::TryFrom<&str> for $name {
            type Error = $crate::Violations;
            fn try_from(s: &str) -> ::std::result::Result<Self, Self::Error> {
                Self::new(s)
            }
        }
        impl ::std::convert::TryFrom<::std::string::String> for $name {
            type Error = $crate::Violations;
            fn try_from(s: ::std::string::String) -> ::std::result::Result<Self, Self::Error> {
                Self::new(s)
            }
        }
        impl $crate::wire::WireValue for $name {
            fn to_wire(&self) -> ::std::string::String {
                self.$text().to_owned()
            }
            fn from_wire(s: &str) -> ::std::option::Option<Self> {
                Self::new(s).ok()
            }
            const SECRET: bool = $secret;
        }
        impl $crate::forms::JsonText for $name {}
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writing_twice_keeps_the_last_value_and_any_secret_mark() {
        struct Secret(String);
        impl WireValue for Secret {
            fn to_wire(&self) -> String {
                self.0.clone()
            }
            fn from_wire(s: &str) -> Option<Self> {
                Some(Self(s.to_owned()))
            }
            const SECRET: bool = true;
        }
        let mut w = Writer::default();
        w.put("B", &"1".to_owned());
        w.put("A", &Secret("s".to_owned()));
        w.put("B", &"2".to_owned());
        w.put("A", &"plain".to_owned());
        w.put("C", &"3".to_owned());
        let params = w.finish();
        let mut expected = Params::new();
        expected.insert("B", "1");
        expected.insert_secret("A", "s");
        expected.insert("B", "2");
        expected.insert("A", "plain");
        expected.insert("C", "3");
        assert_eq!(params, expected);
        assert!(params.is_secret("A") && !params.is_secret("B"));
        assert_eq!(
            params.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            ["A", "B", "C"]
        );
    }

    #[test]
    fn positions_are_numbered_from_one() {
        for (position, expected) in [(1, "Tag.1"), (9, "Tag.9"), (10, "Tag.10"), (123, "Tag.123")] {
            assert_eq!(position_name("Tag", position), expected);
        }
        assert_eq!(
            position_name("Tag", usize::MAX),
            format!("Tag.{}", usize::MAX)
        );
        let mut w = Writer::default();
        w.put_repeated("Id", &["a".to_owned(), "b".to_owned()]);
        let params = w.finish();
        assert_eq!(params.get("Id.1"), Some("a"));
        assert_eq!(params.get("Id.2"), Some("b"));
    }

    #[test]
    fn json_arrays_round_trip() {
        let mut w = Writer::default();
        w.put_json_array("Ids", &["i-1".to_owned(), "i \"2\"".to_owned()], false);
        w.put_json_array("Ports", &[80_i64, 443], true);
        w.put_json_array("Empty", &Vec::<String>::new(), false);
        let params = w.finish();
        assert_eq!(params.get("Ids"), Some(r#"["i-1","i \"2\""]"#));
        assert_eq!(params.get("Ports"), Some("[80,443]"));
        assert!(!params.contains("Empty"));
        let r = Reader::new(&params);
        assert_eq!(r.json_array::<String>("Ids").unwrap(), ["i-1", "i \"2\""]);
        assert_eq!(r.json_array::<i64>("Ports").unwrap(), [80, 443]);
    }
}
