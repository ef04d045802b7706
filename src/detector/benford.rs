//! `benford`: Benford's-law tests per unit — first digit and first two digits, with
//! Nigrini's MAD conformity bands and a Z statistic per digit.
//!
//! ## What it finds
//! A unit whose candidate amounts (at least `min_amount` yuan) deviate from Benford's
//! distribution: MAD at or beyond `flag_at` (`nonconformity` by default, or `marginal`).
//! Units with fewer than `min_rows` amounts are reported as not applicable, never
//! tested silently.
//!
//! ## Why it matters
//! Naturally occurring payment amounts follow Benford's law; invented or manipulated
//! amounts (虚报, 拆分) usually do not. It points auditors at units to sample, not at rows.
//!
//! ## Parameters
//! `min_rows` (500), `min_amount` (10), `flag_at` (`nonconformity` | `marginal`).
//!
//! ## Method
//! Expected proportions log10(1 + 1/d). MAD = mean |observed − expected| over the 9
//! (first digit) or 90 (first two) digits. Z = (|p − e| − 1/(2N)) / sqrt(e(1 − e)/N),
//! the continuity term applied only when smaller than |p − e| (Nigrini 2012). Bands
//! (Nigrini 2012, table 7.1): first digit 0.006 / 0.012 / 0.015, first two 0.0012 /
//! 0.0018 / 0.0022. Checked against benford_py and the published census oracle
//! (tests/it/benford.rs).
//!
//! ## Limits
//! Assigned amounts (fixed 补助 standards, membership dues) do not follow Benford;
//! restrict the rule's scope to purchases.

use serde::Deserialize;

use super::{Ctx, Hit, Output, UnitRows, fen};

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Conformity {
    Close,
    Acceptable,
    Marginal,
    Nonconformity,
}

impl Conformity {
    pub fn label(self) -> &'static str {
        match self {
            Conformity::Close => "高度符合",
            Conformity::Acceptable => "可接受",
            Conformity::Marginal => "勉强可接受",
            Conformity::Nonconformity => "不符合",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    #[serde(default = "default_rows")]
    pub min_rows: usize,
    #[serde(default = "default_min_amount")]
    pub min_amount: f64,
    #[serde(default = "default_flag_at")]
    pub flag_at: Conformity,
}

fn default_rows() -> usize {
    500
}
fn default_min_amount() -> f64 {
    10.0
}
fn default_flag_at() -> Conformity {
    Conformity::Nonconformity
}

/// One digit test's result.
#[derive(Debug, Clone)]
pub struct DigitTest {
    /// The first digit(s) tested: 1..=9 or 10..=99.
    pub digits: Vec<u32>,
    pub observed: Vec<f64>,
    pub expected: Vec<f64>,
    pub z: Vec<f64>,
    pub mad: f64,
    pub conformity: Conformity,
}

/// Both tests on a set of amounts.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub n: usize,
    pub first: DigitTest,
    pub first_two: DigitTest,
}

/// Leading two digits of a positive number given as a decimal string of its integer
/// part and fraction (e.g. fen: 3608 for 36.08 → "3608"), as (first, first two).
fn leading(value: u64) -> (u32, u32) {
    let mut v = value;
    while v >= 100 {
        v /= 10;
    }
    if v < 10 {
        // Only reachable for values below 10 units of the smallest denomination.
        return (v as u32, v as u32 * 10);
    }
    ((v / 10) as u32, v as u32)
}

fn test(
    counts: &[u64],
    digits: std::ops::RangeInclusive<u32>,
    n: usize,
    bands: [f64; 3],
) -> DigitTest {
    let digits: Vec<u32> = digits.collect();
    let nf = n as f64;
    let mut observed = Vec::with_capacity(digits.len());
    let mut expected = Vec::with_capacity(digits.len());
    let mut z = Vec::with_capacity(digits.len());
    let mut total_dev = 0.0;
    for (idx, d) in digits.iter().enumerate() {
        let e = (1.0 + 1.0 / f64::from(*d)).log10();
        let p = counts[idx] as f64 / nf;
        let dev = (p - e).abs();
        let correction = 1.0 / (2.0 * nf);
        let num = if correction < dev {
            dev - correction
        } else {
            dev
        };
        z.push(num / (e * (1.0 - e) / nf).sqrt());
        observed.push(p);
        expected.push(e);
        total_dev += dev;
    }
    let mad = total_dev / digits.len() as f64;
    let conformity = if mad <= bands[0] {
        Conformity::Close
    } else if mad <= bands[1] {
        Conformity::Acceptable
    } else if mad <= bands[2] {
        Conformity::Marginal
    } else {
        Conformity::Nonconformity
    };
    DigitTest {
        digits,
        observed,
        expected,
        z,
        mad,
        conformity,
    }
}

/// Runs both tests on positive integer values (e.g. amounts in fen) of at least 10 units
/// of their leading-digit scale; values are used as given.
pub fn analyze(values: &[u64]) -> Analysis {
    let mut first = vec![0u64; 9];
    let mut first_two = vec![0u64; 90];
    let mut n = 0;
    for &v in values {
        if v < 10 {
            continue;
        }
        let (f, ft) = leading(v);
        first[(f - 1) as usize] += 1;
        first_two[(ft - 10) as usize] += 1;
        n += 1;
    }
    let n_safe = n.max(1);
    Analysis {
        n,
        first: test(&first, 1..=9, n_safe, [0.006, 0.012, 0.015]),
        first_two: test(&first_two, 10..=99, n_safe, [0.0012, 0.0018, 0.0022]),
    }
}

pub fn run(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    let min = fen(p.min_amount).max(1);
    let rows: Vec<_> = unit
        .candidates
        .iter()
        .copied()
        .filter(|r| ctx.row(*r).debit >= min)
        .collect();
    if rows.len() < p.min_rows {
        out.notes.push(format!(
            "本福特检验不适用 (not applicable): {} 行 < {}",
            rows.len(),
            p.min_rows
        ));
        return;
    }
    let values: Vec<u64> = rows
        .iter()
        .map(|r| ctx.row(*r).debit.unsigned_abs())
        .collect();
    let a = analyze(&values);
    let worst = a.first.conformity.max(a.first_two.conformity);
    if worst < p.flag_at {
        return;
    }
    // The most over-represented first-two digits (Z > 1.96, observed above expected).
    let mut over: Vec<(u32, f64)> = a
        .first_two
        .digits
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            a.first_two.observed[*i] > a.first_two.expected[*i] && a.first_two.z[*i] > 1.96
        })
        .map(|(i, d)| (*d, a.first_two.z[i]))
        .collect();
    over.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    over.truncate(5);
    let listed: Vec<String> = over
        .iter()
        .map(|(d, z)| format!("{d} (Z={z:.2})"))
        .collect();
    let top: Vec<u32> = over.iter().map(|(d, _)| *d).collect();
    let mut evidence: Vec<_> = rows
        .iter()
        .copied()
        .filter(|r| top.contains(&leading(ctx.row(*r).debit.unsigned_abs()).1))
        .collect();
    evidence.sort_by_key(|r| std::cmp::Reverse(ctx.row(*r).debit));
    evidence.truncate(20);
    out.hits.push(Hit {
        message: format!(
            "本福特检验（N={}）：首位数字 MAD {:.4}（{}），前两位数字 MAD {:.4}（{}）；明显偏多的前两位数字：{}",
            a.n,
            a.first.mad,
            a.first.conformity.label(),
            a.first_two.mad,
            a.first_two.conformity.label(),
            if listed.is_empty() { "无".to_string() } else { listed.join("、") }
        ),
        rows: evidence,
        amount_fen: 0,
        period: None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_digits() {
        assert_eq!(leading(3608), (3, 36));
        assert_eq!(leading(1050), (1, 10));
        assert_eq!(leading(99), (9, 99));
        assert_eq!(leading(10), (1, 10));
    }

    #[test]
    fn benford_distributed_values_conform() {
        // 10^(k/N) for k in 0..N is exactly Benford-distributed in the limit.
        let n = 20_000;
        let values: Vec<u64> = (0..n)
            .map(|k| (10f64.powf(2.0 + 3.0 * k as f64 / n as f64)).floor() as u64)
            .collect();
        let a = analyze(&values);
        assert_eq!(a.first.conformity, Conformity::Close, "{}", a.first.mad);
        assert!(a.first_two.mad < 0.0012, "{}", a.first_two.mad);
    }

    #[test]
    fn all_nines_do_not_conform() {
        let values: Vec<u64> = (0..600).map(|k| 9000 + k).collect();
        let a = analyze(&values);
        assert_eq!(a.first.conformity, Conformity::Nonconformity);
        // Observed 1.0 for digit 9 against expected log10(10/9).
        let e9 = (10.0f64 / 9.0).log10();
        assert!((a.first.observed[8] - 1.0).abs() < 1e-12);
        let z = ((1.0 - e9) - 1.0 / 1200.0) / (e9 * (1.0 - e9) / 600.0).sqrt();
        assert!((a.first.z[8] - z).abs() < 1e-9);
    }
}
