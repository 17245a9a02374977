//! Interned identifiers: every entity id from the users' systems becomes a dense `u32`
//! index once, so tables and aggregation work on small integers instead of strings.

use foldhash::HashMap;

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
    // foldhash: several times faster than SipHash on short ids, and still seeded per
    // process, so uploaded ids cannot be crafted to collide.
    index: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    /// Returns the index of `name`, adding it when new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = u32::try_from(self.names.len()).expect("more than u32::MAX ids");
        self.index.insert(name.into(), i);
        self.names.push(name.into());
        i
    }

    /// Index of an already interned name.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    /// The name at `index`. Panics on an index this interner never produced.
    pub fn name(&self, index: u32) -> &str {
        &self.names[index as usize]
    }

    /// Number of distinct names.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when nothing was interned.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// All names in index order.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> {
        self.names.iter().map(|s| &**s)
    }
}
