//! Row conditions written as SQL boolean expressions, e.g.
//! `account LIKE '%会员活动支出%' AND 金额 >= 5000`.
//!
//! sqlparser parses the text; this module type-checks it against the canonical fields
//! (so a misspelt field or a text compared with a number is a rule-file error with its
//! line and column, found before any ledger is read) and compiles it into a small tree
//! that is evaluated per row. Supported: AND OR NOT, = <> != < <= > >=, LIKE / ILIKE
//! (with NOT), IN (…), BETWEEN, IS [NOT] NULL, IS [NOT] TRUE/FALSE, + - * /, unary minus,
//! and the functions length, lower, upper, abs.

use chrono::NaiveDate;
use sqlparser::ast::{self, BinaryOperator, UnaryOperator};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use super::field::{self, Field, Ty, Value};
use crate::ledger::{LedgerFile, Row};

/// A compile error at a 1-based line and column inside the SQL text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlError {
    pub line: u64,
    pub column: u64,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Length,
    Lower,
    Upper,
    Abs,
}

/// A compiled, type-checked condition.
#[derive(Clone, Debug)]
pub enum Expr {
    Field(Field),
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
    Null,
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    Like {
        expr: Box<Expr>,
        pattern: LikePattern,
        negated: bool,
    },
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
    Func(Func, Box<Expr>),
}

/// Parses and type-checks `sql`, which must be a boolean expression.
pub fn compile(sql: &str) -> Result<Expr, SqlError> {
    let dialect = GenericDialect {};
    let mut parser = Parser::new(&dialect)
        .try_with_sql(sql)
        .map_err(parser_error)?;
    let ast = parser.parse_expr().map_err(parser_error)?;
    let next = parser.peek_token();
    if next.token != Token::EOF {
        return Err(SqlError {
            line: next.span.start.line.max(1),
            column: next.span.start.column.max(1),
            message: format!(
                "unexpected `{}` after the condition (did you mean AND/OR?)",
                next.token
            ),
        });
    }
    let (expr, ty) = Compiler.expr(&ast)?;
    if ty != Ty::Bool {
        return Err(SqlError {
            line: 1,
            column: 1,
            message: format!(
                "the condition is a {}, not true/false (add a comparison such as `>= 1000`)",
                ty.label()
            ),
        });
    }
    Ok(expr)
}

fn parser_error(err: ParserError) -> SqlError {
    let text = err.to_string();
    // sqlparser reports "… at Line: 1, Column: 17".
    let number_after = |key: &str| -> Option<u64> {
        let pos = text.rfind(key)? + key.len();
        text[pos..]
            .trim_start()
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    };
    let line = number_after("Line:").unwrap_or(1);
    let column = number_after("Column:").unwrap_or(1);
    let message = text
        .split(" at Line:")
        .next()
        .unwrap_or(&text)
        .trim_start_matches("sql parser error: ")
        .to_string();
    SqlError {
        line,
        column,
        message: format!("SQL condition does not parse: {message}"),
    }
}

struct Compiler;

fn err_at(span: sqlparser::tokenizer::Span, message: String) -> SqlError {
    SqlError {
        line: span.start.line.max(1),
        column: span.start.column.max(1),
        message,
    }
}

fn span_of(expr: &ast::Expr) -> sqlparser::tokenizer::Span {
    use sqlparser::ast::Spanned;
    expr.span()
}

impl Compiler {
    fn expr(&self, ast: &ast::Expr) -> Result<(Expr, Ty), SqlError> {
        use ast::Expr as A;
        let here = |message: String| err_at(span_of(ast), message);
        match ast {
            A::Identifier(ident) => self.ident(ident),
            A::CompoundIdentifier(parts) => {
                let joined: Vec<&str> = parts.iter().map(|p| p.value.as_str()).collect();
                Err(here(format!("unknown field `{}`", joined.join("."))))
            }
            A::Value(v) => self.value(&v.value, v.span),
            A::Nested(inner) => self.expr(inner),
            A::UnaryOp { op, expr } => {
                let (inner, ty) = self.expr(expr)?;
                match (op, ty) {
                    (UnaryOperator::Not, Ty::Bool) => Ok((Expr::Not(Box::new(inner)), Ty::Bool)),
                    (UnaryOperator::Minus, Ty::Number) => {
                        Ok((Expr::Neg(Box::new(inner)), Ty::Number))
                    }
                    (UnaryOperator::Plus, Ty::Number) => Ok((inner, Ty::Number)),
                    _ => Err(here(format!(
                        "`{op}` cannot be applied to a {}",
                        ty.label()
                    ))),
                }
            }
            A::BinaryOp { left, op, right } => self.binary(ast, left, op, right),
            A::Like {
                negated,
                any: false,
                expr,
                pattern,
                escape_char: None,
            } => self.like(expr, pattern, *negated, false),
            A::ILike {
                negated,
                any: false,
                expr,
                pattern,
                escape_char: None,
            } => self.like(expr, pattern, *negated, true),
            A::InList {
                expr,
                list,
                negated,
            } => {
                let (inner, ty) = self.expr(expr)?;
                let mut items = Vec::with_capacity(list.len());
                for item in list {
                    let (compiled, item_ty) = self.expr(item)?;
                    items
                        .push(coerce(compiled, item_ty, ty).map_err(|m| err_at(span_of(item), m))?);
                }
                Ok((
                    Expr::InList {
                        expr: Box::new(inner),
                        list: items,
                        negated: *negated,
                    },
                    Ty::Bool,
                ))
            }
            A::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let (inner, ty) = self.expr(expr)?;
                let (lo, lo_ty) = self.expr(low)?;
                let (hi, hi_ty) = self.expr(high)?;
                let lo = coerce(lo, lo_ty, ty).map_err(|m| err_at(span_of(low), m))?;
                let hi = coerce(hi, hi_ty, ty).map_err(|m| err_at(span_of(high), m))?;
                let inner = Box::new(inner);
                let within = Expr::And(
                    Box::new(Expr::Cmp(CmpOp::Ge, inner.clone(), Box::new(lo))),
                    Box::new(Expr::Cmp(CmpOp::Le, inner, Box::new(hi))),
                );
                Ok((
                    if *negated {
                        Expr::Not(Box::new(within))
                    } else {
                        within
                    },
                    Ty::Bool,
                ))
            }
            A::IsNull(inner) | A::IsNotNull(inner) => {
                let (compiled, _) = self.expr(inner)?;
                Ok((
                    Expr::IsNull {
                        expr: Box::new(compiled),
                        negated: matches!(ast, A::IsNotNull(_)),
                    },
                    Ty::Bool,
                ))
            }
            A::IsTrue(inner) | A::IsFalse(inner) | A::IsNotTrue(inner) | A::IsNotFalse(inner) => {
                let (compiled, ty) = self.expr(inner)?;
                if ty != Ty::Bool {
                    return Err(here(format!(
                        "IS TRUE/FALSE needs a boolean, found a {}",
                        ty.label()
                    )));
                }
                let want = matches!(ast, A::IsTrue(_) | A::IsNotFalse(_));
                Ok((
                    Expr::Cmp(CmpOp::Eq, Box::new(compiled), Box::new(Expr::Bool(want))),
                    Ty::Bool,
                ))
            }
            A::Function(function) => self.function(ast, function),
            other => Err(here(format!(
                "`{other}` is not supported in rule conditions"
            ))),
        }
    }

    fn ident(&self, ident: &ast::Ident) -> Result<(Expr, Ty), SqlError> {
        if ident.quote_style == Some('\'') {
            return Ok((Expr::Text(ident.value.clone()), Ty::Text));
        }
        match ident.value.to_ascii_lowercase().as_str() {
            "true" => return Ok((Expr::Bool(true), Ty::Bool)),
            "false" => return Ok((Expr::Bool(false), Ty::Bool)),
            _ => {}
        }
        match Field::parse(&ident.value) {
            Some(field) => Ok((Expr::Field(field), field.ty())),
            None => Err(err_at(
                ident.span,
                format!(
                    "unknown field `{}` (known: {})",
                    ident.value,
                    Field::all_names()
                ),
            )),
        }
    }

    fn value(
        &self,
        value: &ast::Value,
        span: sqlparser::tokenizer::Span,
    ) -> Result<(Expr, Ty), SqlError> {
        match value {
            ast::Value::Number(text, _) => text
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(|n| (Expr::Number(n), Ty::Number))
                .ok_or_else(|| err_at(span, format!("bad number `{text}`"))),
            ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => {
                Ok((Expr::Text(s.clone()), Ty::Text))
            }
            ast::Value::Boolean(b) => Ok((Expr::Bool(*b), Ty::Bool)),
            ast::Value::Null => Ok((Expr::Null, Ty::Text)),
            other => Err(err_at(span, format!("literal `{other}` is not supported"))),
        }
    }

    fn binary(
        &self,
        whole: &ast::Expr,
        left: &ast::Expr,
        op: &BinaryOperator,
        right: &ast::Expr,
    ) -> Result<(Expr, Ty), SqlError> {
        let (l, lt) = self.expr(left)?;
        let (r, rt) = self.expr(right)?;
        let here = |message: String| err_at(span_of(whole), message);
        match op {
            BinaryOperator::And | BinaryOperator::Or => {
                if lt != Ty::Bool || rt != Ty::Bool {
                    return Err(here(format!(
                        "{op} needs conditions on both sides, found {} and {}",
                        lt.label(),
                        rt.label()
                    )));
                }
                let (l, r) = (Box::new(l), Box::new(r));
                Ok((
                    if *op == BinaryOperator::And {
                        Expr::And(l, r)
                    } else {
                        Expr::Or(l, r)
                    },
                    Ty::Bool,
                ))
            }
            BinaryOperator::Eq
            | BinaryOperator::NotEq
            | BinaryOperator::Lt
            | BinaryOperator::LtEq
            | BinaryOperator::Gt
            | BinaryOperator::GtEq => {
                let cmp = match op {
                    BinaryOperator::Eq => CmpOp::Eq,
                    BinaryOperator::NotEq => CmpOp::Ne,
                    BinaryOperator::Lt => CmpOp::Lt,
                    BinaryOperator::LtEq => CmpOp::Le,
                    BinaryOperator::Gt => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                // Coerce a literal to the other side's type ('2025-01-01' to a date).
                let (l, r) = if matches!(l, Expr::Field(_)) || rt == Ty::Text && lt != Ty::Text {
                    let r = coerce(r, rt, lt).map_err(|m| err_at(span_of(right), m))?;
                    (l, r)
                } else {
                    let l = coerce(l, lt, rt).map_err(|m| err_at(span_of(left), m))?;
                    (l, r)
                };
                Ok((Expr::Cmp(cmp, Box::new(l), Box::new(r)), Ty::Bool))
            }
            BinaryOperator::Plus
            | BinaryOperator::Minus
            | BinaryOperator::Multiply
            | BinaryOperator::Divide => {
                if lt != Ty::Number || rt != Ty::Number {
                    return Err(here(format!(
                        "arithmetic needs numbers, found {} and {}",
                        lt.label(),
                        rt.label()
                    )));
                }
                let arith = match op {
                    BinaryOperator::Plus => ArithOp::Add,
                    BinaryOperator::Minus => ArithOp::Sub,
                    BinaryOperator::Multiply => ArithOp::Mul,
                    _ => ArithOp::Div,
                };
                Ok((Expr::Arith(arith, Box::new(l), Box::new(r)), Ty::Number))
            }
            other => Err(here(format!(
                "operator `{other}` is not supported in rule conditions"
            ))),
        }
    }

    fn like(
        &self,
        expr: &ast::Expr,
        pattern: &ast::Expr,
        negated: bool,
        case_insensitive: bool,
    ) -> Result<(Expr, Ty), SqlError> {
        let (inner, ty) = self.expr(expr)?;
        if ty != Ty::Text {
            return Err(err_at(
                span_of(expr),
                format!("LIKE needs a text field, found a {}", ty.label()),
            ));
        }
        let (pat, _) = self.expr(pattern)?;
        let Expr::Text(text) = pat else {
            return Err(err_at(
                span_of(pattern),
                "LIKE needs a quoted pattern such as '%慰问%'".to_string(),
            ));
        };
        Ok((
            Expr::Like {
                expr: Box::new(inner),
                pattern: LikePattern::new(&text, case_insensitive),
                negated,
            },
            Ty::Bool,
        ))
    }

    fn function(
        &self,
        whole: &ast::Expr,
        function: &ast::Function,
    ) -> Result<(Expr, Ty), SqlError> {
        let name = function.name.to_string().to_ascii_lowercase();
        let here = |message: String| err_at(span_of(whole), message);
        let args: Vec<&ast::Expr> = match &function.args {
            ast::FunctionArguments::List(list) => list
                .args
                .iter()
                .filter_map(|a| match a {
                    ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => Some(e),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let (func, want, out) = match name.as_str() {
            "length" | "char_length" => (Func::Length, Ty::Text, Ty::Number),
            "lower" => (Func::Lower, Ty::Text, Ty::Text),
            "upper" => (Func::Upper, Ty::Text, Ty::Text),
            "abs" => (Func::Abs, Ty::Number, Ty::Number),
            _ => {
                return Err(here(format!(
                    "unknown function `{name}` (known: length, lower, upper, abs)"
                )));
            }
        };
        let [arg] = args.as_slice() else {
            return Err(here(format!("`{name}` takes one argument")));
        };
        let (compiled, ty) = self.expr(arg)?;
        if ty != want {
            return Err(here(format!(
                "`{name}` needs a {}, found a {}",
                want.label(),
                ty.label()
            )));
        }
        Ok((Expr::Func(func, Box::new(compiled)), out))
    }
}

/// Converts a literal to `want` where that is meaningful (text → date), or explains why not.
fn coerce(expr: Expr, ty: Ty, want: Ty) -> Result<Expr, String> {
    if ty == want || matches!(expr, Expr::Null) {
        return Ok(expr);
    }
    match (expr, want) {
        (Expr::Text(text), Ty::Date) => crate::ledger::value::parse_date(&text, None)
            .map(Expr::Date)
            .map_err(|_| format!("`{text}` is not a date (write 'YYYY-MM-DD')")),
        (_, _) => Err(format!(
            "cannot compare a {} with a {}",
            ty.label(),
            want.label()
        )),
    }
}

/// A compiled LIKE pattern: `%` any run, `_` one character.
#[derive(Clone, Debug)]
pub struct LikePattern {
    /// The `%`-separated segments as plain text, when the pattern has no `_`: matched
    /// with substring search, no per-call allocation.
    plain: Option<Vec<String>>,
    parts: Vec<Vec<Option<char>>>,
    anchored_start: bool,
    anchored_end: bool,
    case_insensitive: bool,
}

impl LikePattern {
    pub fn new(pattern: &str, case_insensitive: bool) -> LikePattern {
        let text = if case_insensitive {
            pattern.to_lowercase()
        } else {
            pattern.to_string()
        };
        let parts: Vec<Vec<Option<char>>> = text
            .split('%')
            .map(|seg| {
                seg.chars()
                    .map(|c| if c == '_' { None } else { Some(c) })
                    .collect()
            })
            .collect();
        let plain = (!text.contains('_')).then(|| text.split('%').map(str::to_string).collect());
        LikePattern {
            plain,
            anchored_start: !text.starts_with('%'),
            anchored_end: !text.ends_with('%'),
            parts,
            case_insensitive,
        }
    }

    /// `%`-only patterns: anchored first and last segments, the middle ones found in
    /// order (leftmost match is always safe for `%`).
    fn matches_plain(&self, segments: &[String], text: &str) -> bool {
        let n = segments.len();
        if n == 1 {
            return text == segments[0];
        }
        let first = &segments[0];
        let last = &segments[n - 1];
        if !text.starts_with(first.as_str())
            || text.len() < first.len() + last.len()
            || !text.ends_with(last.as_str())
        {
            return false;
        }
        let mut rest = &text[first.len()..text.len() - last.len()];
        for seg in &segments[1..n - 1] {
            match rest.find(seg.as_str()) {
                Some(at) => rest = &rest[at + seg.len()..],
                None => return false,
            }
        }
        true
    }

    pub fn matches(&self, text: &str) -> bool {
        let lowered;
        let text = if self.case_insensitive {
            lowered = text.to_lowercase();
            lowered.as_str()
        } else {
            text
        };
        if let Some(segments) = &self.plain {
            return self.matches_plain(segments, text);
        }
        let chars: Vec<char> = text.chars().collect();
        let seg_at = |seg: &[Option<char>], at: usize| -> bool {
            at + seg.len() <= chars.len()
                && seg
                    .iter()
                    .zip(&chars[at..])
                    .all(|(p, c)| p.is_none_or(|p| p == *c))
        };
        let n = self.parts.len();
        if n == 1 {
            let seg = &self.parts[0];
            return seg.len() == chars.len() && seg_at(seg, 0);
        }
        let mut pos = 0;
        for (i, seg) in self.parts.iter().enumerate() {
            if i == 0 && self.anchored_start {
                if !seg_at(seg, 0) {
                    return false;
                }
                pos = seg.len();
            } else if i == n - 1 && self.anchored_end {
                return chars.len() >= pos + seg.len() && seg_at(seg, chars.len() - seg.len());
            } else if !seg.is_empty() {
                match (pos..=chars.len().saturating_sub(seg.len())).find(|&at| seg_at(seg, at)) {
                    Some(at) => pos = at + seg.len(),
                    None => return false,
                }
            }
        }
        true
    }
}

impl Expr {
    /// True when the condition holds for `row` (NULL counts as false).
    pub fn is_true(&self, row: &Row, file: &LedgerFile) -> bool {
        matches!(self.eval(row, file), Value::Bool(true))
    }

    fn eval<'a>(&self, row: &Row, file: &'a LedgerFile) -> Value<'a> {
        match self {
            Expr::Field(f) => field::get(*f, row, file),
            Expr::Text(t) => Value::Text(std::borrow::Cow::Owned(t.clone())),
            Expr::Number(n) => Value::Number(*n),
            Expr::Date(d) => Value::Date(*d),
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Null => Value::Null,
            Expr::Not(inner) => match inner.eval(row, file) {
                Value::Bool(b) => Value::Bool(!b),
                _ => Value::Null,
            },
            Expr::And(l, r) => match l.eval(row, file) {
                Value::Bool(false) => Value::Bool(false),
                lv => match (lv, r.eval(row, file)) {
                    (_, Value::Bool(false)) => Value::Bool(false),
                    (Value::Bool(true), Value::Bool(true)) => Value::Bool(true),
                    _ => Value::Null,
                },
            },
            Expr::Or(l, r) => match l.eval(row, file) {
                Value::Bool(true) => Value::Bool(true),
                lv => match (lv, r.eval(row, file)) {
                    (_, Value::Bool(true)) => Value::Bool(true),
                    (Value::Bool(false), Value::Bool(false)) => Value::Bool(false),
                    _ => Value::Null,
                },
            },
            Expr::Cmp(op, l, r) => compare(*op, &l.eval(row, file), &r.eval(row, file)),
            Expr::Like {
                expr,
                pattern,
                negated,
            } => match expr.eval(row, file) {
                Value::Text(t) => Value::Bool(pattern.matches(&t) != *negated),
                _ => Value::Null,
            },
            Expr::InList {
                expr,
                list,
                negated,
            } => {
                let v = expr.eval(row, file);
                if v == Value::Null {
                    return Value::Null;
                }
                let found = list
                    .iter()
                    .any(|item| compare(CmpOp::Eq, &v, &item.eval(row, file)) == Value::Bool(true));
                Value::Bool(found != *negated)
            }
            Expr::IsNull { expr, negated } => {
                let v = expr.eval(row, file);
                let is_null = match &v {
                    Value::Null => true,
                    Value::Text(t) => t.is_empty(),
                    _ => false,
                };
                Value::Bool(is_null != *negated)
            }
            Expr::Arith(op, l, r) => match (l.eval(row, file), r.eval(row, file)) {
                (Value::Number(a), Value::Number(b)) => {
                    let n = match op {
                        ArithOp::Add => a + b,
                        ArithOp::Sub => a - b,
                        ArithOp::Mul => a * b,
                        ArithOp::Div if b != 0.0 => a / b,
                        ArithOp::Div => return Value::Null,
                    };
                    Value::Number(n)
                }
                _ => Value::Null,
            },
            Expr::Neg(inner) => match inner.eval(row, file) {
                Value::Number(n) => Value::Number(-n),
                _ => Value::Null,
            },
            Expr::Func(func, arg) => match (func, arg.eval(row, file)) {
                (Func::Length, Value::Text(t)) => Value::Number(t.chars().count() as f64),
                (Func::Lower, Value::Text(t)) => {
                    Value::Text(std::borrow::Cow::Owned(t.to_lowercase()))
                }
                (Func::Upper, Value::Text(t)) => {
                    Value::Text(std::borrow::Cow::Owned(t.to_uppercase()))
                }
                (Func::Abs, Value::Number(n)) => Value::Number(n.abs()),
                _ => Value::Null,
            },
        }
    }
}

fn compare(op: CmpOp, l: &Value, r: &Value) -> Value<'static> {
    use std::cmp::Ordering;
    let ord: Option<Ordering> = match (l, r) {
        (Value::Number(a), Value::Number(b)) => {
            // Money is compared to the fen: 5000 >= 4999.999999 must not flip.
            let (a, b) = ((a * 100.0).round(), (b * 100.0).round());
            a.partial_cmp(&b)
        }
        (Value::Text(a), Value::Text(b)) => Some(a.as_ref().cmp(b.as_ref())),
        (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        _ => None,
    };
    let Some(ord) = ord else {
        return Value::Null;
    };
    Value::Bool(match op {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        let p = LikePattern::new("%会员活动支出%", false);
        assert!(p.matches("职工活动支出/会员活动支出"));
        assert!(!p.matches("职工活动支出/文体活动支出"));
        assert!(LikePattern::new("职工%", false).matches("职工活动支出"));
        assert!(!LikePattern::new("职工%", false).matches("会员职工"));
        assert!(LikePattern::new("%支出", false).matches("职工活动支出"));
        assert!(LikePattern::new("a_c", false).matches("abc"));
        assert!(!LikePattern::new("a_c", false).matches("abbc"));
        assert!(LikePattern::new("%ktv%", true).matches("KTV包厢"));
        assert!(LikePattern::new("%a%b%", false).matches("xaxbx"));
        assert!(!LikePattern::new("%a%b", false).matches("xbxa"));
    }

    #[test]
    fn plain_fast_path_agrees_with_the_general_matcher() {
        let texts = [
            "",
            "a",
            "ab",
            "aXb",
            "职工活动支出/会员活动支出",
            "慰问慰问",
            "abcabc",
            "ba",
        ];
        for pat in [
            "%",
            "%%",
            "a",
            "a%",
            "%b",
            "a%b",
            "%a%b%",
            "%慰问%",
            "%支出",
            "职工%支出",
            "ab%ab",
            "%c%c%",
        ] {
            let fast = LikePattern::new(pat, false);
            let mut slow = fast.clone();
            slow.plain = None;
            for t in texts {
                assert_eq!(fast.matches(t), slow.matches(t), "{pat} on {t}");
            }
        }
    }

    #[test]
    fn compiles_chinese_fields() {
        assert!(compile("科目名称 LIKE '%会员活动支出%' AND 金额 >= 5000").is_ok());
        assert!(compile("amount BETWEEN 100 AND 200 OR summary IN ('a', 'b')").is_ok());
        assert!(compile("date >= '2025-01-01' AND NOT closing").is_ok());
        assert!(compile("attachments IS NULL").is_ok());
    }

    #[test]
    fn reports_errors_with_columns() {
        let err = compile("金额 >= 5000 AND 不存在 = 1").unwrap_err();
        assert_eq!((err.line, err.column), (1, 16));
        assert!(
            err.message.contains("unknown field `不存在`"),
            "{}",
            err.message
        );
        let err = compile("amount >= ").unwrap_err();
        assert!(err.message.contains("does not parse"), "{}", err.message);
        let err = compile("summary >= 5").unwrap_err();
        assert!(err.message.contains("cannot compare"), "{}", err.message);
        assert!(compile("amount").is_err());
        assert!(compile("amount > 1 amount").is_err());
        assert!(compile("date > 'soon'").is_err());
    }
}
