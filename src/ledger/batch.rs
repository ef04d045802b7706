//! Splitting a large text file on a second thread: one thread finds lines, decodes them
//! and splits fields ([`TextRecords`]) while the calling thread converts the records it
//! already has into rows. Records travel in batches, in file order, through a bounded
//! channel, so the reader sees exactly the records, line numbers and errors it would see
//! reading alone, and memory stays bounded (a few batches in flight).
//!
//! The two stages cost about the same per row, so a large file is read in a little over
//! half the time on two cores. Small files are read on one thread ([`PIPELINE_MIN_BYTES`]).

use std::io;
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
    /// The input failed after the records of this batch; the file ends here.
    error: Option<io::Error>,
}

/// A record handed to the consumer: line, cells or error, unterminated.
pub type Consumed<'c> = (u64, Result<&'c [&'c str], CellError>, bool);

/// Reads every record of `records` on a second thread and hands them, in order, to
/// `consume` on this one; `consume` returns false to stop. Returns the physical lines
/// joined into the records consumed (not those read ahead) and the input error, if any.
pub fn run(
    mut records: TextRecords<'_>,
    consume: &mut dyn FnMut(Consumed<'_>) -> Result<bool, String>,
) -> Result<(u64, Option<io::Error>), String> {
    let (tx, rx) = mpsc::sync_channel::<Batch>(BATCHES_IN_FLIGHT);
    let (recycle_tx, recycle_rx) = mpsc::channel::<Batch>();
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || {
            loop {
                let mut batch = recycle_rx.try_recv().unwrap_or_default();
                batch.records.clear();
                batch.text.clear();
                batch.ends.clear();
                let mut done = false;
                while batch.records.len() < BATCH_RECORDS {
                    let joined_before = records.joined_lines;
                    match records.next_record_into(&mut batch.text, &mut batch.ends) {
                        Ok(Some((line, cells))) => {
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
                let res = match record.cells {
                    Ok((count, _)) => {
                        let record_cells = &cells[cell..cell + count];
                        cell += count;
                        Ok(record_cells)
                    }
                    Err(e) => Err(e),
                };
                joined += record.joined;
                match consume((record.line, res, record.unterminated)) {
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
