//! The `pattern` rule: the small dialect of regular expressions the API references use
//! (`^[a-zA-Z0-9/\.\-]{1,80}$`, `^(\d{0,3}\.){3}\d{0,3}$`, an IPv4 address spelled with
//! alternation), matched without a regex engine dependency.
//!
//! The dialect: literal characters; `.`; escapes `\d`, `\w`, `\s` and an escaped punctuation
//! character; bracket classes with ranges and negation (`[^a-z0-9_]`); groups `( )` and `(?: )`;
//! alternation `|`; repetition `?`, `*`, `+`, `{m}`, `{m,}`, `{m,n}`; `^` and `$`. A pattern
//! matches the whole value (as the service's Java `matches()` does), anchors or not.
//!
//! Matching follows every alternative at once over the set of positions reached (no
//! backtracking), so the time is bounded by the value's length times the pattern's size whatever
//! the input: a hostile value cannot make it blow up.

/// Whether `value` matches `pattern` as a whole. A pattern outside the dialect matches nothing
/// (the generator rejects such patterns in specs, so this is never reached from one).
pub fn matches(pattern: &str, value: &str) -> bool {
    let Ok(node) = parse(pattern) else {
        return false;
    };
    let chars: Vec<char> = value.chars().collect();
    let mut start = vec![false; chars.len() + 1];
    start[0] = true;
    step(&node, &chars, &start)[chars.len()]
}

/// Checks that `pattern` is in the dialect; the error says what is not.
pub fn parse_check(pattern: &str) -> Result<(), String> {
    parse(pattern).map(drop)
}

/// Repetition counts above this are refused (the position sets are walked once per count).
const MAX_REPEAT: u32 = 1000;

#[derive(Debug)]
enum Node {
    /// One character from a class.
    Char(Class),
    /// Start (`^`) or end (`$`) of the value.
    Start,
    End,
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>),
}

#[derive(Debug)]
struct Class {
    items: Vec<Item>,
    negated: bool,
}

#[derive(Debug, Clone, Copy)]
enum Item {
    Range(char, char),
    Digit,
    Word,
    Space,
    Any,
}

impl Class {
    fn one(item: Item) -> Self {
        Self {
            items: vec![item],
            negated: false,
        }
    }

    fn contains(&self, c: char) -> bool {
        let hit = self.items.iter().any(|i| match *i {
            Item::Range(a, b) => (a..=b).contains(&c),
            Item::Digit => c.is_ascii_digit(),
            Item::Word => c.is_ascii_alphanumeric() || c == '_',
            Item::Space => c.is_whitespace(),
            Item::Any => c != '\n',
        });
        hit != self.negated
    }
}

/// The positions reachable after `node` from the positions in `from`.
fn step(node: &Node, chars: &[char], from: &[bool]) -> Vec<bool> {
    let mut to = vec![false; from.len()];
    match node {
        Node::Char(class) => {
            for (i, c) in chars.iter().enumerate() {
                if from[i] && class.contains(*c) {
                    to[i + 1] = true;
                }
            }
        }
        Node::Start => to[0] = from[0],
        Node::End => {
            let last = from.len() - 1;
            to[last] = from[last];
        }
        Node::Seq(nodes) => {
            to = from.to_vec();
            for n in nodes {
                to = step(n, chars, &to);
            }
        }
        Node::Alt(nodes) => {
            for n in nodes {
                for (t, r) in to.iter_mut().zip(step(n, chars, from)) {
                    *t |= r;
                }
            }
        }
        Node::Repeat(inner, min, max) => {
            let mut current = from.to_vec();
            let mut count = 0;
            loop {
                if count >= *min {
                    for (t, c) in to.iter_mut().zip(&current) {
                        *t |= *c;
                    }
                }
                if max.is_some_and(|m| count >= m) || !current.contains(&true) {
                    break;
                }
                let next = step(inner, chars, &current);
                count += 1;
                // Unbounded: once past the minimum, stop when nothing new is reached.
                if max.is_none() && count > *min && next.iter().zip(&to).all(|(n, t)| !n || *t) {
                    break;
                }
                current = next;
            }
        }
    }
    to
}

fn parse(pattern: &str) -> Result<Node, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut at = 0;
    let node = alternation(&chars, &mut at)?;
    match chars.get(at) {
        None => Ok(node),
        Some(c) => Err(format!("unexpected `{c}` at {at}")),
    }
}

fn alternation(chars: &[char], at: &mut usize) -> Result<Node, String> {
    let mut branches = vec![sequence(chars, at)?];
    while chars.get(*at) == Some(&'|') {
        *at += 1;
        branches.push(sequence(chars, at)?);
    }
    Ok(if branches.len() == 1 {
        branches.remove(0)
    } else {
        Node::Alt(branches)
    })
}

fn sequence(chars: &[char], at: &mut usize) -> Result<Node, String> {
    let mut nodes = Vec::new();
    while let Some(&c) = chars.get(*at) {
        if c == '|' || c == ')' {
            break;
        }
        let atom = atom(chars, at)?;
        nodes.push(repetition(chars, at, atom)?);
    }
    Ok(Node::Seq(nodes))
}

fn atom(chars: &[char], at: &mut usize) -> Result<Node, String> {
    let c = chars[*at];
    *at += 1;
    Ok(match c {
        '^' => Node::Start,
        '$' => Node::End,
        '.' => Node::Char(Class::one(Item::Any)),
        '(' => {
            if chars.get(*at..*at + 2) == Some(&['?', ':']) {
                *at += 2;
            }
            let inner = alternation(chars, at)?;
            if chars.get(*at) != Some(&')') {
                return Err("a group is not closed".into());
            }
            *at += 1;
            inner
        }
        '[' => Node::Char(class(chars, at)?),
        '\\' => Node::Char(Class::one(escape(chars, at)?)),
        '*' | '+' | '?' | '{' => return Err(format!("`{c}` repeats nothing")),
        ']' | '}' => return Err(format!("unmatched `{c}`")),
        c => Node::Char(Class::one(Item::Range(c, c))),
    })
}

fn escape(chars: &[char], at: &mut usize) -> Result<Item, String> {
    let Some(&c) = chars.get(*at) else {
        return Err("a pattern cannot end with `\\`".into());
    };
    *at += 1;
    match c {
        'd' => Ok(Item::Digit),
        'w' => Ok(Item::Word),
        's' => Ok(Item::Space),
        c if c.is_ascii_punctuation() => Ok(Item::Range(c, c)),
        c => Err(format!("the escape `\\{c}` is not supported")),
    }
}

fn class(chars: &[char], at: &mut usize) -> Result<Class, String> {
    let negated = chars.get(*at) == Some(&'^');
    if negated {
        *at += 1;
    }
    let mut items = Vec::new();
    loop {
        let Some(&c) = chars.get(*at) else {
            return Err("a class `[` is not closed".into());
        };
        *at += 1;
        let first = match c {
            ']' if !items.is_empty() => break,
            '\\' => escape(chars, at)?,
            c => Item::Range(c, c),
        };
        // `a-z`; a `-` first or last is itself.
        if let (Item::Range(a, _), Some('-')) = (first, chars.get(*at))
            && chars.get(*at + 1).is_some_and(|c| *c != ']')
        {
            *at += 1;
            let b = match chars[*at] {
                '\\' => {
                    *at += 1;
                    match escape(chars, at)? {
                        Item::Range(b, _) => b,
                        _ => return Err("a range cannot end with a class escape".into()),
                    }
                }
                b => {
                    *at += 1;
                    b
                }
            };
            if b < a {
                return Err(format!("the range `{a}-{b}` is backwards"));
            }
            items.push(Item::Range(a, b));
        } else {
            items.push(first);
        }
    }
    Ok(Class { items, negated })
}

fn repetition(chars: &[char], at: &mut usize, atom: Node) -> Result<Node, String> {
    let (min, max) = match chars.get(*at) {
        Some('?') => (0, Some(1)),
        Some('*') => (0, None),
        Some('+') => (1, None),
        Some('{') => {
            let close = chars[*at..]
                .iter()
                .position(|c| *c == '}')
                .ok_or("a count `{` is not closed")?;
            let text: String = chars[*at + 1..*at + close].iter().collect();
            let number = |s: &str| -> Result<u32, String> {
                s.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n <= MAX_REPEAT)
                    .ok_or_else(|| format!("`{{{text}}}` is not a count up to {MAX_REPEAT}"))
            };
            let (min, max) = match text.split_once(',') {
                None => {
                    let n = number(&text)?;
                    (n, Some(n))
                }
                Some((a, "")) => (number(a)?, None),
                Some((a, b)) => (number(a)?, Some(number(b)?)),
            };
            if max.is_some_and(|m| m < min) {
                return Err(format!("`{{{text}}}` has its maximum below its minimum"));
            }
            *at += close;
            (min, max)
        }
        _ => return Ok(atom),
    };
    *at += 1;
    if matches!(atom, Node::Start | Node::End) {
        return Err("an anchor cannot repeat".into());
    }
    Ok(Node::Repeat(Box::new(atom), min, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    const IPV4: &str =
        r"((25[0-5]|2[0-4]\d|((1\d{2})|([1-9]?\d)))\.){3}(25[0-5]|2[0-4]\d|((1\d{2})|([1-9]?\d)))";

    #[test]
    fn the_patterns_of_the_api_references() {
        let domain = r"^[a-zA-Z0-9/\.\-]{1,80}$";
        assert!(matches(domain, "www.example.com"));
        assert!(!matches(domain, ""));
        assert!(!matches(domain, "a b"));
        assert!(!matches(domain, &"a".repeat(81)));
        let uri = r"^[/][a-zA-Z0-9/\.\-%?#&]{1,80}$";
        assert!(!matches(uri, "/health?x=1"), "`=` is outside the class");
        assert!(matches(uri, "/health?x&y"));
        assert!(!matches(uri, "health"));
        assert!(!matches(uri, "/"));
        let cookie = r"^[a-zA-z0-9]{1,200}$";
        // `A-z` spans `[`, `\`, `]`, `^`, `_` and the backtick too, as in the service's Java.
        assert!(matches(cookie, "Cookie_1"));
        assert!(!matches(cookie, "cookie-1"));
        assert!(matches(IPV4, "192.168.0.1"));
        assert!(matches(IPV4, "255.255.255.255"));
        assert!(!matches(IPV4, "256.1.1.1"));
        assert!(!matches(IPV4, "1.1.1"));
        assert!(!matches(IPV4, "01.1.1.1.1"));
        let loose = r"^(\d{0,3}\.){3}\d{0,3}$";
        assert!(matches(loose, "10.0.0.1"));
        assert!(matches(loose, "..."));
        assert!(!matches(loose, "10.0.0.1.2"));
        assert!(matches(r"^\d+$", "0012"));
        assert!(!matches(r"^\d+$", ""));
        assert!(!matches(r"^\d+$", "1a"));
    }

    #[test]
    fn the_dialect() {
        assert!(matches("a|bc", "bc"));
        assert!(!matches("a|bc", "abc"));
        assert!(matches("(?:ab)+c?", "ababc"));
        assert!(matches("[^0-9]*", "abc"));
        assert!(!matches("[^0-9]*", "a1"));
        assert!(matches(r"\w\s.", "a b"));
        assert!(matches("x{2,}", "xxxx"));
        assert!(!matches("x{2,}", "x"));
        assert!(matches("[-a]+", "-a-"));
        assert!(matches("a*b*", ""));
        assert!(matches("()*", ""));
        assert!(matches("(a*)*b", "aaab"));
    }

    #[test]
    fn outside_the_dialect_is_an_error_not_a_panic() {
        for bad in [
            "(", "a)", "[a", "a{2", "a{3,1}", "*a", "\\", r"\k", "[b-a]", "a{9999}", "^*",
            "[a-\\d]",
        ] {
            assert!(parse_check(bad).is_err(), "{bad}");
            assert!(!matches(bad, "a"));
        }
    }

    /// Nested repetition stays linear in the value's length: no backtracking to blow up.
    #[test]
    fn nested_repetition_is_cheap() {
        let value = format!("{}!", "a".repeat(2000));
        assert!(!matches("(a*)*$", &value));
        assert!(!matches("(a|aa)+$", &value));
    }
}
