//! A bounded time series for live plots (energy traces, losses): it keeps the whole history
//! from t = 0 in at most `cap` points by halving its resolution when full, so memory and
//! drawing cost stay fixed however long a run goes.

/// A decimating (t, value) series.
pub struct Trace {
    points: Vec<(f64, f64)>,
    cap: usize,
    stride: u64,
    seen: u64,
}

impl Trace {
    /// An empty trace that holds at most `cap` (≥ 4) points.
    pub fn new(cap: usize) -> Self {
        let cap = cap.max(4);
        Self {
            points: Vec::with_capacity(cap),
            cap,
            stride: 1,
            seen: 0,
        }
    }

    /// Appends a point (kept if it falls on the current stride).
    pub fn push(&mut self, t: f64, v: f64) {
        if self.seen % self.stride == 0 {
            if self.points.len() == self.cap {
                // Keep every other point and double the stride.
                let mut k = 0;
                for i in (0..self.cap).step_by(2) {
                    self.points[k] = self.points[i];
                    k += 1;
                }
                self.points.truncate(k);
                self.stride *= 2;
            }
            self.points.push((t, v));
        }
        self.seen += 1;
    }

    /// Drops every point.
    pub fn clear(&mut self) {
        self.points.clear();
        self.stride = 1;
        self.seen = 0;
    }

    /// The kept points, oldest first.
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    /// The newest value.
    pub fn last(&self) -> Option<f64> {
        self.points.last().map(|p| p.1)
    }

    /// Whether any value ever rose between consecutive kept points (beyond `tol`).
    pub fn ever_rose(&self, tol: f64) -> bool {
        self.points.windows(2).any(|w| w[1].1 > w[0].1 + tol)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_whole_history_in_at_most_cap_points() {
        let mut t = Trace::new(8);
        for i in 0..100 {
            t.push(f64::from(i), f64::from(i));
        }
        let p = t.points();
        assert!(p.len() <= 8, "{}", p.len());
        assert_eq!(p[0], (0.0, 0.0), "starts at t = 0");
        assert!(p.windows(2).all(|w| w[1].0 > w[0].0), "in time order");
        assert!(
            p.last().expect("points").0 >= 64.0,
            "reaches the recent past"
        );
        assert!(t.ever_rose(0.5));
        t.clear();
        assert!(t.points().is_empty());
        assert_eq!(t.last(), None);
    }
}
