//! Our reviewed English texts (`specs/ens/metadata/translations/`), where the sources have none or
//! where an official text needs fixing, and the clean-up applied to every official text.
//!
//! `summaries.json`: `{"<Operation>": {"summary": "...", "replaces": "...", "why": "..."}}`.
//! `parameters.json`: `{"<Operation>": {"<Param>[.<Field>]": {"description": "...", "replaces": "...", "why": "..."}}}`.
//! `descriptions.json`: `{"<Operation>": {"zh": "<original>", "description": ["...", ...]}}`: the
//! English operation description, translated from the 2024 api-docs' zh-CN one, which `zh` quotes.
//!
//! An entry without `replaces` is used only while no source has a text; an entry with `replaces`
//! only while the official text is still exactly that. Either way a newer source takes over by
//! itself, and [`Texts::problems`] lists the entry as stale so that a human removes or redoes it.

use super::facts::Fact;
use super::sources::{Source, read_json};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

pub const DIR: &str = "translations";

/// One reviewed text.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub text: String,
    /// The official text this one replaces; `None` for a text written where no source has one.
    pub replaces: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Texts {
    pub summaries: BTreeMap<String, Entry>,
    /// By operation, then by parameter path (`Param`, `Param.Field`).
    pub parameters: BTreeMap<String, BTreeMap<String, Entry>>,
    /// Operation descriptions: the zh-CN original and its translation, one paragraph an entry.
    pub descriptions: BTreeMap<String, (String, Vec<String>)>,
}

impl Texts {
    pub fn load(dir: &Path) -> Result<Texts, String> {
        let mut texts = Texts::default();
        let summaries = read_json(&dir.join("summaries.json"))?;
        for (op, e) in summaries.as_object().into_iter().flatten() {
            if op.starts_with('$') {
                continue;
            }
            texts.summaries.insert(op.clone(), entry(e, "summary", op)?);
        }
        let parameters = read_json(&dir.join("parameters.json"))?;
        for (op, params) in parameters.as_object().into_iter().flatten() {
            if op.starts_with('$') {
                continue;
            }
            let map = texts.parameters.entry(op.clone()).or_default();
            for (param, e) in params.as_object().into_iter().flatten() {
                map.insert(
                    param.clone(),
                    entry(e, "description", &format!("{op}.{param}"))?,
                );
            }
        }
        let descriptions = read_json(&dir.join("descriptions.json"))?;
        for (op, e) in descriptions.as_object().into_iter().flatten() {
            if op.starts_with('$') {
                continue;
            }
            let zh = e["zh"]
                .as_str()
                .ok_or_else(|| format!("{DIR}/descriptions.json: `{op}` has no `zh`"))?;
            let en: Vec<String> = e["description"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p.as_str().map(str::to_owned))
                .collect();
            if en.is_empty() {
                return Err(format!(
                    "{DIR}/descriptions.json: `{op}` has no `description`"
                ));
            }
            texts.descriptions.insert(op.clone(), (zh.to_owned(), en));
        }
        Ok(texts)
    }

    /// The English operation description translated from `zh` (the 2024 api-docs' text), if the
    /// translation is of exactly that text.
    pub fn description(&self, op: &str, zh: Option<&str>) -> Option<Fact<Vec<String>>> {
        let (original, en) = self.descriptions.get(op)?;
        (Some(original.as_str()) == zh).then(|| Fact::new(en.clone(), Source::Texts))
    }

    /// The English summary: ours where it applies, else the official one.
    pub fn summary(&self, op: &str, official: Option<Fact<String>>) -> Option<Fact<String>> {
        choose(self.summaries.get(op), official)
    }

    /// A parameter's English text: ours where it applies, else the official one.
    pub fn parameter(
        &self,
        op: &str,
        path: &str,
        official: Option<Fact<String>>,
    ) -> Option<Fact<String>> {
        choose(self.parameters.get(op).and_then(|m| m.get(path)), official)
    }

    /// Entries that no longer apply: the official text they replace changed, a source now has a
    /// text where we wrote one, or the operation or parameter is gone. `official` gives the
    /// current official text of a summary (`(op, None)`), a parameter (`(op, Some(path))`) or the
    /// zh-CN operation description (`(op, Some("$description"))`), and `None` when the operation or
    /// parameter does not exist.
    pub fn problems(
        &self,
        official: impl Fn(&str, Option<&str>) -> Option<Option<String>>,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |what: String, e: &Entry, current: Option<Option<String>>| {
            match current {
            None => out.push(format!("{what}: no such operation or parameter")),
            Some(Some(text)) if e.replaces.is_none() => out.push(format!(
                "{what}: a source now has a text ({text:?}); the written one is no longer used"
            )),
            Some(text) if e.replaces.is_some() && text != e.replaces => out.push(format!(
                "{what}: the official text changed (now {text:?}); the replacement is no longer used"
            )),
            _ => {}
        }
        };
        for (op, e) in &self.summaries {
            check(format!("summary of {op}"), e, official(op, None));
        }
        for (op, params) in &self.parameters {
            for (path, e) in params {
                check(format!("{op}.{path}"), e, official(op, Some(path)));
            }
        }
        for (op, (zh, _)) in &self.descriptions {
            match official(op, Some("$description")) {
                None => out.push(format!("description of {op}: no such operation")),
                Some(now) if now.as_deref() != Some(zh.as_str()) => out.push(format!(
                    "description of {op}: the zh-CN original changed (now {now:?}); translate it again"
                )),
                _ => {}
            }
        }
        out
    }
}

fn entry(e: &Value, key: &str, at: &str) -> Result<Entry, String> {
    let text = e[key]
        .as_str()
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| format!("{DIR}: `{at}` has no `{key}`"))?;
    Ok(Entry {
        text: text.to_owned(),
        replaces: e["replaces"].as_str().map(str::to_owned),
    })
}

fn choose(ours: Option<&Entry>, official: Option<Fact<String>>) -> Option<Fact<String>> {
    match (ours, official) {
        (Some(e), None) if e.replaces.is_none() => Some(Fact::new(e.text.clone(), Source::Texts)),
        (Some(e), Some(o)) if e.replaces.as_deref() == Some(o.value.as_str()) => {
            Some(Fact::new(e.text.clone(), Source::Texts))
        }
        (_, official) => official,
    }
}

/// Cleans an official English text: the SDK's comments double the backslash of Markdown escapes
/// (`http\\://`, `O\\\&M`), so a run of backslashes before ASCII punctuation becomes one; outer
/// whitespace goes.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let mut run = 1;
            while chars.peek() == Some(&'\\') {
                chars.next();
                run += 1;
            }
            match chars.peek() {
                Some(n) if n.is_ascii_punctuation() => out.push('\\'),
                _ => out.extend(std::iter::repeat_n('\\', run)),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubled_markdown_escapes_become_one() {
        assert_eq!(
            normalize("cannot start with http\\\\:// or O\\\\\\&M. "),
            "cannot start with http\\:// or O\\&M."
        );
        assert_eq!(normalize("C:\\\\dir"), "C:\\\\dir");
    }

    #[test]
    fn stale_entries_are_reported() {
        let mut texts = Texts::default();
        let entry = |text: &str, replaces: Option<&str>| Entry {
            text: text.into(),
            replaces: replaces.map(str::to_owned),
        };
        texts.summaries.insert("A".into(), entry("Ours.", None));
        texts
            .summaries
            .insert("B".into(), entry("Fixed.", Some("Broken.")));
        texts.summaries.insert("Gone".into(), entry("Ours.", None));
        texts
            .descriptions
            .insert("A".into(), ("旧".into(), vec!["Old.".into()]));
        let problems = texts.problems(|op, path| match (op, path) {
            ("A", None) => Some(Some("Theirs.".into())),
            ("B", None) => Some(Some("Changed.".into())),
            ("A", Some("$description")) => Some(Some("新".into())),
            _ => None,
        });
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].contains("a source now has a text"));
        assert!(problems[1].contains("the official text changed"));
        assert!(problems[2].contains("no such operation"));
        assert!(problems[3].contains("translate it again"));
        assert_eq!(
            texts.description("A", Some("旧")).map(|d| d.value),
            Some(vec!["Old.".to_owned()])
        );
        assert_eq!(texts.description("A", Some("新")), None);
    }

    #[test]
    fn an_entry_applies_only_while_its_condition_holds() {
        let written = Entry {
            text: "Ours.".into(),
            replaces: None,
        };
        let fix = Entry {
            text: "Fixed.".into(),
            replaces: Some("Broken.".into()),
        };
        let official = |t: &str| Some(Fact::new(t.to_owned(), Source::Sdk));
        assert_eq!(
            choose(Some(&written), None).map(|f| f.from),
            Some(Source::Texts)
        );
        assert_eq!(
            choose(Some(&written), official("Theirs.")).map(|f| f.value),
            Some("Theirs.".to_owned())
        );
        assert_eq!(
            choose(Some(&fix), official("Broken.")).map(|f| f.value),
            Some("Fixed.".to_owned())
        );
        assert_eq!(
            choose(Some(&fix), official("Changed.")).map(|f| f.value),
            Some("Changed.".to_owned())
        );
        assert_eq!(choose(Some(&fix), None), None);
    }
}
