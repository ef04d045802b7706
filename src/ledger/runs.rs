//! Rows put in runs by unit while a file is read, for scans with detector rules.
//!
//! Detectors walk a unit's rows in date order; in a federation's export that interleaves
//! its unions, one unit's rows lie all over the table, and every step of such a walk
//! lands far from the last. [`UnitRuns`] stages each unit's rows as the converter
//! accepts them and moves a unit's block into the table once it holds [`BLOCK`] rows, so
//! the table is each unit's rows in runs of [`BLOCK`] (the rest of each unit at the
//! end). This is what `scan::group_rows_by_unit` did after reading, in two more passes
//! over the whole table; staged here, a row is moved while it is still in cache.
//!
//! Rows of one unit keep the order they were read in. The table counts as grouped
//! ([`UnitRuns::finish`]) only when every unit's rows came in (date, sheet, line) order,
//! so that a unit's runs, read one after the other, are in date order; otherwise, and
//! when there are more units than [`MAX_UNITS`] (staging stops, rows go straight into
//! the table), the scan groups the table itself as before.

use chrono::NaiveDate;

use super::{Row, Sym};

/// Rows per run (18 KB of rows: a walk over a unit's rows reads a run sequentially,
/// then jumps).
pub const BLOCK: usize = 256;

/// Units staged at most: at most `MAX_UNITS × BLOCK` rows (75 MB) wait in stages.
const MAX_UNITS: usize = 4096;

/// Where a row goes in its unit's order.
type Key = (NaiveDate, u16, u32);

fn key(row: &Row) -> Key {
    (row.date, row.sheet, row.line)
}

struct Stage {
    rows: Vec<Row>,
    /// The key of the unit's last row, and whether its rows came in key order so far.
    last: Key,
    in_order: bool,
}

impl Stage {
    fn new(last: Key) -> Stage {
        Stage {
            rows: Vec::new(),
            last,
            in_order: true,
        }
    }

    fn note(&mut self, row: &Row) {
        let at = key(row);
        self.in_order &= self.last <= at;
        self.last = at;
    }
}

/// The staging of one file's rows (see the module documentation).
pub struct UnitRuns {
    state: State,
}

enum State {
    /// Every row so far is of one unit: rows go straight into the table (a grassroots
    /// union's own ledger never stages a row).
    One { unit: Sym, stage: Stage },
    /// Several units: unit symbol → stage number (`u32::MAX`: none yet).
    Staging {
        stage_of: Vec<u32>,
        stages: Vec<Stage>,
    },
    /// Too many units: rows go straight into the table.
    Off,
    /// No row yet.
    Empty,
}

impl Default for UnitRuns {
    fn default() -> Self {
        UnitRuns {
            state: State::Empty,
        }
    }
}

impl UnitRuns {
    /// Adds an accepted row: to the table `rows`, or to its unit's stage.
    pub fn push(&mut self, rows: &mut Vec<Row>, row: Row) {
        match &mut self.state {
            State::Empty => {
                self.state = State::One {
                    unit: row.unit,
                    stage: Stage::new(key(&row)),
                };
                rows.push(row);
            }
            State::One { unit, stage } if *unit == row.unit => {
                stage.note(&row);
                rows.push(row);
            }
            State::One { unit, stage } => {
                // A second unit: the first one's rows so far are its first run.
                let first = std::mem::replace(stage, Stage::new(key(&row)));
                let mut stage_of = vec![u32::MAX; (unit.0.max(row.unit.0) + 1) as usize];
                stage_of[unit.0 as usize] = 0;
                self.state = State::Staging {
                    stage_of,
                    stages: vec![first],
                };
                self.push(rows, row);
            }
            State::Staging { stage_of, stages } => {
                let slot = row.unit.0 as usize;
                if stage_of.len() <= slot {
                    stage_of.resize(slot + 1, u32::MAX);
                }
                if stage_of[slot] == u32::MAX {
                    if stages.len() == MAX_UNITS {
                        for stage in stages.iter_mut() {
                            rows.append(&mut stage.rows);
                        }
                        self.state = State::Off;
                        rows.push(row);
                        return;
                    }
                    stage_of[slot] = stages.len() as u32;
                    stages.push(Stage::new(key(&row)));
                }
                let stage = &mut stages[stage_of[slot] as usize];
                stage.note(&row);
                stage.rows.push(row);
                if stage.rows.len() == BLOCK {
                    rows.append(&mut stage.rows);
                }
            }
            State::Off => rows.push(row),
        }
    }

    /// Moves the staged rests into `rows` (units in order of first appearance) and tells
    /// whether the table is grouped: every unit's rows in runs, in (date, sheet, line)
    /// order read run after run.
    pub fn finish(self, rows: &mut Vec<Row>) -> bool {
        match self.state {
            State::Empty => true,
            State::One { stage, .. } => stage.in_order,
            State::Staging { mut stages, .. } => {
                for stage in &mut stages {
                    rows.append(&mut stage.rows);
                }
                stages.iter().all(|stage| stage.in_order)
            }
            State::Off => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::Direction;

    fn row(unit: u32, day: u32, line: u32) -> Row {
        Row {
            line,
            sheet: 0,
            date: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(day.into()),
            voucher: Sym::EMPTY,
            entry: 0,
            summary: Sym::EMPTY,
            account_code: Sym::EMPTY,
            account: Sym::EMPTY,
            debit: 100,
            credit: 0,
            direction: Direction::Debit,
            payee: Sym::EMPTY,
            handler: Sym::EMPTY,
            department: Sym::EMPTY,
            project: Sym::EMPTY,
            attachments_plus_one: None,
            unit: Sym(unit),
            closing: false,
        }
    }

    /// Stages `rows`; returns the table, whether it is grouped, and its runs.
    fn staged(rows: &[Row]) -> (Vec<Row>, bool, usize) {
        let mut runs = UnitRuns::default();
        let mut table = Vec::new();
        for r in rows {
            runs.push(&mut table, r.clone());
        }
        let grouped = runs.finish(&mut table);
        let count = table.chunk_by(|a, b| a.unit == b.unit).count();
        (table, grouped, count)
    }

    /// Each unit's (line) sequence in table order.
    fn per_unit(rows: &[Row]) -> std::collections::BTreeMap<u32, Vec<u32>> {
        let mut units: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
        for r in rows {
            units.entry(r.unit.0).or_default().push(r.line);
        }
        units
    }

    /// Units interleaved in date order (a federation's export): every row kept, each
    /// unit's rows in the order read, in few runs, and the table counts as grouped.
    #[test]
    fn interleaved_units_come_out_in_runs() {
        let rows: Vec<Row> = (0..10_000u32)
            .map(|i| row(3 + (i * 7 + i / 3) % 5, i / 40, i + 2))
            .collect();
        let (table, grouped, runs) = staged(&rows);
        assert!(grouped);
        assert_eq!(table.len(), rows.len());
        assert_eq!(per_unit(&table), per_unit(&rows));
        // Full blocks, one rest per unit, and the first unit's lines before a second came.
        assert!(runs <= rows.len() / BLOCK + 5 + 1, "{runs} runs");
    }

    /// One unit: the rows go straight through in their order; grouped when in date order.
    #[test]
    fn one_unit_is_left_as_read() {
        let rows: Vec<Row> = (0..1_000).map(|i| row(1, i / 10, i + 2)).collect();
        let (table, grouped, runs) = staged(&rows);
        assert!(grouped);
        assert_eq!(runs, 1);
        assert_eq!(per_unit(&table), per_unit(&rows));
        let mut reversed = rows.clone();
        reversed.reverse();
        let (table, grouped, _) = staged(&reversed);
        assert!(!grouped);
        assert_eq!(per_unit(&table), per_unit(&reversed));
    }

    /// A unit whose rows are out of date order makes the table ungrouped (the scan then
    /// sorts it); nothing is lost either way.
    #[test]
    fn a_unit_out_of_order_is_not_grouped() {
        let mut rows: Vec<Row> = (0..2_000).map(|i| row(1 + i % 3, i / 10, i + 2)).collect();
        rows.swap(100, 400);
        let (table, grouped, _) = staged(&rows);
        assert!(!grouped);
        assert_eq!(per_unit(&table), per_unit(&rows));
    }

    /// More units than are staged: staging stops, the rows staged so far and all later
    /// ones reach the table in their order, and the table is not counted as grouped.
    #[test]
    fn too_many_units_stop_staging() {
        let rows: Vec<Row> = (0..(MAX_UNITS as u32 + 500) * 3)
            .map(|i| row(i % (MAX_UNITS as u32 + 500), i / 1000, i + 2))
            .collect();
        let (table, grouped, _) = staged(&rows);
        assert!(!grouped);
        assert_eq!(table.len(), rows.len());
        assert_eq!(per_unit(&table), per_unit(&rows));
    }
}
