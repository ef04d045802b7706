//! `outlier`: amounts far from what the unit (or its peers) usually pays on an account.
//!
//! ## What it finds
//! Candidate rows whose robust z-score, 0.6745 × (x − median) / MAD over the amounts of
//! the same account, is at least `min_z`. With `compare = "peers"` the median and MAD are
//! taken over every unit in the scan (the same account path), so a unit paying far more
//! than its peers stands out.
//!
//! ## Why it matters
//! A single payment far above the usual (an inflated invoice, a purchase in the wrong
//! account) is what sampling should look at first. The median/MAD form is not distorted
//! by the outliers it is looking for (Iglewicz & Hoaglin's 3.5 rule).
//!
//! ## Parameters
//! `min_z` (3.5), `min_rows` (10), `compare` (`unit` | `peers`).
//!
//! ## Limits
//! Accounts with one big annual payment (insurance, equipment) produce expected outliers.
//! When more than half of the amounts are equal the MAD is zero and the account is skipped.

use serde::Deserialize;

use super::{Ctx, Hit, Output, UnitRows, median, yuan};

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Compare {
    Unit,
    Peers,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    #[serde(default = "default_z")]
    pub min_z: f64,
    #[serde(default = "default_rows")]
    pub min_rows: usize,
    #[serde(default = "default_compare")]
    pub compare: Compare,
}

fn default_z() -> f64 {
    3.5
}
fn default_rows() -> usize {
    10
}
fn default_compare() -> Compare {
    Compare::Unit
}

/// (median, MAD) of positive amounts (which it reorders), or None when the MAD is zero.
fn center(amounts: &mut [f64]) -> Option<(f64, f64)> {
    let med = median(amounts);
    let mut dev: Vec<f64> = amounts.iter().map(|a| (a - med).abs()).collect();
    let mad = median(&mut dev);
    (mad > 0.0).then_some((med, mad))
}

pub fn run(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    let accounts = super::payments_by_account(ctx, unit.candidates);
    for (account, rows) in accounts.iter() {
        // How many amounts the center was taken over, and the center.
        let (count, center) = match p.compare {
            Compare::Unit => {
                let mut amounts: Vec<f64> = rows.iter().map(|r| ctx.row(*r).debit as f64).collect();
                (amounts.len(), center(&mut amounts))
            }
            Compare::Peers => (ctx.peer_centers.get_or_init(|| peer_centers(ctx)))
                .get(&account)
                .copied()
                .unwrap_or((0, None)),
        };
        if count < p.min_rows {
            continue;
        }
        let Some((med, mad)) = center else {
            continue;
        };
        for &r in rows {
            let x = ctx.row(r).debit as f64;
            let z = 0.6745 * (x - med) / mad;
            if z >= p.min_z {
                let scope = match p.compare {
                    Compare::Unit => "本单位",
                    Compare::Peers => "全部单位",
                };
                out.hits.push(Hit {
                    rows: vec![r],
                    message: format!(
                        "「{}」{} 元远高于{scope}该科目的典型金额（中位数 {} 元，稳健 Z 值 {z:.1}，阈值 {:.1}）",
                        ctx.summary(r),
                        yuan(x as i64),
                        yuan(med.round() as i64),
                        p.min_z
                    ),
                    amount_fen: x as i64,
                    period: None,
                });
            }
        }
    }
}

/// Per account (its scan-wide text number): how many positive, non-closing debits every
/// file of the scan has on it, and their (median, MAD). Worked out once, by the first
/// unit that needs it: per unit, a pass over every row of every file made a scan with
/// `compare = "peers"` cost units × rows (minutes on a federation's ledger).
pub type PeerCenters = rustc_hash::FxHashMap<u32, (usize, Option<(f64, f64)>)>;

fn peer_centers(ctx: &Ctx) -> PeerCenters {
    let mut amounts: rustc_hash::FxHashMap<u32, Vec<f64>> = Default::default();
    for (f, file) in ctx.files.iter().enumerate() {
        for row in file.rows.iter().filter(|r| r.debit > 0 && !r.closing) {
            (amounts
                .entry(ctx.ids.get(f as u32, row.account))
                .or_default())
            .push(row.debit as f64);
        }
    }
    amounts
        .into_iter()
        .map(|(account, mut values)| (account, (values.len(), center(&mut values))))
        .collect()
}

#[cfg(test)]
mod tests {
    /// The peers' center of an account is that of every positive, non-closing debit with
    /// the account's text in every file (here two units' ledgers).
    #[test]
    fn peer_centers_are_those_of_every_files_rows_on_the_account() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/ledgers");
        let files: Vec<_> = ["一中工会.csv", "城建集团工会.csv"]
            .iter()
            .map(|name| {
                crate::ledger::read::read_file(&dir.join(name), name, &Default::default())
                    .expect("sample ledger")
            })
            .collect();
        let ids = crate::detector::ids::TextIds::new(&files);
        let refs = crate::reference::References::default();
        let ctx = super::Ctx::new(&files, crate::calendar::Calendar::builtin(), &refs, &ids);
        let centers = super::peer_centers(&ctx);
        let mut checked = 0;
        for (f, file) in files.iter().enumerate() {
            for row in &file.rows {
                let text = file.strings.get(row.account);
                let mut amounts: Vec<f64> = (files.iter())
                    .flat_map(|other| {
                        (other.rows.iter())
                            .filter(|r| r.debit > 0 && !r.closing)
                            .filter(move |r| other.strings.get(r.account) == text)
                            .map(|r| r.debit as f64)
                    })
                    .collect();
                let want = (amounts.len(), super::center(&mut amounts));
                let got = centers.get(&ids.get(f as u32, row.account)).copied();
                assert_eq!(got.unwrap_or((0, None)), want, "{text}");
                checked += usize::from(want.0 > 0);
            }
        }
        assert!(checked > 100, "only {checked} rows checked");
    }
}
