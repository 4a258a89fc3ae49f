//! Reading MIB text without a full parse: the names of the modules a file defines, and a
//! line without its comments.

/// The names of the modules a file defines (`NAME DEFINITIONS ::= BEGIN`), found without
/// a full parse. Comments (`--` to end of line or the next `--`) are skipped.
pub fn module_names(bytes: &[u8]) -> Vec<String> {
    // Most of a MIB file is not a module header: only look at the lines that could hold one
    // (`DEFINITIONS` on the line, or the name on the line before it).
    if !bytes.windows(11).any(|w| w == b"DEFINITIONS") {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    let mut prev: Option<String> = None;
    for line in text.lines() {
        let code = strip_comment(line);
        if !code.contains("DEFINITIONS") {
            // Only the last word of a line can name the module of a header on the next line.
            if let Some(w) = code.split_whitespace().next_back() {
                prev = Some(w.to_owned());
            }
            continue;
        }
        for w in code.split_whitespace() {
            if w == "DEFINITIONS" {
                if let Some(p) = prev.take() {
                    if p.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
                        out.push(p);
                    }
                }
            } else {
                prev = Some(w.to_owned());
            }
        }
    }
    out
}

pub(crate) fn strip_comment(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains("--") {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = String::new();
    let mut rest = line;
    let mut in_comment = false;
    while let Some((before, after)) = rest.split_once("--") {
        if !in_comment {
            out.push_str(before);
        }
        in_comment = !in_comment;
        rest = after;
    }
    if !in_comment {
        out.push_str(rest);
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_come_from_the_text() {
        let t = b"-- FOO DEFINITIONS ::= BEGIN\nIF-MIB DEFINITIONS ::= BEGIN\nEND\nX-MIB\n  DEFINITIONS ::= BEGIN END";
        assert_eq!(
            module_names(t),
            vec!["IF-MIB".to_string(), "X-MIB".to_string()]
        );
    }
}
