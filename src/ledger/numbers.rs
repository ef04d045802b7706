//! Small per-column numberings of cell texts, used on both sides of a large read: the
//! splitting thread numbers the cells of a position for the converter (`batch.rs`), and
//! the converter keeps one per column in front of the file's interner (`read.rs`). Most
//! cells repeat the cell above (the lines of one voucher share date, voucher, summary,
//! payee, unit): those are recognised with one comparison, without hashing; other repeats
//! are found in a table of at most [`TextNumbers::MAX`] texts.

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

/// Numbers for the distinct texts of one column, in order of first sight: the same text
/// always has the same number. Once [`TextNumbers::MAX`] texts are numbered, only a
/// repeat of the last text numbered is still recognised; other texts get no number and
/// cost no hashing (a column with that many texts repeats little).
#[derive(Default)]
pub struct TextNumbers {
    /// The numbered texts; a text's number is its index.
    texts: Vec<Box<str>>,
    /// Numbers, found by the hash of their text.
    table: hashbrown::HashTable<u32>,
    /// The number of the last text looked up, when it had one.
    last: Option<u32>,
}

/// The number of a text, and whether this lookup gave it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Number {
    Known(u32),
    New(u32),
}

impl Number {
    pub fn get(self) -> u32 {
        match self {
            Number::Known(n) | Number::New(n) => n,
        }
    }
}

impl TextNumbers {
    /// Texts numbered per column at most.
    pub const MAX: usize = 4096;

    /// The number of `text`; `None` when the table is full and `text` is not the last one.
    pub fn number(&mut self, text: &str) -> Option<Number> {
        use std::hash::BuildHasher;
        let texts = &self.texts;
        let same = |n: u32| same_text(&texts[n as usize], text);
        if let Some(n) = self.last
            && same(n)
        {
            return Some(Number::Known(n));
        }
        if self.texts.len() >= Self::MAX {
            return None;
        }
        let hash = rustc_hash::FxBuildHasher.hash_one(text);
        let number = match self.table.find(hash, |&n| same(n)).copied() {
            Some(n) => Number::Known(n),
            None => {
                let n = self.texts.len() as u32;
                self.texts.push(text.into());
                let texts = &self.texts;
                self.table.insert_unique(hash, n, |&n| {
                    rustc_hash::FxBuildHasher.hash_one(&*texts[n as usize])
                });
                Number::New(n)
            }
        };
        self.last = Some(number.get());
        Some(number)
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
    fn texts_keep_their_numbers_until_the_table_is_full() {
        let mut numbers = TextNumbers::default();
        assert_eq!(numbers.number("甲"), Some(Number::New(0)));
        assert_eq!(numbers.number("甲"), Some(Number::Known(0)));
        assert_eq!(numbers.number("乙"), Some(Number::New(1)));
        assert_eq!(numbers.number("甲"), Some(Number::Known(0)));
        for i in 2..TextNumbers::MAX {
            assert_eq!(
                numbers.number(&format!("t{i}")),
                Some(Number::New(i as u32))
            );
        }
        // Full: the last text is still recognised, nothing else is looked up or added.
        let last = format!("t{}", TextNumbers::MAX - 1);
        assert_eq!(
            numbers.number(&last),
            Some(Number::Known(TextNumbers::MAX as u32 - 1))
        );
        assert_eq!(numbers.number("甲"), None);
        assert_eq!(numbers.number("新"), None);
        assert_eq!(
            numbers.number(&last),
            Some(Number::Known(TextNumbers::MAX as u32 - 1))
        );
    }
}
