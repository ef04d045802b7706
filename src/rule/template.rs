//! Message templates: `摘要「{summary}」含「{matched}」，{amount} 元`. Placeholders are
//! checked when the rule loads, so a misspelt one is a rule-file error, not a blank.

use super::field::{self, Field};
use crate::ledger::{LedgerFile, Row};

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Literal(String),
    Field(Field),
    Matched,
    Title,
    Id,
}

/// A parsed message template.
#[derive(Debug, Clone)]
pub struct Template {
    parts: Vec<Part>,
    pub source: String,
}

impl Template {
    /// Parses `text`; on error, the byte offset of the bad placeholder and a message.
    pub fn parse(text: &str) -> Result<Template, (usize, String)> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        let mut offset = 0;
        while let Some(pos) = rest.find(['{', '}']) {
            literal.push_str(&rest[..pos]);
            let brace = rest.as_bytes()[pos];
            let after = &rest[pos + 1..];
            if after.as_bytes().first() == Some(&brace) {
                literal.push(brace as char);
                rest = &after[1..];
                offset += pos + 2;
                continue;
            }
            if brace == b'}' {
                return Err((
                    offset + pos,
                    "unmatched `}` in message (write `}}` for a brace)".to_string(),
                ));
            }
            let Some(end) = after.find('}') else {
                return Err((offset + pos, "unclosed `{` in message".to_string()));
            };
            let name = after[..end].trim();
            let part = match name {
                "matched" => Part::Matched,
                "title" => Part::Title,
                "id" => Part::Id,
                _ => match Field::parse(name) {
                    Some(field) => Part::Field(field),
                    None => {
                        return Err((
                            offset + pos,
                            format!(
                                "unknown placeholder `{{{name}}}` (known: matched, title, id, and fields: {})",
                                Field::all_names()
                            ),
                        ));
                    }
                },
            };
            if !literal.is_empty() {
                parts.push(Part::Literal(std::mem::take(&mut literal)));
            }
            parts.push(part);
            offset += pos + 1 + end + 1;
            rest = &after[end + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        Ok(Template {
            parts,
            source: text.to_string(),
        })
    }

    /// Fills the template for one row.
    pub fn render(
        &self,
        row: &Row,
        file: &LedgerFile,
        matched: &[String],
        id: &str,
        title: &str,
    ) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Field(f) => out.push_str(&field::placeholder(*f, row, file)),
                Part::Matched => out.push_str(&matched.join("、")),
                Part::Title => out.push_str(title),
                Part::Id => out.push_str(id),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert!(Template::parse("{summary} 含 {matched}，{金额} 元 {{x}}").is_ok());
        let (offset, message) = Template::parse("金额 {amout}").unwrap_err();
        assert_eq!(offset, "金额 ".len());
        assert!(message.contains("unknown placeholder"));
        assert!(Template::parse("{summary").is_err());
    }
}
