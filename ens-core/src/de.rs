//! Lenient deserializers for the ways ENS spells its responses.
//!
//! The same field comes back as `0` through the SDKs and as `"0"` over plain HTTP, lists come
//! wrapped in an object (`{"InstanceId": [...]}`), and absent lists come back as `null`.

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, IntoDeserializer, MapAccess, SeqAccess};
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

// Each shape is read by a visitor that takes whichever form arrives, in one pass over the bytes:
// no buffering of the value to try one form after another (what `#[serde(untagged)]` does, at the
// cost of a copy of the value and an error built for every form that does not match).

/// A visitor's answer to `null`: the shape's empty value (`Some(..)` is read as what it holds).
macro_rules! null_is {
    ($empty:expr) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($empty)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($empty)
        }

        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }
    };
}

/// An optional number given as a JSON number or as a numeric string (empty string: absent).
pub fn number<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + FromStr,
{
    struct Number<T>(PhantomData<T>);

    impl<'de, T: DeserializeOwned + FromStr> de::Visitor<'de> for Number<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number, a numeric string or null")
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            T::deserialize(v.into_deserializer()).map(Some)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            T::deserialize(v.into_deserializer()).map(Some)
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            T::deserialize(v.into_deserializer()).map(Some)
        }

        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            if s.is_empty() {
                return Ok(None);
            }
            s.parse()
                .map(Some)
                .map_err(|_| E::custom(format!("expected a number, got {s:?}")))
        }

        null_is!(None);
    }

    d.deserialize_any(Number(PhantomData))
}

/// An optional boolean given as `true` or as `"true"`/`"True"` (and the false ones).
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct Boolean;

    impl<'de> de::Visitor<'de> for Boolean {
        type Value = Option<bool>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean, \"true\", \"false\" or null")
        }

        fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
            Ok(Some(b))
        }

        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            match s {
                "true" | "True" => Ok(Some(true)),
                "false" | "False" => Ok(Some(false)),
                "" => Ok(None),
                _ => Err(E::custom(format!("expected a boolean, got {s:?}"))),
            }
        }

        null_is!(None);
    }

    d.deserialize_any(Boolean)
}

/// A value read from its text (an enum that keeps values it does not know).
pub fn from_text<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = std::convert::Infallible>,
{
    let text = String::deserialize(d)?;
    Ok(match text.parse() {
        Ok(value) => value,
        Err(never) => match never {},
    })
}

/// A list, given plain, wrapped in a one-key object (`{"InstanceId": [...]}`), or `null`.
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    struct List<T>(PhantomData<T>);

    impl<'de, T: DeserializeOwned> de::Visitor<'de> for List<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list, a list wrapped in an object with one key, or null")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(items)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let Some(de::IgnoredAny) = map.next_key()? else {
                return Ok(Vec::new());
            };
            let items: Option<Vec<T>> = map.next_value()?;
            if map.next_key::<de::IgnoredAny>()?.is_some() {
                return Err(de::Error::custom(
                    "expected a list wrapped in an object with one key",
                ));
            }
            Ok(items.unwrap_or_default())
        }

        null_is!(Vec::new());
    }

    d.deserialize_any(List(PhantomData))
}

/// A map (string keys), or `null` (empty).
pub fn map<'de, D, T>(d: D) -> Result<std::collections::BTreeMap<String, T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(
        Option::<std::collections::BTreeMap<String, Option<T>>>::deserialize(d)?
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, v)| Some((k, v?)))
            .collect(),
    )
}

/// A list of lists; the outer list and each inner one given plain, wrapped in a one-key object,
/// or `null`.
pub fn list_of_lists<'de, D, T>(d: D) -> Result<Vec<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    #[derive(Deserialize)]
    #[serde(bound = "T: DeserializeOwned")]
    struct Inner<T>(#[serde(deserialize_with = "list")] Vec<T>);
    let outer: Vec<Inner<T>> = list(d)?;
    Ok(outer.into_iter().map(|i| i.0).collect())
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize, Debug)]
    struct Probe {
        #[serde(default, deserialize_with = "super::number")]
        code: Option<i64>,
        #[serde(default, deserialize_with = "super::boolean")]
        flag: Option<bool>,
        #[serde(default, deserialize_with = "super::list")]
        ids: Vec<String>,
        #[serde(default, deserialize_with = "super::map")]
        labels: std::collections::BTreeMap<String, i64>,
        #[serde(default, deserialize_with = "super::list_of_lists")]
        grid: Vec<Vec<String>>,
    }

    fn probe(json: &str) -> Result<Probe, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn numbers_as_numbers_or_text() {
        assert_eq!(probe(r#"{"code":0}"#).unwrap().code, Some(0));
        assert_eq!(probe(r#"{"code":"17"}"#).unwrap().code, Some(17));
        assert_eq!(probe(r#"{"code":null}"#).unwrap().code, None);
        assert_eq!(probe(r#"{}"#).unwrap().code, None);
        assert!(probe(r#"{"code":"zero"}"#).is_err());
    }

    #[test]
    fn booleans_as_bools_or_text() {
        assert_eq!(probe(r#"{"flag":"True"}"#).unwrap().flag, Some(true));
        assert_eq!(probe(r#"{"flag":false}"#).unwrap().flag, Some(false));
        assert!(probe(r#"{"flag":"yes"}"#).is_err());
    }

    #[test]
    fn lists_plain_wrapped_or_null() {
        assert_eq!(
            probe(r#"{"ids":{"InstanceId":["a","b"]}}"#).unwrap().ids,
            ["a", "b"]
        );
        assert_eq!(probe(r#"{"ids":["a"]}"#).unwrap().ids, ["a"]);
        assert!(probe(r#"{"ids":null}"#).unwrap().ids.is_empty());
        assert!(
            probe(r#"{"ids":{"InstanceId":null}}"#)
                .unwrap()
                .ids
                .is_empty()
        );
        assert!(probe(r#"{"ids":{}}"#).unwrap().ids.is_empty());
    }

    #[test]
    fn mismatched_shapes_are_errors_that_say_what_was_expected() {
        let two_keys = probe(r#"{"ids":{"A":["a"],"B":["b"]}}"#).unwrap_err();
        assert!(two_keys.to_string().contains("one key"), "{two_keys}");
        let fraction = probe(r#"{"code":1.5}"#).unwrap_err();
        assert!(fraction.to_string().contains("1.5"), "{fraction}");
        let object = probe(r#"{"flag":{}}"#).unwrap_err();
        assert!(object.to_string().contains("a boolean"), "{object}");
        assert_eq!(probe(r#"{"code":-3,"flag":null}"#).unwrap().code, Some(-3));
        assert!(probe(r#"{"code":""}"#).unwrap().code.is_none());
    }

    #[test]
    fn maps_and_lists_of_lists() {
        let p =
            probe(r#"{"labels":{"a":1,"b":null},"grid":{"Row":[["x"],{"Cell":["y","z"]},null]}}"#)
                .unwrap();
        assert_eq!(
            p.labels.into_iter().collect::<Vec<_>>(),
            [("a".to_owned(), 1)]
        );
        assert_eq!(
            p.grid,
            [vec!["x".to_owned()], vec!["y".into(), "z".into()], vec![]]
        );
        let empty = probe(r#"{"labels":null,"grid":null}"#).unwrap();
        assert!(empty.labels.is_empty() && empty.grid.is_empty());
    }
}
