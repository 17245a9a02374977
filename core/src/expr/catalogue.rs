//! The catalogue: how the expression language learns which names exist. The language itself
//! knows no indicator; the engine answers for it at compile time.

use std::collections::BTreeMap;

use super::types::Binding;

/// Resolves the names and catalogue functions an expression uses to frame columns.
///
/// Called only while compiling; evaluation reads columns by [`Binding::slot`].
pub trait Catalogue {
    /// Resolves a dotted name, split at the dots (`["municipality", "median_score"]`).
    fn name(&self, path: &[&str]) -> Option<Binding>;

    /// Resolves a call of a function the language does not know, such as
    /// `findings("low_median")`, with its string-literal arguments. The default knows none.
    fn call(&self, func: &str, args: &[&str]) -> Option<Binding> {
        let _ = (func, args);
        None
    }
}

/// A catalogue kept in maps: handy for tests, examples and small embedders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapCatalogue {
    names: BTreeMap<String, Binding>,
    calls: BTreeMap<(String, Vec<String>), Binding>,
}

impl MapCatalogue {
    /// An empty catalogue.
    pub fn new() -> MapCatalogue {
        MapCatalogue::default()
    }

    /// Adds a dotted name such as `"school.pass_rate"`.
    pub fn with_name(mut self, dotted: &str, binding: Binding) -> MapCatalogue {
        self.names.insert(dotted.to_owned(), binding);
        self
    }

    /// Adds a catalogue function call with its exact string arguments.
    pub fn with_call(mut self, func: &str, args: &[&str], binding: Binding) -> MapCatalogue {
        let args = args.iter().map(|a| (*a).to_owned()).collect();
        self.calls.insert((func.to_owned(), args), binding);
        self
    }
}

impl Catalogue for MapCatalogue {
    fn name(&self, path: &[&str]) -> Option<Binding> {
        self.names.get(&path.join(".")).copied()
    }

    fn call(&self, func: &str, args: &[&str]) -> Option<Binding> {
        let args = args.iter().map(|a| (*a).to_owned()).collect();
        self.calls.get(&(func.to_owned(), args)).copied()
    }
}
