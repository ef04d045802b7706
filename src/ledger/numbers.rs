//! Small per-column numberings of cell texts, used on both sides of a large read: the
//! splitting thread numbers the cells of a position for the converter (`batch.rs`), and
//! the converter keeps one per column in front of the file's interner (`read.rs`). Most
//! cells repeat the cell above (the lines of one voucher share date, voucher, summary,
//! payee, unit): those are recognised with one comparison, without hashing; other repeats
//! are found in a table of at most [`TextTable::MAX`] texts.

/// `a == b` for the short cells of a ledger, compared a word at a time in line: the
/// library `memcmp` call cost more than the comparison itself here (a quarter of the
/// reader's time went to it in profiles).
pub fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let word = |s: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(s);
        u64::from_ne_bytes(w)
    };
    let mut a_words = a.chunks_exact(8);
    let mut b_words = b.chunks_exact(8);
    for (x, y) in a_words.by_ref().zip(b_words.by_ref()) {
        if word(x) != word(y) {
            return false;
        }
    }
    a_words
        .remainder()
        .iter()
        .zip(b_words.remainder())
        .all(|(x, y)| x == y)
}

/// The distinct texts of one column, each with a value made on first sight (its number
/// on the splitting thread, its symbol in the converter): the same text always has the
/// same value. Once [`TextTable::MAX`] texts are in, only a repeat of the last text looked
/// up is still recognised; other texts get nothing and cost no hashing (a column with
/// that many texts repeats little).
pub struct TextTable<V> {
    /// The texts in order of first sight, with their values; a text's number is its index.
    entries: Vec<(Box<str>, V)>,
    /// Numbers, found by the hash of their text.
    table: hashbrown::HashTable<u32>,
    /// The number of the last text looked up, when it had one.
    last: Option<u32>,
}

impl<V> Default for TextTable<V> {
    fn default() -> Self {
        TextTable {
            entries: Vec::new(),
            table: hashbrown::HashTable::new(),
            last: None,
        }
    }
}

impl<V: Copy> TextTable<V> {
    /// Texts kept per column at most.
    pub const MAX: usize = 4096;

    /// The value of `text`, made by `make` (given the text's number) when it is new;
    /// `None` when the table is full and `text` is not the last one.
    pub fn get_or_insert_with(&mut self, text: &str, make: impl FnOnce(u32) -> V) -> Option<V> {
        use std::hash::BuildHasher;
        if let Some(n) = self.last {
            let (known, value) = &self.entries[n as usize];
            if same_text(known, text) {
                return Some(*value);
            }
        }
        if self.entries.len() >= Self::MAX {
            return None;
        }
        let hash = rustc_hash::FxBuildHasher.hash_one(text);
        let entries = &self.entries;
        let n = match self
            .table
            .find(hash, |&n| same_text(&entries[n as usize].0, text))
        {
            Some(&n) => n,
            None => {
                let n = self.entries.len() as u32;
                self.entries.push((text.into(), make(n)));
                let entries = &self.entries;
                self.table.insert_unique(hash, n, |&n| {
                    rustc_hash::FxBuildHasher.hash_one(&*entries[n as usize].0)
                });
                n
            }
        };
        self.last = Some(n);
        Some(self.entries[n as usize].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn same_text_is_string_equality(a in "[a-c记-]{0,20}", b in "[a-c记-]{0,20}") {
            proptest::prop_assert_eq!(same_text(&a, &b), a == b);
            proptest::prop_assert!(same_text(&a, &a.clone()));
        }
    }

    #[test]
    fn same_text_sees_a_difference_anywhere() {
        let base = "江城第一中学工会-2024-记-123";
        for at in 0..base.len() {
            let mut bytes = base.as_bytes().to_vec();
            bytes[at] ^= 1;
            let other = String::from_utf8_lossy(&bytes);
            assert!(!same_text(base, &other), "{at}");
        }
    }

    #[test]
    fn texts_keep_their_values_until_the_table_is_full() {
        let mut table: TextTable<u32> = TextTable::default();
        let mut number = |text: &str| table.get_or_insert_with(text, |n| n + 100);
        assert_eq!(number("甲"), Some(100));
        assert_eq!(number("甲"), Some(100));
        assert_eq!(number("乙"), Some(101));
        assert_eq!(number("甲"), Some(100));
        for i in 2..TextTable::<u32>::MAX {
            assert_eq!(number(&format!("t{i}")), Some(100 + i as u32));
        }
        // Full: the last text is still recognised, nothing else is looked up or added.
        let last = format!("t{}", TextTable::<u32>::MAX - 1);
        let last_value = Some(100 + TextTable::<u32>::MAX as u32 - 1);
        assert_eq!(number(&last), last_value);
        assert_eq!(number("甲"), None);
        assert_eq!(number("新"), None);
        assert_eq!(number(&last), last_value);
    }
}
