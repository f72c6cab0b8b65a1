//! A fixed-capacity ring buffer: the dots, path and autocorrelation window of a run keep their
//! newest entries in memory allocated once.

/// A ring of at most `cap` entries; pushing onto a full ring overwrites the oldest.
#[derive(Clone, Debug)]
pub struct Ring<T> {
    buf: Vec<T>,
    head: usize,
    cap: usize,
}

impl<T: Copy> Ring<T> {
    /// An empty ring of capacity `cap` (at least 1), allocated now.
    pub fn new(cap: usize) -> Self {
        let cap = cap.max(1);
        Self {
            buf: Vec::with_capacity(cap),
            head: 0,
            cap,
        }
    }

    /// Appends, overwriting the oldest entry when full.
    pub fn push(&mut self, v: T) {
        if self.buf.len() < self.cap {
            self.buf.push(v);
        } else {
            self.buf[self.head] = v;
        }
        self.head = (self.head + 1) % self.cap;
    }

    /// Forgets every entry (keeps the allocation).
    pub fn clear(&mut self) {
        self.buf.clear();
        self.head = 0;
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// The capacity.
    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Entries, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        let split = if self.buf.len() < self.cap {
            0
        } else {
            self.head
        };
        self.buf[split..].iter().chain(self.buf[..split].iter())
    }

    /// The newest entry.
    pub fn last(&self) -> Option<T> {
        if self.is_empty() {
            None
        } else {
            Some(self.buf[(self.head + self.cap - 1) % self.cap])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_entries_oldest_first() {
        let mut r = Ring::new(3);
        assert!(r.is_empty() && r.last().is_none());
        for v in 1..=2 {
            r.push(v);
        }
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), [1, 2]);
        for v in 3..=7 {
            r.push(v);
        }
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), [5, 6, 7]);
        assert_eq!(r.last(), Some(7));
        assert_eq!(r.len(), 3);
        r.clear();
        assert!(r.is_empty());
        r.push(9);
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), [9]);
        assert_eq!(Ring::<u8>::new(0).capacity(), 1, "capacity at least 1");
    }
}
