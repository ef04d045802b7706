//! Keyword conditions (`any` / `all` / `groups` / `none`) on summary, payee and account,
//! matched for all rules at once.
//!
//! Every keyword of every rule goes into one Aho-Corasick automaton. A distinct string is
//! searched once per file (strings are interned), giving the sorted set of keyword ids it
//! contains; each rule then only tests set membership. Cost therefore grows with the
//! number of distinct strings, not with rows × rules.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::ledger::{LedgerFile, Row, Sym, value};

/// Which text a keyword condition looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextField {
    Summary,
    Payee,
    Account,
    /// Summary, payee or account.
    Text,
}

impl TextField {
    pub fn name(self) -> &'static str {
        match self {
            TextField::Summary => "summary",
            TextField::Payee => "payee",
            TextField::Account => "account",
            TextField::Text => "text",
        }
    }
}

/// A compiled keyword condition; ids index [`KeywordSet::keywords`].
#[derive(Clone, Debug, Default)]
pub struct KeywordCond {
    pub field: Option<TextField>,
    pub any: Vec<u32>,
    pub all: Vec<u32>,
    pub groups: Vec<Vec<u32>>,
    pub none: Vec<u32>,
}

/// All keywords of a rule set and the automaton that finds them.
#[derive(Debug)]
pub struct KeywordSet {
    pub keywords: Vec<String>,
    automaton: Option<AhoCorasick>,
}

/// Normalises text for keyword matching: full-width to ASCII, ASCII lower case.
pub fn normalize(text: &str) -> String {
    value::to_half_width(text).to_ascii_lowercase()
}

/// Collects keywords and hands out ids while rules compile.
#[derive(Debug, Default)]
pub struct KeywordInterner {
    keywords: Vec<String>,
    index: std::collections::HashMap<String, u32>,
}

impl KeywordInterner {
    pub fn id(&mut self, keyword: &str) -> u32 {
        let normalized = normalize(keyword.trim());
        if let Some(&id) = self.index.get(&normalized) {
            return id;
        }
        let id = self.keywords.len() as u32;
        self.keywords.push(normalized.clone());
        self.index.insert(normalized, id);
        id
    }

    pub fn build(self) -> KeywordSet {
        let automaton = if self.keywords.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(&self.keywords)
                .ok()
        };
        KeywordSet {
            keywords: self.keywords,
            automaton,
        }
    }
}

impl KeywordSet {
    /// Sorted ids of the keywords contained in `text`.
    pub fn find(&self, text: &str) -> Vec<u32> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        if text.is_empty() {
            return Vec::new();
        }
        let normalized = normalize(text);
        let mut ids: Vec<u32> = ac
            .find_overlapping_iter(&normalized)
            .map(|m| m.pattern().as_u32())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// Per-file cache of keyword hits per interned string.
pub struct HitCache<'a> {
    set: &'a KeywordSet,
    file: &'a LedgerFile,
    cache: Vec<Option<Box<[u32]>>>,
    /// Per account symbol: 0 unknown, else 1 + (bit 0: contains 支出, bit 1: contains 收入).
    account_class: Vec<u8>,
    /// The `text` hits of the last row asked for (all rules ask about the same row in turn).
    text_key: Option<(Sym, Sym, Sym)>,
    text_hits: Vec<u32>,
}

impl<'a> HitCache<'a> {
    pub fn new(set: &'a KeywordSet, file: &'a LedgerFile) -> Self {
        HitCache {
            set,
            file,
            cache: vec![None; file.strings.len()],
            account_class: vec![0; file.strings.len()],
            text_key: None,
            text_hits: Vec::new(),
        }
    }

    fn hits(&mut self, sym: Sym) -> &[u32] {
        let idx = sym.0 as usize;
        if self.cache[idx].is_none() {
            self.cache[idx] = Some(self.set.find(self.file.strings.get(sym)).into_boxed_slice());
        }
        self.cache[idx].as_deref().unwrap_or(&[])
    }

    /// Whether an account path names an expense (支出) and an income (收入) account,
    /// computed once per distinct account.
    pub fn account_class(&mut self, account: Sym) -> (bool, bool) {
        let idx = account.0 as usize;
        if self.account_class[idx] == 0 {
            let name = self.file.strings.get(account);
            self.account_class[idx] =
                1 + u8::from(name.contains("支出")) + 2 * u8::from(name.contains("收入"));
        }
        let class = self.account_class[idx] - 1;
        (class & 1 != 0, class & 2 != 0)
    }

    /// Keyword ids found in `field` of `row` (borrowed unless several fields combine).
    pub fn field_hits(&mut self, field: TextField, row: &Row) -> std::borrow::Cow<'_, [u32]> {
        use std::borrow::Cow;
        match field {
            TextField::Summary => Cow::Borrowed(self.hits(row.summary)),
            TextField::Payee => Cow::Borrowed(self.hits(row.payee)),
            TextField::Account => Cow::Borrowed(self.hits(row.account)),
            TextField::Text => {
                let key = (row.summary, row.payee, row.account);
                if self.text_key != Some(key) {
                    let mut all = self.hits(row.summary).to_vec();
                    all.extend_from_slice(self.hits(row.payee));
                    all.extend_from_slice(self.hits(row.account));
                    all.sort_unstable();
                    all.dedup();
                    self.text_hits = all;
                    self.text_key = Some(key);
                }
                Cow::Borrowed(&self.text_hits)
            }
        }
    }
}

impl KeywordCond {
    /// Whether `hits` (sorted ids) satisfy the condition; on success, the ids that matched.
    pub fn check(&self, hits: &[u32]) -> Option<Vec<u32>> {
        // Most strings contain no keyword at all.
        if hits.is_empty() {
            let needs_hit = !self.any.is_empty() || !self.all.is_empty() || !self.groups.is_empty();
            return if needs_hit { None } else { Some(Vec::new()) };
        }
        let has = |id: &u32| hits.binary_search(id).is_ok();
        if self.none.iter().any(has) {
            return None;
        }
        if !self.all.iter().all(has) {
            return None;
        }
        if !self.any.is_empty() && !self.any.iter().any(has) {
            return None;
        }
        if !self.groups.iter().all(|g| g.iter().any(has)) {
            return None;
        }
        let mut matched: Vec<u32> = self
            .any
            .iter()
            .chain(&self.all)
            .chain(self.groups.iter().flatten())
            .copied()
            .filter(|id| has(id))
            .collect();
        matched.sort_unstable();
        matched.dedup();
        Some(matched)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_and_exclusions() {
        let mut interner = KeywordInterner::default();
        let card = interner.id("购物卡");
        let bank_fee = interner.id("手续费");
        let ktv = interner.id("KTV");
        let set = interner.build();
        assert_eq!(set.find("购买购物卡"), vec![card]);
        assert_eq!(set.find("ktv包厢"), vec![ktv]);
        assert_eq!(set.find("ＫＴＶ"), vec![ktv]);
        let cond = KeywordCond {
            field: Some(TextField::Summary),
            any: vec![card],
            none: vec![bank_fee],
            ..Default::default()
        };
        assert!(cond.check(&set.find("购物卡")).is_some());
        assert!(cond.check(&set.find("购物卡手续费")).is_none());
        assert!(cond.check(&set.find("会员活动")).is_none());
    }
}
