//! Splitting a large text file on a second thread: one thread finds lines, decodes them
//! and splits fields ([`TextRecords`]) while the calling thread converts the records it
//! already has into rows. Records travel in batches, in file order, through a bounded
//! channel, so the reader sees exactly the records, line numbers and errors it would see
//! reading alone, and memory stays bounded (a few batches in flight).
//!
//! Converting a row costs more than splitting it, so the splitting thread also numbers
//! the texts of the columns the converter interns (summary, payee, account …; the
//! converter names them once it has found the header): the converter then maps a number
//! it has seen to its symbol by index, without hashing or comparing the text. How many of
//! those columns the splitting thread numbers is balanced while reading ([`Share`]): the
//! thread that waits for the other gets more of the work. With that the two stages cost
//! about the same per row whatever the file's encoding and columns, and a large file is
//! read in a little over half the time on two cores. Small files are read on one thread
//! ([`PIPELINE_MIN_BYTES`]).

use std::io;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
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
    /// No cell has whitespace to trim ([`TextRecords::last_trimmed`]).
    trimmed: bool,
    /// Physical lines joined into this record by quoted line breaks.
    joined: u64,
}

/// No id: the cell's position is not wanted, or its table is full
/// ([`super::numbers::TextTable`] of numbers, one per position: the same text at the same position
/// always gets the same number).
pub const NO_ID: u32 = u32::MAX;

/// How many of the wanted positions the splitting thread numbers, the lowest first; the
/// converter numbers the rest itself through its column caches. Numbering a cell costs
/// about the same on either thread, so moving positions moves work: after each batch the
/// converter takes one position if it had to wait for the batch, and gives one back if
/// the splitting thread had to wait for room in the channel. Which thread numbers a cell
/// changes nothing in the rows read, only the time.
struct Share {
    positions: AtomicU32,
    /// Set by the splitting thread when it found the channel full.
    producer_waited: AtomicBool,
}

impl Share {
    fn new() -> Share {
        Share {
            positions: AtomicU32::new(u64::BITS),
            producer_waited: AtomicBool::new(false),
        }
    }

    /// How many of the positions in `wanted` the splitting thread numbers now.
    fn numbered(&self, wanted: u64) -> u32 {
        self.positions
            .load(Ordering::Relaxed)
            .min(wanted.count_ones())
    }

    /// The positions of `wanted` the splitting thread numbers now.
    fn mask(&self, wanted: u64) -> u64 {
        lowest_bits(wanted, self.numbered(wanted))
    }

    /// After the converter received a batch: `consumer_waited` if it found none ready.
    /// Only the converter calls this, so the load and store need no compare-and-swap.
    fn rebalance(&self, consumer_waited: bool, wanted: u64) {
        let producer_waited = self.producer_waited.swap(false, Ordering::Relaxed);
        if wanted == 0 {
            // The header is not found yet: nothing to share.
            return;
        }
        let now = self.numbered(wanted);
        let next = match (consumer_waited, producer_waited) {
            (true, false) => now.saturating_sub(1),
            (false, true) => (now + 1).min(wanted.count_ones()),
            _ => now,
        };
        self.positions.store(next, Ordering::Relaxed);
    }
}

/// The `n` lowest set bits of `mask`.
fn lowest_bits(mut mask: u64, n: u32) -> u64 {
    let mut kept = 0;
    for _ in 0..n {
        if mask == 0 {
            break;
        }
        let bit = mask & mask.wrapping_neg();
        kept |= bit;
        mask ^= bit;
    }
    kept
}

/// Records split by the producer thread, their cells in one string (back to back, or one
/// delimiter apart, see [`Record`]): the
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
    let share = Share::new();
    let share = &share;
    let (recycle_tx, recycle_rx) = mpsc::channel::<Batch>();
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || {
            let mut positions: Vec<super::numbers::TextTable<u32>> = Vec::new();
            positions.resize_with(u64::BITS as usize, Default::default);
            loop {
                let mut batch = recycle_rx.try_recv().unwrap_or_default();
                batch.records.clear();
                batch.text.clear();
                batch.ends.clear();
                batch.ids.clear();
                let mask = share.mask(wanted.load(Ordering::Relaxed));
                let mut done = false;
                while batch.records.len() < BATCH_RECORDS {
                    let joined_before = records.joined_lines;
                    let first_end = batch.ends.len();
                    match records.next_record_into(&mut batch.text, &mut batch.ends) {
                        Ok(Some((line, cells))) => {
                            if let Ok((count, gapped)) = cells {
                                // Only the positions of the mask are visited.
                                let first = batch.ids.len();
                                batch.ids.resize(first + count, NO_ID);
                                let ends = &batch.ends[first_end..first_end + count];
                                let record_start =
                                    first_end.checked_sub(1).map_or(0, |last| batch.ends[last]);
                                let below = u64::MAX.checked_shr(64 - count.min(64) as u32);
                                let mut todo = mask & below.unwrap_or(0);
                                while todo != 0 {
                                    let pos = todo.trailing_zeros() as usize;
                                    todo &= todo - 1;
                                    let start = match pos {
                                        0 => record_start,
                                        _ => ends[pos - 1] + usize::from(gapped),
                                    };
                                    let text = batch.text.get(start..ends[pos]).unwrap_or("");
                                    batch.ids[first + pos] = positions[pos]
                                        .get_or_insert_with(text, |n| n)
                                        .unwrap_or(NO_ID);
                                }
                            }
                            batch.records.push(Record {
                                line,
                                cells,
                                unterminated: records.last_unterminated,
                                trimmed: records.last_trimmed,
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
                let sent = match tx.try_send(batch) {
                    Ok(()) => Ok(()),
                    Err(mpsc::TrySendError::Full(batch)) => {
                        share.producer_waited.store(true, Ordering::Relaxed);
                        tx.send(batch).map_err(|_| ())
                    }
                    Err(mpsc::TrySendError::Disconnected(_)) => Err(()),
                };
                // A closed channel: the consumer stopped early.
                if sent.is_err() || done {
                    return;
                }
            }
        });
        let mut error = None;
        let mut joined = 0;
        let mut outcome = Ok(());
        // Batches received, and the sum over them of the positions the splitting thread
        // was given (for the debug log).
        let (mut batches, mut shared) = (0u64, 0u64);
        let mut next_batch = || {
            let (batch, waited) = match rx.try_recv() {
                Ok(batch) => (Some(batch), false),
                Err(mpsc::TryRecvError::Empty) => (rx.recv().ok(), true),
                Err(mpsc::TryRecvError::Disconnected) => (None, false),
            };
            let wanted = wanted.load(Ordering::Relaxed);
            share.rebalance(waited, wanted);
            if batch.is_some() {
                batches += 1;
                shared += u64::from(share.numbered(wanted));
            }
            batch
        };
        'batches: while let Some(mut batch) = next_batch() {
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
                            trimmed: record.trimmed,
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
        tracing::debug!(
            batches,
            splitter_numbered_per_batch = format!("{:.2}", shared as f64 / batches.max(1) as f64),
            of = wanted.load(Ordering::Relaxed).count_ones(),
            "two-thread read done"
        );
        // Dropping the receiver makes the producer's next send fail: it stops.
        drop(rx);
        producer
            .join()
            .map_err(|_| "读取线程异常退出 (the reading thread panicked)".to_string())?;
        outcome.map(|()| (joined, error))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowest_bits_keeps_the_lowest_positions() {
        assert_eq!(lowest_bits(0b1011_0110, 0), 0);
        assert_eq!(lowest_bits(0b1011_0110, 2), 0b0000_0110);
        assert_eq!(lowest_bits(0b1011_0110, 3), 0b0001_0110);
        assert_eq!(lowest_bits(0b1011_0110, 64), 0b1011_0110);
        assert_eq!(lowest_bits(u64::MAX, 64), u64::MAX);
    }

    #[test]
    fn the_waiting_thread_gets_more_of_the_numbering() {
        let wanted = 0b1111;
        let share = Share::new();
        assert_eq!(
            share.mask(wanted),
            wanted,
            "the splitting thread starts with all"
        );
        share.rebalance(true, wanted);
        share.rebalance(true, wanted);
        assert_eq!(
            share.mask(wanted),
            0b0011,
            "the converter waited: it takes two"
        );
        share.producer_waited.store(true, Ordering::Relaxed);
        share.rebalance(false, wanted);
        assert_eq!(
            share.mask(wanted),
            0b0111,
            "the splitter waited: it gets one back"
        );
        // Both waited, or neither: no change.
        share.producer_waited.store(true, Ordering::Relaxed);
        share.rebalance(true, wanted);
        share.rebalance(false, wanted);
        assert_eq!(share.mask(wanted), 0b0111);
        for _ in 0..10 {
            share.producer_waited.store(true, Ordering::Relaxed);
            share.rebalance(false, wanted);
        }
        assert_eq!(
            share.numbered(wanted),
            4,
            "never more than the wanted positions"
        );
        for _ in 0..10 {
            share.rebalance(true, wanted);
        }
        assert_eq!(share.mask(wanted), 0);
    }

    /// Input that comes in small pieces, slowly once `slow_from` bytes are read.
    struct Throttled {
        data: std::io::Cursor<Vec<u8>>,
        slow_from: u64,
    }

    impl io::Read for Throttled {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.data.position() >= self.slow_from {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            let n = buf.len().min(4096);
            self.data.read(&mut buf[..n])
        }
    }

    /// The converter is slow for the first batches (the splitting thread waits, and
    /// numbers every wanted position), then the input is (the converter waits, and takes
    /// the numbering over). Every record arrives intact and in order, and a number stands
    /// for one text throughout.
    #[test]
    fn numbers_stay_consistent_while_the_share_moves() {
        const BATCHES: usize = 36;
        /// Batches the converter is slow for.
        const SLOW: usize = 14;
        let lines = BATCHES * BATCH_RECORDS;
        let text: String = (0..lines)
            .map(|i| format!("t{},u{},{i}\n", i % 7, i % 11))
            .collect();
        let slow_from = text.len() as u64 / 2;
        let records = TextRecords::new(
            Box::new(Throttled {
                data: std::io::Cursor::new(text.into_bytes()),
                slow_from,
            }),
            super::super::text::LineDecoding::Utf8,
            b',',
        );
        let mut seen = 0usize;
        let mut texts: [std::collections::HashMap<u32, String>; 2] = Default::default();
        // Per batch: how many of its records had both wanted cells numbered.
        let mut numbered = vec![0usize; BATCHES];
        let mut consume = |(line, cells, _, ids): Consumed<'_>| -> Result<bool, String> {
            let cells = cells.map_err(|e| format!("{e:?}"))?;
            let i = seen;
            assert_eq!(line, i as u64 + 1);
            assert_eq!(
                cells,
                [format!("t{}", i % 7), format!("u{}", i % 11), i.to_string()]
            );
            let ids = ids.expect("two-thread records carry numbers");
            if i == 0 {
                ids.wanted.store(0b11, Ordering::Relaxed);
            }
            for pos in 0..2 {
                if ids.ids[pos] != NO_ID {
                    let known = texts[pos]
                        .entry(ids.ids[pos])
                        .or_insert_with(|| cells[pos].to_string());
                    assert_eq!(known, cells[pos], "number {} at {pos}", ids.ids[pos]);
                }
            }
            if ids.ids[..2].iter().all(|&id| id != NO_ID) {
                numbered[i / BATCH_RECORDS] += 1;
            }
            assert_eq!(ids.ids[2], NO_ID, "position 2 is not wanted");
            if i < SLOW * BATCH_RECORDS && i.is_multiple_of(BATCH_RECORDS) {
                std::thread::sleep(std::time::Duration::from_millis(30));
            }
            seen += 1;
            Ok(true)
        };
        let (joined, error) = run(records, &mut consume).unwrap();
        assert_eq!((seen, joined, error.is_none()), (lines, 0, true));
        // Batches 7 to 13 were split after the converter named the wanted positions, while
        // it was slow: the splitting thread numbered both positions (at most a stray wait
        // of the converter on a loaded machine takes one away for a batch or two). The
        // last ones were split while the input was slow: the converter numbered them.
        let all_numbered = numbered[7..SLOW].iter().filter(|&&n| n == BATCH_RECORDS);
        assert!(all_numbered.count() >= 4, "{numbered:?}");
        let none_numbered = numbered[BATCHES - 8..].iter().filter(|&&n| n == 0);
        assert!(none_numbered.count() >= 6, "{numbered:?}");
        // One number per text at each position.
        for (pos, distinct) in [(0, 7), (1, 11)] {
            let mut values: Vec<&String> = texts[pos].values().collect();
            values.sort();
            values.dedup();
            assert_eq!((texts[pos].len(), values.len()), (distinct, distinct));
        }
    }
}
