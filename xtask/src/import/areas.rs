//! The API area of each operation (`specs/ens/metadata/areas.json`): the 2024 api-docs directory it
//! is filed under, mapped to an area, or the file's own entry for operations no directory covers
//! (and for the api-docs' catch-all directory "其他", Other). Areas become cargo features.

use super::facts::Fact;
use super::sources::{Source, read_json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub const FILE: &str = "areas.json";

/// One area.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// Feature-style name: `instance`, `load-balancer`.
    pub name: String,
    /// What it covers, one line.
    pub title: String,
    /// api-docs directory titles filed under it.
    pub directories: Vec<String>,
    /// Whether the cargo feature is on by default.
    pub default: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Areas {
    pub areas: Vec<Area>,
    /// Operation -> area, from the directories.
    by_directory: BTreeMap<String, String>,
    /// Operation -> area, listed in the file.
    listed: BTreeMap<String, String>,
}

impl Areas {
    /// Reads the file and files the operations of `directories` (title, operations).
    pub fn load(path: &Path, directories: &[(String, Vec<String>)]) -> Result<Areas, String> {
        let file = read_json(path)?;
        let mut out = Areas::default();
        for a in file["areas"].as_array().into_iter().flatten() {
            let name = a["area"]
                .as_str()
                .ok_or_else(|| format!("{}: an area without `area`", path.display()))?;
            out.areas.push(Area {
                name: name.to_owned(),
                title: a["title"].as_str().unwrap_or_default().to_owned(),
                directories: a["directories"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|d| d.as_str().map(str::to_owned))
                    .collect(),
                default: a["default"] == true,
            });
        }
        for (title, ops) in directories {
            if let Some(area) = out.areas.iter().find(|a| a.directories.contains(title)) {
                for op in ops {
                    out.by_directory.insert(op.clone(), area.name.clone());
                }
            }
        }
        for (op, area) in file["operations"].as_object().into_iter().flatten() {
            let area = area
                .as_str()
                .ok_or_else(|| format!("{}: operations.{op} is not a string", path.display()))?;
            out.listed.insert(op.clone(), area.to_owned());
        }
        Ok(out)
    }

    /// `service.json`'s `areas`: each area's feature name, what it covers, whether it is on by
    /// default.
    pub fn service_areas(&self) -> serde_json::Value {
        let areas: Vec<serde_json::Value> = self
            .areas
            .iter()
            .map(|a| {
                let mut v = serde_json::json!({"name": a.name, "description": a.title});
                if a.default {
                    v["default"] = true.into();
                }
                v
            })
            .collect();
        serde_json::Value::Array(areas)
    }

    /// The area of `op`: listed in the file, else by its api-docs directory.
    pub fn area_of(&self, op: &str) -> Option<Fact<String>> {
        self.listed
            .get(op)
            .map(|a| Fact::new(a.clone(), Source::Areas))
            .or_else(|| {
                self.by_directory
                    .get(op)
                    .map(|a| Fact::new(a.clone(), Source::ApiDocs2024))
            })
    }

    /// What is wrong with the mapping for these operations: an operation without area, an area
    /// that is not declared, an entry for an unknown operation, an entry that repeats its
    /// directory's area, a declared area without operations.
    pub fn problems(&self, ops: &BTreeSet<String>) -> Vec<String> {
        let declared: BTreeSet<&str> = self.areas.iter().map(|a| a.name.as_str()).collect();
        let mut out = Vec::new();
        let mut used = BTreeSet::new();
        for op in ops {
            match self.area_of(op) {
                None => out.push(format!("{op}: no area (add it to {FILE})")),
                Some(a) if !declared.contains(a.value.as_str()) => {
                    out.push(format!("{op}: area `{}` is not declared", a.value))
                }
                Some(a) => {
                    used.insert(a.value);
                }
            }
        }
        for (op, area) in &self.listed {
            if !ops.contains(op) {
                out.push(format!("{FILE}: `{op}` is not an operation"));
            } else if self.by_directory.get(op) == Some(area) {
                out.push(format!(
                    "{FILE}: `{op}` repeats the area of its api-docs directory"
                ));
            }
        }
        for a in &declared {
            if !used.contains(*a) {
                out.push(format!("{FILE}: area `{a}` has no operation"));
            }
        }
        out
    }
}
