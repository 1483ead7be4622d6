use std::fmt;

/// One broken rule, named by the wire parameter it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Wire name of the parameter, e.g. `DataDisk.2.Size`.
    pub parameter: String,
    /// Short, stable name of the rule, e.g. `range` or `required`.
    pub rule: &'static str,
    /// What the rule asks for, in words.
    pub message: String,
    /// The offending value; `None` for secrets and for values that were absent.
    pub value: Option<String>,
}

impl Violation {
    /// A violation of `rule` by `parameter`, showing `value` unless it is secret.
    pub fn new(
        parameter: impl Into<String>,
        rule: &'static str,
        message: impl Into<String>,
        value: Option<&str>,
    ) -> Self {
        Self {
            parameter: parameter.into(),
            rule,
            message: message.into(),
            value: value.map(str::to_owned),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.parameter, self.message)?;
        if let Some(value) = &self.value {
            write!(f, " (got {value:?})")?;
        }
        Ok(())
    }
}

/// Every violation found in a request: validation never stops at the first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Violations(pub Vec<Violation>);

impl Violations {
    /// `Ok(())` when nothing was found, so checks compose with `?`.
    pub fn into_result(self) -> Result<(), Violations> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }

    /// The wire names of the parameters that broke a rule, in order, each once.
    pub fn parameters(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for v in &self.0 {
            if !names.contains(&v.parameter.as_str()) {
                names.push(&v.parameter);
            }
        }
        names
    }

    /// Whether no rule was broken.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many rules were broken.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The violations one by one.
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }
}

impl From<Violation> for Violations {
    fn from(v: Violation) -> Self {
        Self(vec![v])
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.len() {
            0 => f.write_str("no violations"),
            1 => write!(f, "invalid request: {}", self.0[0]),
            n => {
                write!(f, "invalid request ({n} violations): ")?;
                for (i, v) in self.0.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{v}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Violations {}

impl<'a> IntoIterator for &'a Violations {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
