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
use crate::ledger::limits;
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
    /// `a AND b AND …`, flat so that a long chain does not nest.
    All(Vec<Expr>),
    /// `a OR b OR …`, flat.
    Any(Vec<Expr>),
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
    if sql.len() > limits::MAX_WHERE_BYTES {
        return Err(SqlError {
            line: 1,
            column: 1,
            message: format!(
                "the condition is {} long; the limit is {} (use keyword lists for long word lists)",
                limits::human_bytes(sql.len() as u64),
                limits::human_bytes(limits::MAX_WHERE_BYTES as u64)
            ),
        });
    }
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
    let (expr, ty) = Compiler::default().expr(&ast)?;
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
    let mut message = text
        .split(" at Line:")
        .next()
        .unwrap_or(&text)
        .trim_start_matches("sql parser error: ")
        .to_string();
    if matches!(err, ParserError::RecursionLimitExceeded) {
        message = "nested too deeply (more than 50 levels of parentheses or NOT)".to_string();
    }
    SqlError {
        line,
        column,
        message: format!("SQL condition does not parse: {message}"),
    }
}

/// Compiles a sqlparser tree, counting how deep it nests.
#[derive(Default)]
struct Compiler {
    depth: std::cell::Cell<usize>,
}

/// Decrements the compiler's depth when a level is left.
struct DepthGuard<'a>(&'a std::cell::Cell<usize>);

impl Drop for DepthGuard<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

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
        self.depth.set(self.depth.get() + 1);
        let _guard = DepthGuard(&self.depth);
        if self.depth.get() > limits::MAX_CONDITION_DEPTH {
            return Err(here(format!(
                "the condition nests more than {} levels deep; write long lists with IN (…) or keyword lists",
                limits::MAX_CONDITION_DEPTH
            )));
        }
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
            A::BinaryOp {
                op: op @ (BinaryOperator::And | BinaryOperator::Or),
                ..
            } => self.chain(ast, op),
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
                let within = Expr::All(vec![
                    Expr::Cmp(CmpOp::Ge, inner.clone(), Box::new(lo)),
                    Expr::Cmp(CmpOp::Le, inner, Box::new(hi)),
                ]);
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

    /// `a AND b AND c …` (or OR) as one flat list, walking the left-deep tree sqlparser
    /// builds without recursion.
    fn chain(&self, whole: &ast::Expr, op: &BinaryOperator) -> Result<(Expr, Ty), SqlError> {
        let mut operands: Vec<&ast::Expr> = Vec::new();
        let mut current = whole;
        while let ast::Expr::BinaryOp {
            left,
            op: this,
            right,
        } = current
        {
            if this != op {
                break;
            }
            operands.push(right);
            current = left;
        }
        operands.push(current);
        operands.reverse();
        let mut compiled = Vec::with_capacity(operands.len());
        for operand in operands {
            let (expr, ty) = self.expr(operand)?;
            if ty != Ty::Bool {
                return Err(err_at(
                    span_of(operand),
                    format!(
                        "{op} needs conditions on both sides, found a {}",
                        ty.label()
                    ),
                ));
            }
            compiled.push(expr);
        }
        Ok((
            if *op == BinaryOperator::And {
                Expr::All(compiled)
            } else {
                Expr::Any(compiled)
            },
            Ty::Bool,
        ))
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
///
/// Matching takes time linear in the text whatever the pattern (no backtracking):
/// the segments between `%` are found leftmost-first, which is exact for LIKE, each with
/// the bit-parallel Shift-And algorithm (`_` is a position every character passes), so
/// `'%a%a%a…%b'` on a long summary costs one pass per segment at most.
#[derive(Clone, Debug)]
pub struct LikePattern {
    /// Process-wide id, the key of [`LikeMemo`].
    id: u32,
    /// The `%`-separated segments as plain text, when the pattern has no `_`: matched
    /// with substring search (linear too), no per-call allocation. Each segment's
    /// searcher is built once: a ledger whose summaries are all distinct evaluates the
    /// pattern on every row (the memo does not help), and building a searcher per call
    /// was most of that time.
    plain: Option<Vec<memchr::memmem::Finder<'static>>>,
    parts: Vec<Segment>,
    anchored_start: bool,
    anchored_end: bool,
    case_insensitive: bool,
}

/// The text between two `%`: characters, `None` for `_`.
#[derive(Clone, Debug)]
struct Segment {
    chars: Vec<Option<char>>,
    /// Per distinct character (sorted), the positions that accept it, 64 per word.
    masks: Vec<(char, Vec<u64>)>,
    /// The positions that accept any character (`_`).
    any: Vec<u64>,
}

impl Segment {
    fn new(chars: Vec<Option<char>>) -> Segment {
        let words = chars.len().div_ceil(64).max(1);
        let mut any = vec![0u64; words];
        for (i, c) in chars.iter().enumerate() {
            if c.is_none() {
                any[i / 64] |= 1 << (i % 64);
            }
        }
        let mut distinct: Vec<char> = chars.iter().flatten().copied().collect();
        distinct.sort_unstable();
        distinct.dedup();
        let masks = distinct
            .into_iter()
            .map(|ch| {
                let mut mask = any.clone();
                for (i, c) in chars.iter().enumerate() {
                    if *c == Some(ch) {
                        mask[i / 64] |= 1 << (i % 64);
                    }
                }
                (ch, mask)
            })
            .collect();
        Segment { chars, masks, any }
    }

    fn len(&self) -> usize {
        self.chars.len()
    }

    fn mask(&self, c: char) -> &[u64] {
        match self.masks.binary_search_by(|(m, _)| m.cmp(&c)) {
            Ok(i) => &self.masks[i].1,
            Err(_) => &self.any,
        }
    }

    fn matches_at(&self, text: &[char], at: usize) -> bool {
        at + self.len() <= text.len()
            && self
                .chars
                .iter()
                .zip(&text[at..])
                .all(|(p, c)| p.is_none_or(|p| p == *c))
    }

    /// The leftmost position at or after `from` where the segment matches.
    fn find(&self, text: &[char], from: usize) -> Option<usize> {
        let m = self.len();
        if m == 0 {
            return Some(from);
        }
        if from + m > text.len() {
            return None;
        }
        let mut state = vec![0u64; self.any.len()];
        let (last_word, last_bit) = ((m - 1) / 64, 1u64 << ((m - 1) % 64));
        for (j, &c) in text[from..].iter().enumerate() {
            let mask = self.mask(c);
            let mut carry = 1u64;
            for (word, bits) in state.iter_mut().zip(mask) {
                let next = *word >> 63;
                *word = ((*word << 1) | carry) & bits;
                carry = next;
            }
            if state[last_word] & last_bit != 0 {
                return Some(from + j + 1 - m);
            }
        }
        None
    }
}

impl LikePattern {
    pub fn new(pattern: &str, case_insensitive: bool) -> LikePattern {
        let text = if case_insensitive {
            pattern.to_lowercase()
        } else {
            pattern.to_string()
        };
        let parts: Vec<Segment> = text
            .split('%')
            .map(|seg| {
                Segment::new(
                    seg.chars()
                        .map(|c| if c == '_' { None } else { Some(c) })
                        .collect(),
                )
            })
            .collect();
        let plain = (!text.contains('_')).then(|| {
            text.split('%')
                .map(|seg| memchr::memmem::Finder::new(seg).into_owned())
                .collect()
        });
        LikePattern {
            id: next_memo_id(),
            plain,
            anchored_start: !text.starts_with('%'),
            anchored_end: !text.ends_with('%'),
            parts,
            case_insensitive,
        }
    }

    /// `%`-only patterns: anchored first and last segments, the middle ones found in
    /// order (leftmost match is always safe for `%`).
    fn matches_plain(&self, segments: &[memchr::memmem::Finder<'static>], text: &str) -> bool {
        let text = text.as_bytes();
        let n = segments.len();
        if n == 1 {
            return text == segments[0].needle();
        }
        let first = segments[0].needle();
        let last = segments[n - 1].needle();
        // `%kw%` (the usual form) has empty ends: no comparison at all for them.
        if text.len() < first.len() + last.len()
            || (!first.is_empty() && !text.starts_with(first))
            || (!last.is_empty() && !text.ends_with(last))
        {
            return false;
        }
        let mut rest = &text[first.len()..text.len() - last.len()];
        for seg in &segments[1..n - 1] {
            match seg.find(rest) {
                Some(at) => rest = &rest[at + seg.needle().len()..],
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
        let n = self.parts.len();
        if n == 1 {
            let seg = &self.parts[0];
            return seg.len() == chars.len() && seg.matches_at(&chars, 0);
        }
        let mut pos = 0;
        for (i, seg) in self.parts.iter().enumerate() {
            if i == 0 && self.anchored_start {
                if !seg.matches_at(&chars, 0) {
                    return false;
                }
                pos = seg.len();
            } else if i == n - 1 && self.anchored_end {
                return chars.len() >= pos + seg.len()
                    && seg.matches_at(&chars, chars.len() - seg.len());
            } else if seg.len() > 0 {
                match seg.find(&chars, pos) {
                    Some(at) => pos = at + seg.len(),
                    None => return false,
                }
            }
        }
        true
    }
}

/// Results of `LIKE` on interned text fields, per pattern and distinct string: a
/// ledger repeats the same summaries and accounts, so each pattern runs once per string
/// of a file, not once per row. Belongs to one file (symbols are per file).
#[derive(Default)]
pub struct LikeMemo {
    /// Pattern id → per symbol: 0 not yet known, 1 no match, 2 match.
    results: rustc_hash::FxHashMap<u32, Vec<u8>>,
}

/// A process-wide key of [`LikeMemo`]: `LIKE` patterns and whole conditions draw from
/// one counter, so their results never share a slot.
fn next_memo_id() -> u32 {
    static NEXT_ID: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl LikeMemo {
    /// The remembered result of `id` for `sym`, or `compute()`'s, remembered.
    fn remembered(
        &mut self,
        id: u32,
        sym: crate::ledger::Sym,
        compute: impl FnOnce(&mut LikeMemo) -> bool,
    ) -> bool {
        let idx = sym.0 as usize;
        if let Some(&known) = self.results.get(&id).and_then(|slots| slots.get(idx))
            && known != 0
        {
            return known == 2;
        }
        let result = compute(self);
        let slots = self.results.entry(id).or_default();
        if idx >= slots.len() {
            slots.resize(idx + 1, 0);
        }
        slots[idx] = 1 + u8::from(result);
        result
    }

    fn matches(&mut self, pattern: &LikePattern, sym: crate::ledger::Sym, text: &str) -> bool {
        self.remembered(pattern.id, sym, |_| pattern.matches(text))
    }
}

/// A rule's `where` condition. One that looks at a single text field and nothing else
/// (`摘要 NOT LIKE '%慰问金%' AND 摘要 NOT LIKE '%抚恤%'`, as rules tried on every
/// expense line have) has one value per distinct string of that field: it is worked out
/// once per string of a file and remembered, not walked on every row.
#[derive(Clone, Debug)]
pub struct Condition {
    pub expr: Expr,
    /// Memo key, the one text field and how to read its string, when the condition looks
    /// at nothing else.
    by_text: Option<(u32, Field, field::SymReader)>,
}

impl Condition {
    pub fn new(expr: Expr) -> Condition {
        let by_text = expr
            .only_text_field()
            .and_then(|field| Some((next_memo_id(), field, field::sym_reader(field)?)));
        Condition { expr, by_text }
    }

    /// [`Expr::is_true`], remembered per string when the condition has one text field.
    pub fn holds(&self, row: &Row, file: &LedgerFile, memo: &mut LikeMemo) -> bool {
        match self.by_text {
            Some((id, _, read)) => {
                memo.remembered(id, read(row), |memo| self.expr.is_true(row, file, memo))
            }
            None => self.expr.is_true(row, file, memo),
        }
    }
}

impl Expr {
    /// The one field the expression reads, when it reads exactly one and that field is
    /// an interned text (summary, account, payee …), so its value is one per string.
    fn only_text_field(&self) -> Option<Field> {
        fn visit(e: &Expr, seen: &mut Option<Field>, ok: &mut bool) {
            let mut go = |e: &Expr| visit(e, seen, ok);
            match e {
                Expr::Field(f) => {
                    if seen.is_some_and(|s| s != *f) {
                        *ok = false;
                    }
                    *seen = Some(*f);
                }
                Expr::Text(_) | Expr::Number(_) | Expr::Date(_) | Expr::Bool(_) | Expr::Null => {}
                Expr::Not(inner) | Expr::Neg(inner) | Expr::Func(_, inner) => go(inner),
                Expr::All(items) | Expr::Any(items) => items.iter().for_each(go),
                Expr::Cmp(_, l, r) | Expr::Arith(_, l, r) => {
                    go(l);
                    go(r);
                }
                Expr::Like { expr, .. } | Expr::IsNull { expr, .. } => go(expr),
                Expr::InList { expr, list, .. } => {
                    go(expr);
                    list.iter().for_each(go);
                }
            }
        }
        let (mut seen, mut ok) = (None, true);
        visit(self, &mut seen, &mut ok);
        seen.filter(|&f| ok && field::is_interned_text(f))
    }

    /// True when the condition holds for `row` (NULL counts as false). `memo` must
    /// belong to `file`.
    pub fn is_true(&self, row: &Row, file: &LedgerFile, memo: &mut LikeMemo) -> bool {
        matches!(self.eval(row, file, memo), Value::Bool(true))
    }

    fn eval<'a>(&self, row: &Row, file: &'a LedgerFile, memo: &mut LikeMemo) -> Value<'a> {
        match self {
            Expr::Field(f) => field::get(*f, row, file),
            Expr::Text(t) => Value::Text(std::borrow::Cow::Owned(t.clone())),
            Expr::Number(n) => Value::Number(*n),
            Expr::Date(d) => Value::Date(*d),
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Null => Value::Null,
            Expr::Not(inner) => match inner.eval(row, file, memo) {
                Value::Bool(b) => Value::Bool(!b),
                _ => Value::Null,
            },
            // Three-valued logic: FALSE wins an AND, TRUE wins an OR, else NULL if any is.
            Expr::All(items) => {
                let mut null = false;
                for item in items {
                    match item.eval(row, file, memo) {
                        Value::Bool(false) => return Value::Bool(false),
                        Value::Bool(true) => {}
                        _ => null = true,
                    }
                }
                if null { Value::Null } else { Value::Bool(true) }
            }
            Expr::Any(items) => {
                let mut null = false;
                for item in items {
                    match item.eval(row, file, memo) {
                        Value::Bool(true) => return Value::Bool(true),
                        Value::Bool(false) => {}
                        _ => null = true,
                    }
                }
                if null {
                    Value::Null
                } else {
                    Value::Bool(false)
                }
            }
            Expr::Cmp(op, l, r) => compare(*op, &l.eval(row, file, memo), &r.eval(row, file, memo)),
            Expr::Like {
                expr,
                pattern,
                negated,
            } => {
                if let Expr::Field(f) = expr.as_ref()
                    && let Some(sym) = field::sym(*f, row)
                {
                    let found = memo.matches(pattern, sym, file.strings.get(sym));
                    return Value::Bool(found != *negated);
                }
                match expr.eval(row, file, memo) {
                    Value::Text(t) => Value::Bool(pattern.matches(&t) != *negated),
                    _ => Value::Null,
                }
            }
            Expr::InList {
                expr,
                list,
                negated,
            } => {
                let v = expr.eval(row, file, memo);
                if v == Value::Null {
                    return Value::Null;
                }
                let found = list.iter().any(|item| {
                    compare(CmpOp::Eq, &v, &item.eval(row, file, memo)) == Value::Bool(true)
                });
                Value::Bool(found != *negated)
            }
            Expr::IsNull { expr, negated } => {
                let v = expr.eval(row, file, memo);
                let is_null = match &v {
                    Value::Null => true,
                    Value::Text(t) => t.is_empty(),
                    _ => false,
                };
                Value::Bool(is_null != *negated)
            }
            Expr::Arith(op, l, r) => match (l.eval(row, file, memo), r.eval(row, file, memo)) {
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
            Expr::Neg(inner) => match inner.eval(row, file, memo) {
                Value::Number(n) => Value::Number(-n),
                _ => Value::Null,
            },
            Expr::Func(func, arg) => match (func, arg.eval(row, file, memo)) {
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

    /// A condition is remembered per string only when it reads one interned text field
    /// and nothing else; remembered or not, on every row of a real ledger (summaries and
    /// accounts repeat, so the memo is hit) it gives what evaluating it afresh gives.
    #[test]
    fn conditions_on_one_text_field_are_remembered_per_string() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample-data/ledgers/一中工会.csv");
        let file = crate::ledger::read::read_file(&path, "一中工会.csv", &Default::default())
            .expect("sample ledger");
        for (sql, by_text) in [
            (
                "摘要 NOT LIKE '%慰问%' AND 摘要 NOT LIKE '%抚恤%'",
                Some(Field::Summary),
            ),
            (
                "LENGTH(summary) > 8 OR summary IN ('购书', '会员生日蛋糕')",
                Some(Field::Summary),
            ),
            ("account LIKE '%活动%'", Some(Field::Account)),
            ("summary LIKE '%活动%' AND account LIKE '%支出%'", None),
            ("summary LIKE '%活动%' AND 金额 > 1000", None),
            ("金额 >= 500", None),
        ] {
            let condition = Condition::new(compile(sql).expect(sql));
            assert_eq!(condition.by_text.map(|(_, f, _)| f), by_text, "{sql}");
            let mut memo = LikeMemo::default();
            let mut held = 0;
            for row in &file.rows {
                let want = condition.expr.is_true(row, &file, &mut LikeMemo::default());
                assert_eq!(condition.holds(row, &file, &mut memo), want, "{sql}");
                held += usize::from(want);
            }
            assert!(held > 0 && held < file.rows.len(), "{sql}: {held} rows");
        }
    }

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
        assert!(LikePattern::new("%a_c%", false).matches("xxabcxx"));
        assert!(LikePattern::new("%a_c%", false).matches("aacabc"));
        assert!(!LikePattern::new("%a_c%", false).matches("acxac"));
        assert!(LikePattern::new("a%b%c", false).matches("abc"));
        assert!(!LikePattern::new("ab%bc", false).matches("abc"));
        assert!(LikePattern::new("%", false).matches(""));
        assert!(LikePattern::new("", false).matches(""));
        assert!(!LikePattern::new("", false).matches("a"));
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

    /// Brute-force LIKE, to check the linear matcher against.
    fn like_reference(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('%', rest)) => (0..=t.len()).any(|i| like_reference(rest, &t[i..])),
            Some((&c, rest)) => {
                !t.is_empty() && (c == '_' || c == t[0]) && like_reference(rest, &t[1..])
            }
        }
    }

    #[test]
    fn like_agrees_with_brute_force() {
        // Every pattern and text over a small alphabet, including segments longer than 64.
        let alphabet = ['a', 'b', '%', '_'];
        let mut patterns = vec![String::new()];
        for _ in 0..4 {
            let next: Vec<String> = patterns
                .iter()
                .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
                .collect();
            patterns.extend(next);
        }
        patterns.sort();
        patterns.dedup();
        let texts: Vec<String> = (0..64u32)
            .map(|bits| {
                (0..(bits % 7))
                    .map(|i| if bits >> i & 1 == 1 { 'a' } else { 'b' })
                    .collect()
            })
            .collect();
        for p in &patterns {
            let compiled = LikePattern::new(p, false);
            let mut general = compiled.clone();
            general.plain = None;
            let pc: Vec<char> = p.chars().collect();
            for t in &texts {
                let tc: Vec<char> = t.chars().collect();
                let want = like_reference(&pc, &tc);
                assert_eq!(compiled.matches(t), want, "{p:?} on {t:?}");
                assert_eq!(general.matches(t), want, "{p:?} on {t:?} (general)");
            }
        }
        let long: String = "ab".repeat(100);
        let pattern = format!("%{}%", "a_".repeat(70));
        assert!(LikePattern::new(&pattern, false).matches(&long));
        assert!(!LikePattern::new(&format!("{pattern}c"), false).matches(&long));
    }

    #[test]
    fn pathological_like_is_fast() {
        let text = "a".repeat(200_000);
        let pattern = format!("{}b", "%a".repeat(2_000));
        let started = std::time::Instant::now();
        assert!(!LikePattern::new(&pattern, false).matches(&text));
        let underscores = format!("%{}b%", "_".repeat(3_000));
        assert!(!LikePattern::new(&underscores, false).matches(&text));
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
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

    #[test]
    fn long_and_deep_conditions_are_clean_errors() {
        let chain = vec!["amount > 1"; 500].join(" OR ");
        assert!(compile(&chain).is_ok(), "a flat OR chain is fine");
        let arithmetic = format!("amount {} > 1", "+ 1 ".repeat(100));
        let err = compile(&arithmetic).unwrap_err();
        assert!(err.message.contains("nests more than"), "{}", err.message);
        let parens = format!("{}amount > 1{}", "(".repeat(200), ")".repeat(200));
        let err = compile(&parens).unwrap_err();
        assert!(err.message.contains("nested too deeply"), "{}", err.message);
        let nots = format!("{}closing", "NOT ".repeat(500));
        assert!(compile(&nots).is_err());
        let huge = vec!["amount > 1"; 2000].join(" AND ");
        let err = compile(&huge).unwrap_err();
        assert!(err.message.contains("limit"), "{}", err.message);
        let err = compile("amount > 1 AND summary").unwrap_err();
        assert!(
            err.message.contains("AND needs conditions"),
            "{}",
            err.message
        );
    }
}
