//! Numbers for the strings of a scan, shared by all its files: the same text has the same
//! number in every file, and numbers follow the texts' sorted order. Detectors group rows
//! by payee, summary or account with these integers instead of hashing and comparing the
//! strings (a file's own symbols cannot be used: two monthly files of one union number
//! the same payee differently).

use rayon::slice::ParallelSliceMut;

use crate::ledger::{LedgerFile, Sym};

/// Per file, the scan-wide number of each of its symbols.
#[derive(Debug, Default)]
pub struct TextIds {
    per_file: Vec<Vec<u32>>,
}

impl TextIds {
    pub fn new(files: &[LedgerFile]) -> TextIds {
        let mut all: Vec<(&str, u32, u32)> = files
            .iter()
            .enumerate()
            .flat_map(|(f, file)| {
                (0..file.strings.len() as u32).map(move |s| (file.strings.get(Sym(s)), f as u32, s))
            })
            .collect();
        all.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut per_file: Vec<Vec<u32>> = files.iter().map(|f| vec![0; f.strings.len()]).collect();
        let mut id = 0u32;
        for (i, &(text, f, s)) in all.iter().enumerate() {
            if i > 0 && all[i - 1].0 != text {
                id += 1;
            }
            per_file[f as usize][s as usize] = id;
        }
        TextIds { per_file }
    }

    /// The number of `sym` of file `file`.
    #[inline]
    pub fn get(&self, file: u32, sym: Sym) -> u32 {
        self.per_file[file as usize][sym.0 as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_text_same_number_in_sorted_order() {
        let mut a = LedgerFile::empty("a");
        let mut b = LedgerFile::empty("b");
        let (a_x, a_y) = (a.strings.intern("乙"), a.strings.intern("甲"));
        let (b_y, b_z) = (b.strings.intern("甲"), b.strings.intern("丙"));
        let ids = TextIds::new(&[a, b]);
        assert_eq!(ids.get(0, a_y), ids.get(1, b_y));
        assert_ne!(ids.get(0, a_x), ids.get(0, a_y));
        // Sorted order of the texts: "" < 丙 < 乙 < 甲 (code points).
        assert_eq!(ids.get(0, Sym::EMPTY), 0);
        assert!(ids.get(1, b_z) < ids.get(0, a_x));
        assert!(ids.get(0, a_x) < ids.get(0, a_y));
        assert_eq!(ids.get(1, Sym::EMPTY), 0);
    }
}
