//! Interned identifiers: every entity id from the users' systems becomes a dense `u32`
//! index once, so tables and aggregation work on small integers instead of strings.

use foldhash::fast::RandomState;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// A string interner that maps each distinct id to a dense index in first-seen order.
///
/// ```
/// let mut ids = oko::Interner::default();
/// assert_eq!(ids.intern("5А"), 0);
/// assert_eq!(ids.intern("5Б"), 1);
/// assert_eq!(ids.intern("5А"), 0);
/// assert_eq!(ids.get("5Б"), Some(1));
/// assert_eq!(ids.name(1), "5Б");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Interner {
    // The names in one buffer, and a table of indices into it: two allocations in all
    // rather than two per id (a million student ids took ~130 MB as boxed strings in a
    // map, ~25 MB so). foldhash: several times faster than SipHash on short ids, and
    // still seeded per process, so uploaded ids cannot be crafted to collide.
    hasher: RandomState,
    index: HashTable<u32>,
    text: String,
    ends: Vec<usize>,
}

/// A hash map for the crate's own small keys (dense ids, codes): foldhash, several times
/// faster than SipHash on them and still seeded per process.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, RandomState>;

/// A hash set of the crate's own small keys; see [`FastMap`].
pub(crate) type FastSet<K> = std::collections::HashSet<K, RandomState>;

/// The name at `index` of a buffer and its ends.
fn name_at<'a>(text: &'a str, ends: &[usize], index: u32) -> &'a str {
    let i = index as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] };
    &text[start..ends[i]]
}

impl Interner {
    /// Returns the index of `name`, adding it when new.
    pub fn intern(&mut self, name: &str) -> u32 {
        let hash = self.hasher.hash_one(name);
        let (text, ends) = (&self.text, &self.ends);
        if let Some(&i) = self.index.find(hash, |&i| name_at(text, ends, i) == name) {
            return i;
        }
        let i = u32::try_from(self.ends.len()).expect("more than u32::MAX ids");
        self.text.push_str(name);
        self.ends.push(self.text.len());
        let (hasher, text, ends) = (&self.hasher, &self.text, &self.ends);
        self.index
            .insert_unique(hash, i, |&j| hasher.hash_one(name_at(text, ends, j)));
        i
    }

    /// Index of an already interned name.
    pub fn get(&self, name: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(name);
        self.index
            .find(hash, |&i| name_at(&self.text, &self.ends, i) == name)
            .copied()
    }

    /// The name at `index`. Panics on an index this interner never produced.
    pub fn name(&self, index: u32) -> &str {
        name_at(&self.text, &self.ends, index)
    }

    /// Number of distinct names.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when nothing was interned.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// All names in index order.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> {
        (0..self.ends.len() as u32).map(|i| self.name(i))
    }

    /// Releases the spare capacity the buffers grew into.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
        let (hasher, text, ends) = (&self.hasher, &self.text, &self.ends);
        self.index
            .shrink_to_fit(|&j| hasher.hash_one(name_at(text, ends, j)));
    }
}
