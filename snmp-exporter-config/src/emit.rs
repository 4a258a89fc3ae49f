//! A YAML writer for `snmp.yml` that both YAML 1.1 readers (upstream's exporter, go-yaml v2)
//! and YAML 1.2 readers read the same way: a string that YAML 1.1 would take for a boolean,
//! a null or a number (`off`, `yes`, `~`, `0x10`, `1e3`) is quoted, as upstream's generator
//! writes it.

use std::fmt::Write as _;

use serde_yaml_ng::Value;

fn yaml11_special(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    matches!(
        l.as_str(),
        "y" | "n"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "true"
            | "false"
            | "null"
            | "~"
            | ""
            | ".nan"
            | ".inf"
            | "-.inf"
            | "+.inf"
    ) || l.parse::<f64>().is_ok()
        || l.starts_with("0x")
        || l.starts_with("0o")
        || l.starts_with("0b")
        || l.contains(':') && l.split(':').all(|p| p.chars().all(|c| c.is_ascii_digit()))
}

fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if yaml11_special(s) || s.ends_with(' ') || s.ends_with(':') {
        return false;
    }
    if !(first.is_ascii_alphanumeric()
        || first == '_'
        || first == '.'
        || first == '/'
        || first == '(')
    {
        return false;
    }
    !s.contains(": ")
        && !s.contains(" #")
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    ' ' | '_'
                        | '.'
                        | '/'
                        | '('
                        | ')'
                        | ','
                        | '-'
                        | '+'
                        | '='
                        | ';'
                        | '\''
                        | '`'
                        | ':'
                        | '$'
                        | '^'
                        | '?'
                )
        })
}

fn scalar(out: &mut String, s: &str) {
    if plain_ok(s) {
        out.push_str(s);
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn leaf(out: &mut String, v: &Value) -> bool {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => scalar(out, s),
        Value::Sequence(s) if s.is_empty() => out.push_str("[]"),
        Value::Mapping(m) if m.is_empty() => out.push_str("{}"),
        Value::Tagged(t) => return leaf(out, &t.value),
        _ => return false,
    }
    true
}

fn key(out: &mut String, k: &Value) {
    match k {
        Value::String(s) => scalar(out, s),
        other => {
            let _ = leaf(out, other);
        }
    }
}

fn block(out: &mut String, v: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match v {
        Value::Mapping(m) => {
            for (k, val) in m {
                out.push_str(&pad);
                key(out, k);
                out.push(':');
                let mut tmp = String::new();
                if leaf(&mut tmp, val) {
                    out.push(' ');
                    out.push_str(&tmp);
                    out.push('\n');
                } else {
                    out.push('\n');
                    let inner = if matches!(val, Value::Sequence(_)) {
                        indent
                    } else {
                        indent + 2
                    };
                    block(out, val, inner);
                }
            }
        }
        Value::Sequence(s) => {
            for item in s {
                out.push_str(&pad);
                out.push_str("- ");
                let mut tmp = String::new();
                if leaf(&mut tmp, item) {
                    out.push_str(&tmp);
                    out.push('\n');
                } else {
                    // The item's block, its first line after the dash.
                    let mut inner = String::new();
                    block(&mut inner, item, indent + 2);
                    out.push_str(inner.trim_start());
                }
            }
        }
        other => {
            out.push_str(&pad);
            let _ = leaf(out, other);
            out.push('\n');
        }
    }
}

/// The YAML text of `v` (block style).
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    block(&mut out, v, 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_words_are_quoted_and_documents_round_trip() {
        let doc: Value = serde_yaml_ng::from_str(
            "m:\n  walk: [1.3.6.1.2.1.2]\n  metrics:\n  - name: x\n    help: 'a: b # c'\n    enum_values:\n      7: 'off'\n      8: 'yes'\n      9: '0x1F'\n    labels: []\n  retries: 3\n",
        )
        .unwrap();
        let text = to_yaml(&doc);
        assert!(text.contains("7: \"off\""), "{text}");
        assert!(text.contains("9: \"0x1F\""), "{text}");
        let back: Value = serde_yaml_ng::from_str(&text).unwrap();
        assert_eq!(back, doc, "{text}");
    }
}
