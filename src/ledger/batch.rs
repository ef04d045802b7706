//! Splitting a large text file on a second thread: one thread finds lines, decodes them
//! and splits fields ([`TextRecords`]) while the calling thread converts the records it
//! already has into rows. Records travel in batches, in file order, through a bounded
//! channel, so the reader sees exactly the records, line numbers and errors it would see
//! reading alone, and memory stays bounded (a few batches in flight).
//!
//! Converting a row costs more than splitting it, so the splitting thread also numbers
//! the texts of the columns the converter interns (summary, payee, account …; the
//! converter names them once it has found the header): the converter then maps a number
//! it has seen to its symbol by index, without hashing or comparing the text. With that
//! the two stages cost about the same per row, and a large file is read in a little over
//! half the time on two cores. Small files are read on one thread ([`PIPELINE_MIN_BYTES`]).

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use super::grid::CellError;
use super::text::{AppendedCells, TextRecords};

/// Files smaller than this are read on one thread: starting a thread costs more than it
/// saves, and a scan of many small files is already parallel across files.
pub const PIPELINE_MIN_BYTES: u64 = 4 << 20;
/// Records per batch.
const BATCH_RECORDS: usize = 2048;
/// Batches in flight between the two threads.
const BATCHES_IN_FLIGHT: usize = 4;

/// One record of a batch: its cells end at the next `count` entries of [`Batch::ends`];
/// they are back to back, or, when `gapped`, one delimiter byte apart (the line as read).
struct Record {
    line: u64,
    cells: AppendedCells,
    unterminated: bool,
    /// Physical lines joined into this record by quoted line breaks.
    joined: u64,
}

/// No id: the cell's position is not wanted, or its table is full.
pub const NO_ID: u32 = u32::MAX;
/// Distinct texts numbered per cell position.
const MAX_IDS: usize = 4096;

/// Numbers for the texts met at one cell position, so the converting thread can map a
/// repeated cell to its symbol by index instead of hashing and comparing it: the
/// splitting thread has time to spare, the converting one sets the pace. The same text
/// at the same position always gets the same number; once [`MAX_IDS`] texts are numbered
/// new ones get [`NO_ID`].
#[derive(Default)]
struct PositionIds {
    /// The numbered texts; a text's number is its index.
    texts: Vec<Box<str>>,
    /// Numbers, found by the hash of their text.
    table: hashbrown::HashTable<u32>,
    /// The number of the last text seen, when it had one: most cells repeat the one above.
    last: Option<u32>,
}

impl PositionIds {
    fn id(&mut self, text: &str) -> u32 {
        use std::hash::BuildHasher;
        let texts = &self.texts;
        let same = |id: u32| super::read::same_text(&texts[id as usize], text);
        if let Some(id) = self.last
            && same(id)
        {
            return id;
        }
        let hash = rustc_hash::FxBuildHasher.hash_one(text);
        let found = self.table.find(hash, |&id| same(id)).copied();
        let id = match found {
            Some(id) => id,
            None if self.texts.len() < MAX_IDS => {
                let id = self.texts.len() as u32;
                self.texts.push(text.into());
                let texts = &self.texts;
                self.table.insert_unique(hash, id, |&id| {
                    rustc_hash::FxBuildHasher.hash_one(&*texts[id as usize])
                });
                id
            }
            None => NO_ID,
        };
        self.last = (id != NO_ID).then_some(id);
        id
    }
}

/// Records split by the producer thread, their cells back to back in one string: the
/// consumer reads it front to back, which keeps its caches warm (one string per cell
/// scattered over the heap was 25% slower). Batches go back to the producer once read,
/// so after the first few nothing is allocated.
#[derive(Default)]
struct Batch {
    records: Vec<Record>,
    text: String,
    /// End offset in `text` of each cell.
    ends: Vec<usize>,
    /// Per cell, its text's number at its position, or [`NO_ID`].
    ids: Vec<u32>,
    /// The input failed after the records of this batch; the file ends here.
    error: Option<io::Error>,
}

/// A record handed to the consumer: line, cells or error, unterminated, and the numbers
/// of its cells with the positions the consumer wants numbered.
pub type Consumed<'c> = (
    u64,
    Result<&'c [&'c str], CellError>,
    bool,
    Option<super::grid::RecordIds<'c>>,
);

/// Reads every record of `records` on a second thread and hands them, in order, to
/// `consume` on this one; `consume` returns false to stop. Returns the physical lines
/// joined into the records consumed (not those read ahead) and the input error, if any.
pub fn run(
    mut records: TextRecords<'_>,
    consume: &mut dyn FnMut(Consumed<'_>) -> Result<bool, String>,
) -> Result<(u64, Option<io::Error>), String> {
    let (tx, rx) = mpsc::sync_channel::<Batch>(BATCHES_IN_FLIGHT);
    // Cell positions (below 64) whose texts the consumer wants numbered; set by it once
    // it knows the header.
    let wanted = AtomicU64::new(0);
    let wanted = &wanted;
    let (recycle_tx, recycle_rx) = mpsc::channel::<Batch>();
    std::thread::scope(|scope| {
        // A GBK file's lines are transcoded on the splitting thread, which then has no
        // time to spare: numbering there made GBK reads 12% slower.
        let numbering = !records.transcodes();
        let producer = scope.spawn(move || {
            let mut positions: Vec<PositionIds> = Vec::new();
            loop {
                let mut batch = recycle_rx.try_recv().unwrap_or_default();
                batch.records.clear();
                batch.text.clear();
                batch.ends.clear();
                batch.ids.clear();
                let mut done = false;
                while batch.records.len() < BATCH_RECORDS {
                    let joined_before = records.joined_lines;
                    let first_end = batch.ends.len();
                    match records.next_record_into(&mut batch.text, &mut batch.ends) {
                        Ok(Some((line, cells))) => {
                            let mask = if numbering {
                                wanted.load(Ordering::Relaxed)
                            } else {
                                0
                            };
                            if let Ok((count, gapped)) = cells {
                                let gap = usize::from(gapped);
                                let mut start =
                                    first_end.checked_sub(1).map_or(0, |last| batch.ends[last]);
                                for pos in 0..count {
                                    let end = batch.ends[first_end + pos];
                                    let id = if pos < 64 && mask & (1 << pos) != 0 {
                                        if positions.len() <= pos {
                                            positions.resize_with(pos + 1, Default::default);
                                        }
                                        let text = batch.text.get(start..end).unwrap_or("");
                                        positions[pos].id(text)
                                    } else {
                                        NO_ID
                                    };
                                    batch.ids.push(id);
                                    start = end + gap;
                                }
                            }
                            batch.records.push(Record {
                                line,
                                cells,
                                unterminated: records.last_unterminated,
                                joined: records.joined_lines - joined_before,
                            });
                        }
                        Ok(None) => {
                            done = true;
                            break;
                        }
                        Err(e) => {
                            batch.error = Some(e);
                            done = true;
                            break;
                        }
                    }
                }
                // A closed channel: the consumer stopped early.
                if tx.send(batch).is_err() || done {
                    return;
                }
            }
        });
        let mut error = None;
        let mut joined = 0;
        let mut outcome = Ok(());
        'batches: for mut batch in rx.iter() {
            // The cells of every record of the batch, as slices of its text: nothing is
            // copied on this side.
            let mut cells: Vec<&str> = Vec::with_capacity(batch.ends.len());
            let (mut start, mut cell) = (0, 0);
            for record in &batch.records {
                if let Ok((count, gapped)) = record.cells {
                    let gap = usize::from(gapped);
                    for &end in &batch.ends[cell..cell + count] {
                        cells.push(batch.text.get(start..end).unwrap_or(""));
                        start = end + gap;
                    }
                    cell += count;
                    // The next record starts where this one's last cell ends.
                    start = batch.ends[..cell].last().copied().unwrap_or(0);
                }
            }
            let mut cell = 0;
            for record in batch.records.drain(..) {
                let (res, ids) = match record.cells {
                    Ok((count, _)) => {
                        let record_cells = &cells[cell..cell + count];
                        let ids = super::grid::RecordIds {
                            ids: &batch.ids[cell..cell + count],
                            wanted,
                        };
                        cell += count;
                        (Ok(record_cells), Some(ids))
                    }
                    Err(e) => (Err(e), None),
                };
                joined += record.joined;
                match consume((record.line, res, record.unterminated, ids)) {
                    Ok(true) => {}
                    Ok(false) => break 'batches,
                    Err(e) => {
                        outcome = Err(e);
                        break 'batches;
                    }
                }
            }
            if batch.error.is_some() {
                error = batch.error;
                break;
            }
            // The producer may have finished: then the batch is just dropped.
            let _ = recycle_tx.send(batch);
        }
        // Dropping the receiver makes the producer's next send fail: it stops.
        drop(rx);
        producer
            .join()
            .map_err(|_| "读取线程异常退出 (the reading thread panicked)".to_string())?;
        outcome.map(|()| (joined, error))
    })
}
