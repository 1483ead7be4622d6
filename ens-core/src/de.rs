//! Lenient deserializers for the ways ENS spells its responses.
//!
//! The same field comes back as `0` through the SDKs and as `"0"` over plain HTTP, lists come
//! wrapped in an object (`{"InstanceId": [...]}`), and absent lists come back as `null`.

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer};
use std::str::FromStr;

#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrText<T> {
    Num(T),
    Text(String),
}

/// An optional number given as a JSON number or as a numeric string (empty string: absent).
pub fn number<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + FromStr,
{
    match Option::<NumOrText<T>>::deserialize(d)? {
        None => Ok(None),
        Some(NumOrText::Num(n)) => Ok(Some(n)),
        Some(NumOrText::Text(s)) if s.is_empty() => Ok(None),
        Some(NumOrText::Text(s)) => s
            .parse()
            .map(Some)
            .map_err(|_| de::Error::custom(format!("expected a number, got {s:?}"))),
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum BoolOrText {
    Bool(bool),
    Text(String),
}

/// An optional boolean given as `true` or as `"true"`/`"True"` (and the false ones).
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match Option::<BoolOrText>::deserialize(d)? {
        None => Ok(None),
        Some(BoolOrText::Bool(b)) => Ok(Some(b)),
        Some(BoolOrText::Text(s)) => match s.as_str() {
            "true" | "True" => Ok(Some(true)),
            "false" | "False" => Ok(Some(false)),
            "" => Ok(None),
            _ => Err(de::Error::custom(format!("expected a boolean, got {s:?}"))),
        },
    }
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

#[derive(Deserialize)]
#[serde(untagged)]
enum ListShape<T> {
    Plain(Vec<T>),
    Wrapped(std::collections::BTreeMap<String, Option<Vec<T>>>),
}

/// A list, given plain, wrapped in a one-key object (`{"InstanceId": [...]}`), or `null`.
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    match Option::<ListShape<T>>::deserialize(d)? {
        None => Ok(Vec::new()),
        Some(ListShape::Plain(v)) => Ok(v),
        Some(ListShape::Wrapped(map)) => {
            let mut values = map.into_values();
            match (values.next(), values.next()) {
                (None, _) => Ok(Vec::new()),
                (Some(v), None) => Ok(v.unwrap_or_default()),
                _ => Err(de::Error::custom(
                    "expected a list wrapped in an object with one key",
                )),
            }
        }
    }
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
