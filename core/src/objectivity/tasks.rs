//! Per-task completion against the region: easy tasks done worse, hard tasks done better.
//!
//! Why: when pupils are helped (answers dictated, works corrected before they are handed in),
//! the hardest tasks are solved far more often than the pupils' level predicts, while the
//! easy ones are not; Rosobrnadzor lists this inversion of the task-difficulty profile among
//! the signs of non-objective ВПР results (DOMAIN.md).
//!
//! Difficulty comes from the region: tasks are ranked by the region's completion rate
//! (Σ points / (n × task maximum)); the easy group is the third of tasks with the highest
//! rate, the hard group the third with the lowest (`round(k/3)` tasks each, at least one;
//! ties by task order; at least 3 tasks with a positive maximum are needed). The region
//! includes the group under test (one school among many barely moves it).
//!
//! - `easy_task_gap`, `hard_task_gap`: the group's pooled completion rate of the easy (hard)
//!   tasks minus the region's, in percentage points, exact.
//! - `task_inversion`: how far the hard tasks are done better than the easy tasks predict.
//!   A stronger or weaker group shifts every task on the logit scale (the one-parameter
//!   logistic model of test theory): the shift δ for which the region's easy tasks, each
//!   moved to σ(logit(region's rate) + δ), give the group's pooled easy rate, predicts each
//!   hard task's rate the same way; the indicator is the observed pooled hard rate minus
//!   the predicted one, in percentage points. It is ≈ 0
//!   for a school that is simply stronger or weaker, and large when hard tasks were helped.
//!   Rates enter the logits with a continuity correction, (points + ½) / (maximum + 1), so
//!   that 0% and 100% stay finite. Computed in `f64`, presented to 6 decimals.

use super::state::TaskSums;
use rust_decimal::Decimal;

/// The easy and hard groups of a scope's tasks by the region's completion rates, with what
/// the gaps and the inversion need of the region. Built once per scope when aggregating:
/// every cell of the scope is compared with the same region.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TaskProfile {
    /// Maximum score of each task.
    task_max: Vec<u16>,
    easy: Vec<usize>,
    hard: Vec<usize>,
    /// The region's pooled (points, maxima) of the easy and the hard group.
    region_easy: (u64, u64),
    region_hard: (u64, u64),
    /// (task maximum, the region's continuity-corrected logit) of each task of a group.
    easy_logits: Vec<(f64, f64)>,
    hard_logits: Vec<(f64, f64)>,
}

impl TaskProfile {
    /// The profile of a scope from the region's task sums; `None` when the region has no
    /// task scores or fewer than 3 tasks have a positive maximum.
    pub(crate) fn new(region: &TaskSums, task_max: &[u16]) -> Option<TaskProfile> {
        let (easy, hard) = groups(region, task_max)?;
        let logits = |set: &[usize]| -> Vec<(f64, f64)> {
            set.iter()
                .map(|&j| {
                    let max = u64::from(task_max[j]);
                    (
                        f64::from(task_max[j]),
                        logit(corrected(region.sums[j], max * region.n)),
                    )
                })
                .collect()
        };
        Some(TaskProfile {
            task_max: task_max.to_vec(),
            region_easy: pooled(region, task_max, &easy),
            region_hard: pooled(region, task_max, &hard),
            easy_logits: logits(&easy),
            hard_logits: logits(&hard),
            easy,
            hard,
        })
    }

    /// The group's pooled completion rate of the easy or hard tasks minus the region's, in
    /// percentage points (exact); `None` without task scores.
    pub(crate) fn gap(&self, cell: &TaskSums, group: Group) -> Option<Decimal> {
        if cell.n == 0 {
            return None;
        }
        let (set, (rp, rm)) = match group {
            Group::Easy => (&self.easy, self.region_easy),
            Group::Hard => (&self.hard, self.region_hard),
        };
        let (cp, cm) = pooled(cell, &self.task_max, set);
        Some(pct(cp, cm)? - pct(rp, rm)?)
    }

    /// Observed minus predicted pooled completion rate of the hard tasks, in percentage
    /// points (see the module docs); `None` without task scores.
    pub(crate) fn inversion(&self, cell: &TaskSums) -> Option<f64> {
        if cell.n == 0 {
            return None;
        }
        let (easy_p, hard_p) = (&self.easy_logits, &self.hard_logits);
        let expected = |p: &[(f64, f64)], delta: f64| -> f64 {
            let weight: f64 = p.iter().map(|(m, _)| m).sum();
            p.iter().map(|(m, l)| m * sigmoid(l + delta)).sum::<f64>() / weight
        };
        // The shift δ whose expected easy rate is the group's (continuity-corrected) easy
        // rate. The expectation rises strictly with δ: Newton steps, kept inside a bracket
        // that bisection narrows whenever a step would leave it.
        let (cp, cm) = pooled(cell, &self.task_max, &self.easy);
        let target = corrected(cp, cm);
        let (mut lo, mut hi) = (-40.0f64, 40.0f64);
        let mut delta = 0.0f64;
        let weight: f64 = easy_p.iter().map(|(m, _)| m).sum();
        for _ in 0..200 {
            let f = expected(easy_p, delta) - target;
            if f < 0.0 {
                lo = delta;
            } else {
                hi = delta;
            }
            let slope = easy_p
                .iter()
                .map(|(m, l)| {
                    let s = sigmoid(l + delta);
                    m * s * (1.0 - s)
                })
                .sum::<f64>()
                / weight;
            let mut next = delta - f / slope;
            if !next.is_finite() || next <= lo || next >= hi {
                next = 0.5 * (lo + hi);
            }
            if (next - delta).abs() < 1e-12 {
                delta = next;
                break;
            }
            delta = next;
        }
        let (hp, hm) = pooled(cell, &self.task_max, &self.hard);
        if hm == 0 {
            return None;
        }
        let observed = hp as f64 / hm as f64;
        Some(100.0 * (observed - expected(hard_p, delta)))
    }
}

/// The easy and hard groups of tasks by the reference's completion rates.
fn groups(reference: &TaskSums, task_max: &[u16]) -> Option<(Vec<usize>, Vec<usize>)> {
    let k = task_max.len();
    if reference.n == 0 || reference.sums.len() < k {
        return None;
    }
    let mut idx: Vec<usize> = (0..k).filter(|&j| task_max[j] > 0).collect();
    if idx.len() < 3 {
        return None;
    }
    let third = ((idx.len() + 1) / 3).max(1);
    // Descending by rate: rate_a > rate_b ⇔ sums_a · max_b > sums_b · max_a (exact).
    idx.sort_by(|&a, &b| {
        let ra = u128::from(reference.sums[a]) * u128::from(task_max[b]);
        let rb = u128::from(reference.sums[b]) * u128::from(task_max[a]);
        rb.cmp(&ra).then(a.cmp(&b))
    });
    let easy = idx[..third].to_vec();
    let hard = idx[idx.len() - third..].to_vec();
    Some((easy, hard))
}

/// (Σ points, Σ maxima × n) of a group of tasks.
fn pooled(s: &TaskSums, task_max: &[u16], set: &[usize]) -> (u64, u64) {
    let points = set
        .iter()
        .map(|&j| s.sums.get(j).copied().unwrap_or(0))
        .sum();
    let max: u64 = set.iter().map(|&j| u64::from(task_max[j])).sum();
    (points, max * s.n)
}

fn pct(points: u64, max: u64) -> Option<Decimal> {
    (max > 0).then(|| Decimal::from(points) * Decimal::ONE_HUNDRED / Decimal::from(max))
}

/// Which task group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    Easy,
    Hard,
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Continuity-corrected rate (points + ½) / (maximum + 1), strictly inside (0, 1).
fn corrected(points: u64, max: u64) -> f64 {
    (points as f64 + 0.5) / (max as f64 + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums(n: u64, sums: &[u64]) -> TaskSums {
        TaskSums {
            n,
            sums: sums.to_vec(),
        }
    }

    #[test]
    fn groups_are_thirds_by_region_rate() {
        // Rates 90%, 80%, ..., 20% over 8 one-point tasks (shuffled order).
        let region = sums(100, &[50, 90, 20, 70, 80, 30, 60, 40]);
        let (easy, hard) = groups(&region, &[1; 8]).unwrap();
        assert_eq!(easy, vec![1, 4, 3]);
        assert_eq!(hard, vec![7, 5, 2]);
        assert!(groups(&sums(10, &[1, 2]), &[1, 1]).is_none());
    }

    #[test]
    fn gaps_are_exact_points() {
        let region = sums(100, &[90, 50, 10]);
        let cell = sums(10, &[8, 5, 4]);
        let max = [1, 1, 1];
        // Easy: task 0, 80% vs 90% → −10 pp; hard: task 2, 40% vs 10% → +30 pp.
        let profile = TaskProfile::new(&region, &max).unwrap();
        assert_eq!(profile.gap(&cell, Group::Easy), Some(Decimal::from(-10)));
        assert_eq!(profile.gap(&cell, Group::Hard), Some(Decimal::from(30)));
        assert!(profile.inversion(&cell).unwrap() > 25.0);
        assert_eq!(profile.gap(&TaskSums::default(), Group::Easy), None);
    }

    #[test]
    fn a_uniformly_stronger_group_has_no_inversion() {
        // Region rates from a logistic profile; the group is shifted by +1 logit everywhere.
        let difficulty = [-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0];
        let n = 1_000_000u64;
        let region = sums(
            n,
            &difficulty.map(|d: f64| (sigmoid(-d) * n as f64).round() as u64),
        );
        let cell = sums(
            n,
            &difficulty.map(|d: f64| (sigmoid(1.0 - d) * n as f64).round() as u64),
        );
        let inv = TaskProfile::new(&region, &[1; 9])
            .unwrap()
            .inversion(&cell)
            .unwrap();
        assert!(inv.abs() < 0.1, "{inv}");
    }
}
