//! A set of findings: a bit per finding, iterated in report order.

use super::Finding;

/// A set of findings (a bit per finding), iterated in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FindingSet(u16);

impl FindingSet {
    /// No findings.
    pub const EMPTY: FindingSet = FindingSet(0);

    /// Every finding.
    pub fn all() -> Self {
        Finding::ALL.into_iter().collect()
    }

    /// True when no finding is in the set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether `finding` is in the set.
    pub fn contains(self, finding: Finding) -> bool {
        self.0 & finding.bit() != 0
    }

    /// Adds a finding.
    pub fn insert(&mut self, finding: Finding) {
        self.0 |= finding.bit();
    }

    /// The findings in both sets.
    pub fn intersect(self, other: FindingSet) -> FindingSet {
        FindingSet(self.0 & other.0)
    }

    /// The findings in either set.
    pub fn union(self, other: FindingSet) -> FindingSet {
        FindingSet(self.0 | other.0)
    }

    /// How many findings are in the set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The findings, in report order.
    pub fn iter(self) -> impl Iterator<Item = Finding> {
        Finding::ALL.into_iter().filter(move |f| self.contains(*f))
    }

    /// The ids, in report order.
    pub fn ids(self) -> Vec<&'static str> {
        self.iter().map(Finding::id).collect()
    }

    /// Whether any finding in the set needs xattrs from the scan.
    pub fn needs_xattrs(self) -> bool {
        self.iter().any(Finding::needs_xattrs)
    }

    /// Whether any finding in the set needs symlinks followed by the scan.
    pub fn needs_links(self) -> bool {
        self.iter().any(Finding::needs_links)
    }

    /// Whether any finding in the set needs owner names.
    pub fn needs_names(self) -> bool {
        self.iter().any(Finding::needs_names)
    }
}

impl FromIterator<Finding> for FindingSet {
    fn from_iter<I: IntoIterator<Item = Finding>>(iter: I) -> Self {
        let mut set = FindingSet::EMPTY;
        for finding in iter {
            set.insert(finding);
        }
        set
    }
}
