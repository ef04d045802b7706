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

/// A set of keyword ids as a bitmap: membership in one load, whatever the list length.
#[derive(Clone, Debug, Default)]
pub struct IdSet(Vec<u64>);

impl IdSet {
    pub fn new(ids: &[u32]) -> IdSet {
        let mut bits = vec![0u64; ids.iter().max().map_or(0, |m| *m as usize / 64 + 1)];
        for &id in ids {
            bits[id as usize / 64] |= 1 << (id % 64);
        }
        IdSet(bits)
    }

    pub fn contains(&self, id: u32) -> bool {
        self.0
            .get(id as usize / 64)
            .is_some_and(|w| w & (1 << (id % 64)) != 0)
    }

    /// True when any of the (few) `hits` is in the set.
    pub fn any_in(&self, hits: &[u32]) -> bool {
        hits.iter().any(|&id| self.contains(id))
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
    /// The lists above as bitmaps: a string hits one to three keywords, so checking each
    /// hit against a bitmap beats searching every listed keyword in the hits.
    any_set: IdSet,
    none_set: IdSet,
    group_sets: Vec<IdSet>,
    /// Every id that counts as matched (any, all, groups).
    matched_set: IdSet,
}

/// All keywords of a rule set and the automaton that finds them.
#[derive(Debug)]
pub struct KeywordSet {
    pub keywords: Vec<String>,
    automaton: Option<AhoCorasick>,
}

/// Normalises text for keyword matching: full-width to ASCII, ASCII lower case (borrowed
/// when there is nothing to change: most summaries, each looked at once).
pub fn normalize(text: &str) -> std::borrow::Cow<'_, str> {
    let half = value::to_half_width(text);
    if half.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(half.to_ascii_lowercase())
    } else {
        half
    }
}

/// Collects keywords and hands out ids while rules compile.
#[derive(Debug, Default)]
pub struct KeywordInterner {
    keywords: Vec<String>,
    index: std::collections::HashMap<String, u32>,
}

impl KeywordInterner {
    pub fn id(&mut self, keyword: &str) -> u32 {
        let normalized = normalize(keyword.trim()).into_owned();
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
            .find_overlapping_iter(normalized.as_ref())
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
    /// Per symbol: 0 not yet looked at, else 1 + the index of its hit list in `lists`
    /// (4 bytes per distinct string of the file: a big file has millions).
    slots: Vec<u32>,
    /// (start, end) of each hit list in `ids`.
    lists: Vec<(u32, u32)>,
    ids: Vec<u32>,
    /// Per account symbol: 0 unknown, else 1 + (bit 0: contains 支出, bit 1: contains 收入).
    account_class: Vec<u8>,
    /// The `text` hits of the last row asked for (all rules ask about the same row in turn).
    text_key: Option<(Sym, Sym, Sym)>,
    text_hits: Vec<u32>,
    /// `LIKE` results of `[match].where` conditions, per pattern and string.
    pub like: super::sql::LikeMemo,
}

impl<'a> HitCache<'a> {
    pub fn new(set: &'a KeywordSet, file: &'a LedgerFile) -> Self {
        HitCache {
            set,
            file,
            slots: vec![0; file.strings.len()],
            lists: Vec::new(),
            ids: Vec::new(),
            account_class: vec![0; file.strings.len()],
            text_key: None,
            text_hits: Vec::new(),
            like: Default::default(),
        }
    }

    /// Keyword ids found in the string `sym` (computed once per string; inlined: the
    /// scan asks about every row's summary, payee and account).
    #[inline]
    pub fn hits(&mut self, sym: Sym) -> &[u32] {
        let idx = sym.0 as usize;
        if self.slots[idx] == 0 {
            self.find_hits(sym);
        }
        let (start, end) = self.lists[self.slots[idx] as usize - 1];
        &self.ids[start as usize..end as usize]
    }

    /// The first look at `sym`: searches its text and keeps the hits.
    #[cold]
    fn find_hits(&mut self, sym: Sym) {
        let start = self.ids.len() as u32;
        self.ids.extend(self.set.find(self.file.strings.get(sym)));
        self.lists.push((start, self.ids.len() as u32));
        self.slots[sym.0 as usize] = self.lists.len() as u32;
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
                    // The list's buffer is kept from row to row: most rows change the key.
                    let mut all = std::mem::take(&mut self.text_hits);
                    all.clear();
                    all.extend_from_slice(self.hits(row.summary));
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
    /// The same condition: same field and lists (the bitmaps follow from the lists).
    pub fn same_as(&self, other: &KeywordCond) -> bool {
        self.field == other.field
            && self.any == other.any
            && self.all == other.all
            && self.groups == other.groups
            && self.none == other.none
    }

    pub fn new(
        field: TextField,
        any: Vec<u32>,
        all: Vec<u32>,
        groups: Vec<Vec<u32>>,
        none: Vec<u32>,
    ) -> KeywordCond {
        let mut matched: Vec<u32> = any
            .iter()
            .chain(&all)
            .chain(groups.iter().flatten())
            .copied()
            .collect();
        matched.sort_unstable();
        KeywordCond {
            field: Some(field),
            any_set: IdSet::new(&any),
            none_set: IdSet::new(&none),
            group_sets: groups.iter().map(|g| IdSet::new(g)).collect(),
            matched_set: IdSet::new(&matched),
            any,
            all,
            groups,
            none,
        }
    }

    /// Whether `hits` (sorted ids) satisfy the condition; on success, the ids that matched.
    pub fn check(&self, hits: &[u32]) -> Option<Vec<u32>> {
        let mut matched = Vec::new();
        self.check_into(hits, &mut matched).then_some(matched)
    }

    /// [`KeywordCond::check`] appending the matched ids to `matched` (the scan keeps one
    /// list for all rows); false when the condition fails, `matched` then holds anything.
    pub fn check_into(&self, hits: &[u32], matched: &mut Vec<u32>) -> bool {
        // Most strings contain no keyword at all.
        if hits.is_empty() {
            return self.any.is_empty() && self.all.is_empty() && self.groups.is_empty();
        }
        let has = |id: &u32| hits.binary_search(id).is_ok();
        if self.none_set.any_in(hits)
            || !self.all.iter().all(has)
            || (!self.any.is_empty() && !self.any_set.any_in(hits))
            || !self.group_sets.iter().all(|g| g.any_in(hits))
        {
            return false;
        }
        // `hits` is sorted and deduplicated, so the result is too.
        matched.extend(
            hits.iter()
                .copied()
                .filter(|&id| self.matched_set.contains(id)),
        );
        true
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
        let cond = KeywordCond::new(
            TextField::Summary,
            vec![card],
            vec![],
            vec![],
            vec![bank_fee],
        );
        assert!(cond.check(&set.find("购物卡")).is_some());
        assert!(cond.check(&set.find("购物卡手续费")).is_none());
        assert!(cond.check(&set.find("会员活动")).is_none());
    }
}
