//! The wire forms beyond one value per parameter (those are in [`crate::wire`]): parameters that
//! hold JSON (an object, a list of objects, a map, a list sent as `[]` when empty), lists joined
//! with another separator (`;`), flat objects (`SystemDisk.Size`) and flat maps (`Name.key`).
//!
//! JSON values are typed through [`JsonValue`]; a generated request object implements it with
//! [`json_object_impls!`](crate::json_object_impls), naming each field's JSON key once.

use crate::wire::{Reader, WireObject, WireValue, Writer};
use crate::{Params, Violation, Violations};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A value that has a JSON form: what goes inside a parameter holding JSON.
///
/// The form is written as text, not built as a `serde_json::Value`: an object's members then keep
/// the order their type declares (the API reference's and the official SDKs' order) whatever
/// features serde_json is built with. Keeping order through `serde_json::Map` would need its
/// `preserve_order` feature, which Cargo would turn on in every serde_json of a user's build.
pub trait JsonValue: Sized {
    /// Appends the JSON form to `out`.
    fn write_json(&self, out: &mut String);
    /// Reads the JSON form (numbers and booleans also from their text); `None` when it is not
    /// one.
    fn from_json(value: &Value) -> Option<Self>;
    /// Whether the JSON form holds a secret (a password inside an object): the parameter is then
    /// written to [`Params`] marked secret.
    const SECRET: bool = false;
}

/// Appends `text` as a JSON string.
fn write_json_string(out: &mut String, text: &str) {
    // Serializing a `str` cannot fail.
    if let Ok(quoted) = serde_json::to_string(text) {
        out.push_str(&quoted);
    }
}

/// Marks a type whose JSON form is its wire text (a JSON string): generated enums and checked
/// strings.
pub trait JsonText: WireValue {}

impl<T: JsonText> JsonValue for T {
    fn write_json(&self, out: &mut String) {
        write_json_string(out, &self.to_wire());
    }
    fn from_json(value: &Value) -> Option<Self> {
        T::from_wire(value.as_str()?)
    }
    const SECRET: bool = <T as WireValue>::SECRET;
}

impl JsonValue for String {
    fn write_json(&self, out: &mut String) {
        write_json_string(out, self);
    }
    fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

impl JsonValue for i64 {
    fn write_json(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
    fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }
}

impl JsonValue for f64 {
    fn write_json(&self, out: &mut String) {
        // serde_json's own number form; `null` for what JSON cannot hold (NaN, infinities).
        out.push_str(&Value::from(*self).to_string());
    }
    fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }
}

impl JsonValue for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
    fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }
}

/// A JSON value the caller built: written in the order its `serde_json::Map` keeps.
impl JsonValue for Value {
    fn write_json(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
    fn from_json(value: &Value) -> Option<Self> {
        Some(value.clone())
    }
}

/// Appends `items` as a JSON array.
fn write_json_array<T: JsonValue>(items: &[T], out: &mut String) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        item.write_json(out);
    }
    out.push(']');
}

impl<T: JsonValue> JsonValue for Vec<T> {
    fn write_json(&self, out: &mut String) {
        write_json_array(self, out);
    }
    fn from_json(value: &Value) -> Option<Self> {
        value.as_array()?.iter().map(T::from_json).collect()
    }
    const SECRET: bool = T::SECRET;
}

impl<T: JsonValue> JsonValue for BTreeMap<String, T> {
    fn write_json(&self, out: &mut String) {
        let mut object = JsonObjectWriter::begin(out);
        for (key, value) in self {
            value.write_json(object.member(key));
        }
        object.end();
    }
    fn from_json(value: &Value) -> Option<Self> {
        value
            .as_object()?
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| Some((k.clone(), T::from_json(v)?)))
            .collect()
    }
    const SECRET: bool = T::SECRET;
}

/// Writes a JSON object's members in the order they are given.
#[doc(hidden)]
#[derive(Debug)]
pub struct JsonObjectWriter<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> JsonObjectWriter<'a> {
    /// Opens an object in `out`.
    pub fn begin(out: &'a mut String) -> Self {
        out.push('{');
        Self { out, empty: true }
    }

    /// Starts the member `key`; its value is written to the buffer returned.
    pub fn member(&mut self, key: &str) -> &mut String {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        write_json_string(self.out, key);
        self.out.push(':');
        self.out
    }

    /// Closes the object.
    pub fn end(self) {
        self.out.push('}');
    }
}

/// A field of a request object inside JSON: `Option<T>`, `Vec<T>` or a map. Left out when absent
/// or empty, as a parameter is.
pub trait JsonMember: Sized {
    /// Writes the field under `key` unless it is absent.
    fn put(&self, key: &str, object: &mut JsonObjectWriter<'_>);
    /// Reads the field under `key` (absent or `null`: `None`, empty); `None` when it does not
    /// read.
    fn take(object: &Map<String, Value>, key: &str) -> Option<Self>;
}

impl<T: JsonValue> JsonMember for Option<T> {
    fn put(&self, key: &str, object: &mut JsonObjectWriter<'_>) {
        if let Some(v) = self {
            v.write_json(object.member(key));
        }
    }
    fn take(object: &Map<String, Value>, key: &str) -> Option<Self> {
        match object.get(key) {
            None | Some(Value::Null) => Some(None),
            Some(v) => T::from_json(v).map(Some),
        }
    }
}

impl<T: JsonValue> JsonMember for Vec<T> {
    fn put(&self, key: &str, object: &mut JsonObjectWriter<'_>) {
        if !self.is_empty() {
            self.write_json(object.member(key));
        }
    }
    fn take(object: &Map<String, Value>, key: &str) -> Option<Self> {
        match object.get(key) {
            None | Some(Value::Null) => Some(Vec::new()),
            Some(v) => Self::from_json(v),
        }
    }
}

impl<T: JsonValue> JsonMember for BTreeMap<String, T> {
    fn put(&self, key: &str, object: &mut JsonObjectWriter<'_>) {
        if !self.is_empty() {
            self.write_json(object.member(key));
        }
    }
    fn take(object: &Map<String, Value>, key: &str) -> Option<Self> {
        match object.get(key) {
            None | Some(Value::Null) => Some(BTreeMap::new()),
            Some(v) => Self::from_json(v),
        }
    }
}

/// Text as a wire value: JSON text or joined items; `SECRET` when it holds a secret.
struct Text<const SECRET: bool>(String);

impl<const S: bool> WireValue for Text<S> {
    fn to_wire(&self) -> String {
        self.0.clone()
    }
    fn from_wire(s: &str) -> Option<Self> {
        Some(Self(s.to_owned()))
    }
    const SECRET: bool = S;
}

/// JSON text of `T`, marked secret when `T` holds one.
fn put_json_text<T: JsonValue>(w: &mut Writer, name: &str, json: String) {
    if T::SECRET {
        w.put(&owned(name), &Text::<true>(json));
    } else {
        w.put(&owned(name), &Text::<false>(json));
    }
}

fn unreadable(name: &str) -> Violations {
    Violation::new(name, "type", "could not be read", None).into()
}

/// A name as `Writer::put` takes it in every version (a borrowed `&str`, or a `WireName`, which
/// `&String` is).
fn owned(name: &str) -> String {
    name.to_owned()
}

impl Writer {
    /// Writes a value as JSON text when there is one (`Some(vec![])` is sent as `[]`).
    pub fn put_json<T: JsonValue>(&mut self, name: &str, value: Option<&T>) {
        if let Some(v) = value {
            let mut text = String::new();
            v.write_json(&mut text);
            put_json_text::<T>(self, name, text);
        }
    }

    /// Writes a list as one JSON array; nothing for an empty list.
    pub fn put_json_list<T: JsonValue>(&mut self, name: &str, values: &[T]) {
        if !values.is_empty() {
            let mut text = String::new();
            write_json_array(values, &mut text);
            put_json_text::<T>(self, name, text);
        }
    }

    /// Writes a list as one value, items joined with `separator`; nothing for an empty list.
    pub fn put_joined_with<V: WireValue>(&mut self, name: &str, values: &[V], separator: &str) {
        if !values.is_empty() {
            let joined: Vec<String> = values.iter().map(WireValue::to_wire).collect();
            if V::SECRET {
                self.put(&owned(name), &Text::<true>(joined.join(separator)));
            } else {
                self.put(&owned(name), &Text::<false>(joined.join(separator)));
            }
        }
    }

    /// Writes an object flat, as `name.Field`, when there is one.
    pub fn put_flat<T: WireObject>(&mut self, name: &str, value: Option<&T>) {
        if let Some(v) = value {
            v.write(name, self);
        }
    }

    /// Writes a map flat, one parameter per entry: `name.key`.
    pub fn put_flat_map<V: WireValue>(&mut self, name: &str, values: &BTreeMap<String, V>) {
        for (key, value) in values {
            self.put(&format!("{name}.{key}"), value);
        }
    }
}

impl Reader<'_> {
    /// Reads a parameter holding JSON.
    pub fn json<T: JsonValue>(&self, name: &str) -> Result<Option<T>, Violations> {
        match self.opt::<String>(name)? {
            None => Ok(None),
            Some(text) => serde_json::from_str(&text)
                .ok()
                .and_then(|v| T::from_json(&v))
                .map(Some)
                .ok_or_else(|| unreadable(name)),
        }
    }

    /// Reads a list sent as one JSON array (left out: empty).
    pub fn json_list<T: JsonValue>(&self, name: &str) -> Result<Vec<T>, Violations> {
        Ok(self.json::<Vec<T>>(name)?.unwrap_or_default())
    }

    /// Reads a list joined with `separator`.
    pub fn joined_with<T: WireValue>(
        &self,
        name: &str,
        separator: &str,
    ) -> Result<Vec<T>, Violations> {
        match self.opt::<String>(name)? {
            None => Ok(Vec::new()),
            Some(v) => v
                .split(separator)
                .map(|s| T::from_wire(s).ok_or_else(|| unreadable(name)))
                .collect(),
        }
    }

    /// Reads an object sent flat (`name.Field`); `None` when none of its fields is given.
    pub fn flat<T: WireObject + Default + PartialEq>(
        &self,
        name: &str,
    ) -> Result<Option<T>, Violations> {
        let value = T::read(self, name)?;
        Ok((value != T::default()).then_some(value))
    }

    /// Reads a map sent flat (`name.key`).
    pub fn flat_map<V: WireValue>(
        &self,
        params: &Params,
        name: &str,
    ) -> Result<BTreeMap<String, V>, Violations> {
        let prefix = format!("{name}.");
        params
            .with_prefix(&prefix)
            .filter(|(k, v)| k.len() > prefix.len() && !v.is_empty())
            .map(|(k, v)| {
                let value = V::from_wire(v).ok_or_else(|| unreadable(k))?;
                Ok((k[prefix.len()..].to_owned(), value))
            })
            .collect()
    }
}

/// `JsonValue` for a generated request object: `Name { field: "JsonKey", ... }`, or
/// `Name secret { ... }` when a field holds a secret. Every field is an `Option`, a `Vec` or a map
/// of [`JsonValue`]s.
#[doc(hidden)]
#[macro_export]
macro_rules! json_object_impls {
    ($name:ident secret { $($body:tt)* }) => {
        $crate::json_object_impls!(@impl $name, true, { $($body)* });
    };
    ($name:ident { $($body:tt)* }) => {
        $crate::json_object_impls!(@impl $name, false, { $($body)* });
    };
    (@impl $name:ident, $secret:literal, { $($field:ident: $key:literal),* $(,)? }) => {
        impl $crate::forms::JsonValue for $name {
            const SECRET: bool = $secret;
            fn write_json(&self, out: &mut ::std::string::String) {
                #[allow(unused_mut)]
                let mut object = $crate::forms::JsonObjectWriter::begin(out);
                $($crate::forms::JsonMember::put(&self.$field, $key, &mut object);)*
                object.end();
            }
            fn from_json(value: &$crate::serde_json::Value) -> ::std::option::Option<Self> {
                #[allow(unused_variables)]
                let object = value.as_object()?;
                ::std::option::Option::Some(Self {
                    $($field: $crate::forms::JsonMember::take(object, $key)?,)*
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Default)]
    struct Disk {
        size: Option<i64>,
        category: Option<String>,
        labels: Vec<String>,
        extra: BTreeMap<String, Value>,
        inner: Option<Inner>,
    }
    crate::json_object_impls!(Disk {
        size: "Size",
        category: "Category",
        labels: "Labels",
        extra: "Extra",
        inner: "Inner"
    });

    #[derive(Debug, Clone, PartialEq, Default)]
    struct Inner {
        on: Option<bool>,
    }
    crate::json_object_impls!(Inner { on: "On" });

    #[test]
    fn objects_lists_and_maps_round_trip_through_json_text() {
        let disk = Disk {
            size: Some(40),
            category: Some("cloud_ssd".into()),
            labels: vec!["a".into()],
            extra: [("k".to_owned(), Value::from(1))].into(),
            inner: Some(Inner { on: Some(true) }),
        };
        let mut w = Writer::default();
        w.put_json("SystemDisk", Some(&disk));
        w.put_json_list("DataDisk", &[disk.clone(), Disk::default()]);
        w.put_json_list::<Disk>("None", &[]);
        w.put_json("Ids", Some(&Vec::<String>::new()));
        w.put_joined_with("Semi", &["i-1".to_owned(), "i-2".to_owned()], ";");
        let mut labels = BTreeMap::new();
        labels.insert("env".to_owned(), "prod".to_owned());
        w.put_flat_map("Label", &labels);
        let params = w.finish();
        assert_eq!(
            params.get("SystemDisk"),
            Some(
                r#"{"Size":40,"Category":"cloud_ssd","Labels":["a"],"Extra":{"k":1},"Inner":{"On":true}}"#
            )
        );
        assert_eq!(
            params.get("DataDisk").map(|s| s.ends_with(",{}]")),
            Some(true)
        );
        assert!(!params.contains("None"));
        assert_eq!(params.get("Ids"), Some("[]"), "an empty list given is `[]`");
        assert_eq!(params.get("Semi"), Some("i-1;i-2"));
        assert_eq!(params.get("Label.env"), Some("prod"));
        let r = Reader::new(&params);
        assert_eq!(r.json::<Disk>("SystemDisk").unwrap(), Some(disk.clone()));
        assert_eq!(r.json_list::<Disk>("DataDisk").unwrap()[1], Disk::default());
        assert_eq!(r.json::<Vec<String>>("Ids").unwrap(), Some(Vec::new()));
        assert_eq!(r.json::<Vec<String>>("Missing").unwrap(), None);
        assert_eq!(
            r.joined_with::<String>("Semi", ";").unwrap(),
            ["i-1", "i-2"]
        );
        assert_eq!(r.flat_map::<String>(&params, "Label").unwrap(), labels);
        // Numbers given as text read too; a wrong shape does not.
        let text: Params = [("D".to_owned(), r#"{"Size":"40"}"#.to_owned())]
            .into_iter()
            .collect();
        assert_eq!(
            Reader::new(&text)
                .json::<Disk>("D")
                .unwrap()
                .and_then(|d| d.size),
            Some(40)
        );
        let wrong: Params = [("D".to_owned(), r#"{"Size":[1]}"#.to_owned())]
            .into_iter()
            .collect();
        assert!(Reader::new(&wrong).json::<Disk>("D").is_err());
    }
}
