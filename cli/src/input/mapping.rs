//! Column mapping: from the headers a file happens to have to oko's
//! canonical column names, per table, by a TOML mapping file.
//!
//! ```toml
//! name = "fis-oko-vpr"
//! description = "ВПР results exported from ФИС ОКО"
//!
//! [tables.results]
//! # every entry must be present; an inner list means "at least one of"
//! required = ["student", ["primary_score", "mark"]]
//!
//! [tables.results.columns]
//! student = ["Код участника", "Код ученика", "ID"]
//! primary_score = ["Первичный балл", "Балл", "Сумма баллов"]
//! mark = "Отметка"
//! "task_{n}" = ["Задание {n}", "№{n}", "{n}"]
//! ```
//!
//! Headers and synonyms are compared after [`normalize_header`]: case,
//! whitespace (also no-break spaces) and `ё`/`е` do not matter. Every
//! canonical name is also its own synonym. A key with `{n}` is a pattern:
//! `{n}` matches a task label such as `7`, `3.1` or `3(1)`, written in the
//! canonical name as `task_7`, `task_3.1`, `task_3.1`.
//!
//! Canonical names are those of the core ([`oko::columns_of`]): a mapping
//! may also name columns the core does not read (a school's name in a
//! results export, a student's sex); the loader reports them by header as
//! ignored columns rather than dropping them unseen.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use oko::{TableName, columns_of};
use serde::Deserialize;

use super::Row;
use super::error::{ErrorKind, InputError, Location};

/// The name of the identity mapping: headers are oko's canonical column
/// names (see [`Mapping::identity`]).
pub const IDENTITY_MAPPING: &str = "oko";

/// The names of the built-in mappings: `oko` (identity, made from
/// [`oko::columns_of`]), `fis-oko-vpr`, `school-journal`.
pub const BUILTIN_NAMES: &[&str] = &[IDENTITY_MAPPING, "fis-oko-vpr", "school-journal"];

/// The built-in mappings written as TOML files (`cli/mappings/`), by name;
/// the identity mapping `oko` is made in code instead.
pub const BUILTIN_MAPPINGS: &[(&str, &str)] = &[
    (
        "fis-oko-vpr",
        include_str!("../../mappings/fis-oko-vpr.toml"),
    ),
    (
        "school-journal",
        include_str!("../../mappings/school-journal.toml"),
    ),
];

/// Every table oko reads, in dependency order (the order of [`TableName`]'s
/// declaration): a table refers only to tables before it.
pub const TABLES: [TableName; 12] = TableName::ALL;

/// The table of a file-style name (`results`, `competency_tests`).
///
/// ```
/// use oko_cli::input::table_from_name;
/// assert_eq!(table_from_name("results"), Some(oko::TableName::Results));
/// assert_eq!(table_from_name("grades"), None);
/// ```
pub fn table_from_name(name: &str) -> Option<TableName> {
    TABLES.into_iter().find(|t| t.as_str() == name)
}

/// The pattern of per-task score columns of results (`task_1`, `task_3.1`).
pub const TASK_PATTERN: &str = "task_{n}";

/// The placeholder for a task or period number in pattern columns.
const PLACEHOLDER: &str = "{n}";

/// Normalizes a header for comparison: lower case, `ё` as `е`, and no
/// whitespace (spaces, no-break spaces, tabs) or zero-width characters.
///
/// ```
/// use oko_cli::input::normalize_header;
/// assert_eq!(normalize_header(" Первичный\u{a0}БАЛЛ "), "первичныйбалл");
/// assert_eq!(normalize_header("Отметка за чётверть"), normalize_header("отметка за четверть"));
/// ```
pub fn normalize_header(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for c in header.chars() {
        if c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}') {
            continue;
        }
        for l in c.to_lowercase() {
            out.push(if l == 'ё' { 'е' } else { l });
        }
    }
    out
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    name: Option<String>,
    #[serde(default)]
    description: String,
    tables: BTreeMap<String, RawTable>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    #[serde(default)]
    required: Vec<OneOrMany>,
    columns: BTreeMap<String, OneOrMany>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// A loaded mapping file: for each table, the canonical columns and the
/// headers accepted for each.
#[derive(Debug, Clone)]
pub struct Mapping {
    name: String,
    description: String,
    tables: BTreeMap<String, TableMapping>,
}

/// The columns of one table in a [`Mapping`].
#[derive(Debug, Clone)]
pub struct TableMapping {
    columns: Vec<ColumnSpec>,
    /// Normalized synonym → index into `columns`.
    exact: HashMap<String, usize>,
    /// (prefix, suffix, index into `columns`) of normalized pattern synonyms.
    patterns: Vec<(String, String, usize)>,
    required: Vec<Vec<String>>,
}

/// A canonical column and the headers that mean it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec {
    /// The canonical name, e.g. `primary_score` or the pattern `task_{n}`.
    pub canonical: String,
    /// The headers accepted for it, as written in the mapping file.
    pub synonyms: Vec<String>,
}

impl ColumnSpec {
    /// Is this a pattern column (its name has `{n}`)?
    pub fn is_pattern(&self) -> bool {
        self.canonical.contains(PLACEHOLDER)
    }
}

impl Mapping {
    /// A built-in mapping by name (see [`BUILTIN_NAMES`]).
    pub fn builtin(name: &str) -> Option<Result<Mapping, InputError>> {
        if name == IDENTITY_MAPPING {
            return Some(Ok(Mapping::identity()));
        }
        BUILTIN_MAPPINGS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| Mapping::from_toml(n, text))
    }

    /// A built-in mapping by name (`fis-oko-vpr`), or else a mapping file by
    /// path (`my-layout.toml`).
    pub fn load(name_or_path: &str) -> Result<Mapping, InputError> {
        if let Some(m) = Mapping::builtin(name_or_path) {
            return m;
        }
        let path = Path::new(name_or_path);
        let file = display_name(path);
        match std::fs::read_to_string(path) {
            Ok(text) => Mapping::from_toml(&file, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(InputError::new(
                ErrorKind::Mapping,
                Location::file(file),
                format!(
                    "no built-in mapping of this name and no such file; the built-in mappings are {}",
                    BUILTIN_NAMES.join(", ")
                ),
            )),
            Err(e) => Err(InputError::io(
                Location::file(file),
                "cannot read the mapping file",
                e,
            )),
        }
    }

    /// Parses and checks a mapping from TOML text; `file` names it in errors
    /// and is its name when the text has no `name`.
    pub fn from_toml(file: &str, text: &str) -> Result<Mapping, InputError> {
        let raw: RawMapping = toml::from_str(text).map_err(|e| {
            let mut loc = Location::file(file);
            if let Some(span) = e.span() {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                loc = loc.at_row(line as u64);
            }
            InputError::new(ErrorKind::Mapping, loc, e.message().to_owned())
        })?;
        let name = raw
            .name
            .unwrap_or_else(|| file.strip_suffix(".toml").unwrap_or(file).to_owned());
        let mut tables = BTreeMap::new();
        for (table, raw_table) in raw.tables {
            let t = TableMapping::build(file, &table, raw_table)?;
            tables.insert(table, t);
        }
        Ok(Mapping {
            name,
            description: raw.description,
            tables,
        })
    }

    /// The identity mapping `oko`: every table of [`TABLES`] with exactly the
    /// canonical column names of [`oko::columns_of`] (each its own only
    /// synonym, compared ignoring case and spaces), the required ones
    /// required, and for results the per-task pattern `task_{n}`.
    ///
    /// ```
    /// use oko_cli::input::Mapping;
    /// let m = Mapping::identity();
    /// assert_eq!(m.name(), "oko");
    /// assert_eq!(m.table_names().count(), 12);
    /// ```
    pub fn identity() -> Mapping {
        let mut tables = BTreeMap::new();
        for table in TABLES {
            let specs = columns_of(table);
            let mut columns: BTreeMap<String, OneOrMany> = specs
                .iter()
                .map(|c| (c.name.to_owned(), OneOrMany::Many(Vec::new())))
                .collect();
            if table == TableName::Results {
                columns.insert(TASK_PATTERN.to_owned(), OneOrMany::Many(Vec::new()));
            }
            let required = specs
                .iter()
                .filter(|c| c.required)
                .map(|c| OneOrMany::One(c.name.to_owned()))
                .collect();
            let t = TableMapping::build(
                IDENTITY_MAPPING,
                table.as_str(),
                RawTable { required, columns },
            )
            .expect("oko's canonical names form a valid mapping");
            tables.insert(table.as_str().to_owned(), t);
        }
        Mapping {
            name: IDENTITY_MAPPING.to_owned(),
            description: "Identity: headers are oko's canonical column names".to_owned(),
            tables,
        }
    }

    /// The mapping's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the mapping is for.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The names of the tables it maps.
    pub fn table_names(&self) -> impl Iterator<Item = &str> {
        self.tables.keys().map(String::as_str)
    }

    /// One table's columns.
    pub fn table(&self, table: &str) -> Option<&TableMapping> {
        self.tables.get(table)
    }

    /// Maps the headers of a file (`file` names it in errors) to the
    /// canonical columns of `table`.
    ///
    /// Fails with `input.missing_column` when a required column is not
    /// found, naming it and listing the headers found; with `input.mapping`
    /// when the table is unknown or two headers map to one column. Headers
    /// that map to nothing are returned in [`ColumnMap::unmapped`].
    pub fn resolve(
        &self,
        table: &str,
        headers: &[String],
        file: &str,
    ) -> Result<ColumnMap, InputError> {
        let t = self.tables.get(table).ok_or_else(|| {
            InputError::new(
                ErrorKind::Mapping,
                Location::file(&self.name),
                format!(
                    "the mapping has no table {table:?}; its tables are {}",
                    self.table_names()
                        .map(|n| format!("{n:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        t.resolve(&self.name, table, headers, file, &[])
    }

    /// Like [`Mapping::resolve`], with canonical columns that the caller
    /// supplies itself (e.g. a constant given on the command line): they
    /// count as present for the required-column check.
    pub fn resolve_with(
        &self,
        table: &str,
        headers: &[String],
        file: &str,
        supplied: &[&str],
    ) -> Result<ColumnMap, InputError> {
        match self.tables.get(table) {
            Some(t) => t.resolve(&self.name, table, headers, file, supplied),
            None => self.resolve(table, headers, file),
        }
    }
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn mapping_error(file: &str, table: &str, column: &str, message: String) -> InputError {
    InputError::new(
        ErrorKind::Mapping,
        Location::file(file).in_column(format!("{table}.{column}")),
        message,
    )
}

impl TableMapping {
    fn build(file: &str, table: &str, raw: RawTable) -> Result<TableMapping, InputError> {
        let mut columns = Vec::with_capacity(raw.columns.len());
        let mut exact: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<(String, String, usize)> = Vec::new();
        for (canonical, synonyms) in raw.columns {
            let idx = columns.len();
            let synonyms = synonyms.into_vec();
            let is_pattern = canonical.contains(PLACEHOLDER);
            if canonical.trim().is_empty() || canonical.matches(PLACEHOLDER).count() > 1 {
                return Err(mapping_error(
                    file,
                    table,
                    &canonical,
                    "a canonical name must be non-empty and have {n} at most once".into(),
                ));
            }
            let all =
                std::iter::once(canonical.as_str()).chain(synonyms.iter().map(String::as_str));
            for synonym in all {
                let norm = normalize_header(synonym);
                let holes = norm.matches(PLACEHOLDER).count();
                if is_pattern {
                    if holes != 1 {
                        return Err(mapping_error(
                            file,
                            table,
                            &canonical,
                            format!(
                                "the synonym {synonym:?} of a pattern column must have {{n}} exactly once"
                            ),
                        ));
                    }
                    let (prefix, suffix) = norm.split_once(PLACEHOLDER).unwrap_or((&norm, ""));
                    if let Some(&(_, _, other)) =
                        patterns.iter().find(|(p, s, _)| p == prefix && s == suffix)
                    {
                        if other != idx {
                            return Err(mapping_error(
                                file,
                                table,
                                &canonical,
                                format!(
                                    "the synonym {synonym:?} is also a synonym of {:?}",
                                    columns.get(other).map_or("", |c: &ColumnSpec| &c.canonical)
                                ),
                            ));
                        }
                        continue;
                    }
                    patterns.push((prefix.to_owned(), suffix.to_owned(), idx));
                } else {
                    if holes != 0 || norm.is_empty() {
                        return Err(mapping_error(
                            file,
                            table,
                            &canonical,
                            format!(
                                "the synonym {synonym:?} is empty or has {{n}}, but the column is not a pattern"
                            ),
                        ));
                    }
                    match exact.get(&norm) {
                        Some(&other) if other != idx => {
                            return Err(mapping_error(
                                file,
                                table,
                                &canonical,
                                format!(
                                    "the synonym {synonym:?} is also a synonym of {:?}",
                                    columns[other].canonical
                                ),
                            ));
                        }
                        _ => {
                            exact.insert(norm, idx);
                        }
                    }
                }
            }
            columns.push(ColumnSpec {
                canonical,
                synonyms,
            });
        }
        let mut required = Vec::with_capacity(raw.required.len());
        for group in raw.required {
            let group = group.into_vec();
            if group.is_empty() {
                return Err(mapping_error(
                    file,
                    table,
                    "required",
                    "an empty group in \"required\"".into(),
                ));
            }
            for name in &group {
                if !columns.iter().any(|c| &c.canonical == name) {
                    return Err(mapping_error(
                        file,
                        table,
                        name,
                        "a required column that the table's [columns] does not define".into(),
                    ));
                }
            }
            required.push(group);
        }
        Ok(TableMapping {
            columns,
            exact,
            patterns,
            required,
        })
    }

    /// The canonical columns, by canonical name.
    pub fn columns(&self) -> &[ColumnSpec] {
        &self.columns
    }

    /// The required columns: each group needs at least one of its names.
    pub fn required(&self) -> &[Vec<String>] {
        &self.required
    }

    /// The canonical name a header maps to, if any; `Err` lists the canonical
    /// names of two patterns that both match.
    fn match_header(&self, header: &str) -> Result<Option<(usize, String)>, (String, String)> {
        let norm = normalize_header(header);
        if norm.is_empty() {
            return Ok(None);
        }
        if let Some(&idx) = self.exact.get(&norm) {
            return Ok(Some((idx, self.columns[idx].canonical.clone())));
        }
        let mut found: Option<(usize, String)> = None;
        for (prefix, suffix, idx) in &self.patterns {
            let Some(middle) = norm
                .strip_prefix(prefix.as_str())
                .and_then(|rest| rest.strip_suffix(suffix.as_str()))
            else {
                continue;
            };
            let Some(label) = parse_label(middle) else {
                continue;
            };
            let canonical = self.columns[*idx].canonical.replace(PLACEHOLDER, &label);
            match &found {
                Some((other, _)) if other != idx => {
                    return Err((
                        self.columns[*other].canonical.clone(),
                        self.columns[*idx].canonical.clone(),
                    ));
                }
                Some(_) => {}
                None => found = Some((*idx, canonical)),
            }
        }
        Ok(found)
    }

    fn resolve(
        &self,
        mapping: &str,
        table: &str,
        headers: &[String],
        file: &str,
        supplied: &[&str],
    ) -> Result<ColumnMap, InputError> {
        let mut mapped: Vec<MappedColumn> = Vec::new();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        let mut unmapped = Vec::new();
        let mut unnamed = Vec::new();
        for (index, header) in headers.iter().enumerate() {
            if header.trim().is_empty() {
                unnamed.push(index);
                continue;
            }
            let found = self.match_header(header).map_err(|(a, b)| {
                InputError::new(
                    ErrorKind::Mapping,
                    Location::file(file).in_column(header.clone()),
                    format!("the header matches both {a:?} and {b:?} in mapping {mapping}"),
                )
            })?;
            let Some((spec, canonical)) = found else {
                unmapped.push(UnmappedColumn {
                    index,
                    header: header.clone(),
                });
                continue;
            };
            if let Some(&prev) = by_name.get(&canonical) {
                let prev: &MappedColumn = &mapped[prev];
                return Err(InputError::new(
                    ErrorKind::Mapping,
                    Location::file(file).in_column(header.clone()),
                    format!(
                        "the headers {:?} (column {}) and {:?} (column {}) both map to {canonical:?}; remove or rename one",
                        prev.header,
                        prev.index + 1,
                        header,
                        index + 1
                    ),
                ));
            }
            by_name.insert(canonical.clone(), mapped.len());
            mapped.push(MappedColumn {
                canonical,
                spec: self.columns[spec].canonical.clone(),
                index,
                header: header.clone(),
            });
        }
        for group in &self.required {
            let present = group.iter().any(|name| {
                supplied.contains(&name.as_str()) || mapped.iter().any(|m| &m.spec == name)
            });
            if present {
                continue;
            }
            let wanted = group
                .iter()
                .map(|name| {
                    let spec = self.columns.iter().find(|c| &c.canonical == name);
                    let synonyms = spec.map_or_else(String::new, |c| {
                        c.synonyms
                            .iter()
                            .map(|s| format!("{s:?}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    });
                    if synonyms.is_empty() {
                        name.clone()
                    } else {
                        format!("{name} (headers {synonyms})")
                    }
                })
                .collect::<Vec<_>>()
                .join(" or ");
            let found = headers
                .iter()
                .map(|h| format!("{h:?}"))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(InputError::new(
                ErrorKind::MissingColumn,
                Location::file(file).in_column(group[0].clone()),
                format!(
                    "a required column is missing (table {table}, mapping {mapping}): {wanted}; the headers found are {found}"
                ),
            ));
        }
        Ok(ColumnMap {
            mapping: mapping.to_owned(),
            table: table.to_owned(),
            mapped,
            by_name,
            unmapped,
            unnamed,
        })
    }
}

/// Parses a task label: digits, then sub-numbers as `.1`, `_1`, `-1` or
/// `(1)`. Returns it with dots and without leading zeros (`03(1)` → `3.1`).
fn parse_label(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let digits_at = |i: usize| {
        let end = bytes[i.min(bytes.len())..]
            .iter()
            .position(|b| !b.is_ascii_digit())
            .map_or(bytes.len(), |p| i + p);
        (end > i).then_some(end)
    };
    let mut parts: Vec<&str> = Vec::new();
    let end = digits_at(0)?;
    parts.push(&s[..end]);
    let mut i = end;
    while i < bytes.len() {
        match bytes[i] {
            b'.' | b'_' | b'-' => {
                let end = digits_at(i + 1)?;
                parts.push(&s[i + 1..end]);
                i = end;
            }
            b'(' => {
                let end = digits_at(i + 1)?;
                if bytes.get(end) != Some(&b')') {
                    return None;
                }
                parts.push(&s[i + 1..end]);
                i = end + 1;
            }
            _ => return None,
        }
    }
    let parts: Vec<&str> = parts
        .into_iter()
        .map(|p| {
            let t = p.trim_start_matches('0');
            if t.is_empty() { "0" } else { t }
        })
        .collect();
    Some(parts.join("."))
}

/// A header that maps to a canonical column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedColumn {
    /// The canonical name, e.g. `primary_score` or `task_3.1`.
    pub canonical: String,
    /// The mapping entry it came from: equal to `canonical`, or the pattern
    /// such as `task_{n}`.
    pub spec: String,
    /// The column's 0-based position in the file's headers.
    pub index: usize,
    /// The header as written in the file.
    pub header: String,
}

/// A header that maps to no canonical column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmappedColumn {
    /// The column's 0-based position in the file's headers.
    pub index: usize,
    /// The header as written in the file.
    pub header: String,
}

/// The result of mapping a file's headers: where each canonical column is,
/// and which columns are not used.
#[derive(Debug, Clone)]
pub struct ColumnMap {
    mapping: String,
    table: String,
    mapped: Vec<MappedColumn>,
    by_name: HashMap<String, usize>,
    unmapped: Vec<UnmappedColumn>,
    unnamed: Vec<usize>,
}

impl ColumnMap {
    /// The 0-based position of a canonical column in the file, if present.
    pub fn index(&self, canonical: &str) -> Option<usize> {
        self.by_name.get(canonical).map(|&i| self.mapped[i].index)
    }

    /// The cell of a canonical column in a row, if the column is present.
    pub fn get<'r>(&self, row: &'r Row, canonical: &str) -> Option<&'r str> {
        self.index(canonical).and_then(|i| row.get(i))
    }

    /// All mapped columns, in the order of the file's headers.
    pub fn columns(&self) -> &[MappedColumn] {
        &self.mapped
    }

    /// The columns that a pattern such as `task_{n}` matched, in header order.
    pub fn matching<'a>(&'a self, pattern: &'a str) -> impl Iterator<Item = &'a MappedColumn> {
        self.mapped.iter().filter(move |m| m.spec == pattern)
    }

    /// The headers that map to no canonical column.
    pub fn unmapped(&self) -> &[UnmappedColumn] {
        &self.unmapped
    }

    /// The 0-based positions of columns with an empty header.
    pub fn unnamed(&self) -> &[usize] {
        &self.unnamed
    }

    /// A warning for each column not used, ready to show to a person.
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .unmapped
            .iter()
            .map(|u| {
                format!(
                    "column {} {:?} is not used by table {} of mapping {}",
                    u.index + 1,
                    u.header,
                    self.table,
                    self.mapping
                )
            })
            .collect();
        out.extend(
            self.unnamed
                .iter()
                .map(|i| format!("column {} has no header; its cells are not used", i + 1)),
        );
        out
    }

    /// The location of a canonical column's cell in a row, naming the
    /// column by its header in the file, e.g. for [`super::CellError::at`].
    pub fn location(&self, file: &str, row: &Row, canonical: &str) -> Location {
        let loc = Location::file(file).at_row(row.number());
        match self.by_name.get(canonical) {
            Some(&i) => loc.in_column(self.mapped[i].header.clone()),
            None => loc.in_column(canonical),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(parse_label("7").as_deref(), Some("7"));
        assert_eq!(parse_label("07").as_deref(), Some("7"));
        assert_eq!(parse_label("3.1").as_deref(), Some("3.1"));
        assert_eq!(parse_label("3(1)").as_deref(), Some("3.1"));
        assert_eq!(parse_label("3_2").as_deref(), Some("3.2"));
        assert_eq!(parse_label("10.2(1)").as_deref(), Some("10.2.1"));
        for bad in ["", "a", "3.", "3(", "3(1", "3()", "п/п", "3a", ".3"] {
            assert_eq!(parse_label(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn identity_is_the_core_columns() {
        let m = Mapping::identity();
        for table in TABLES {
            let t = m.table(table.as_str()).unwrap();
            let mut got: Vec<&str> = t.columns().iter().map(|c| c.canonical.as_str()).collect();
            let mut want: Vec<&str> = columns_of(table).iter().map(|c| c.name).collect();
            if table == TableName::Results {
                want.push(TASK_PATTERN);
            }
            got.sort_unstable();
            want.sort_unstable();
            assert_eq!(got, want, "{table}");
            let required: Vec<&str> = columns_of(table)
                .iter()
                .filter(|c| c.required)
                .map(|c| c.name)
                .collect();
            let got: Vec<&str> = t.required().iter().map(|g| g[0].as_str()).collect();
            assert_eq!(got, required, "{table}");
        }
    }

    /// Every canonical name of a shipped mapping is a core column of its
    /// table, or one of the extras the loader reports as ignored.
    #[test]
    fn shipped_mappings_use_core_names() {
        const EXTRAS: &[&str] = &[
            "school",
            "school_name",
            "municipality",
            "grade",
            "variant",
            "sex",
            "journal_mark",
            "student_name",
            "class",
            "teacher",
            "date",
            "subject",
            "period_{n}",
            "year_mark",
        ];
        for name in BUILTIN_NAMES {
            let m = Mapping::builtin(name).unwrap().unwrap();
            for table in m.table_names() {
                let t = table_from_name(table).unwrap_or_else(|| panic!("{name}: {table}"));
                let core: Vec<&str> = columns_of(t).iter().map(|c| c.name).collect();
                for c in m.table(table).unwrap().columns() {
                    let n = c.canonical.as_str();
                    assert!(
                        core.contains(&n) || n == TASK_PATTERN || EXTRAS.contains(&n),
                        "{name}.{table}.{n}"
                    );
                }
                // A core column oko needs is never hidden behind another name.
                assert!(
                    !m.table(table)
                        .unwrap()
                        .columns()
                        .iter()
                        .any(|c| c.canonical.ends_with("_id")),
                    "{name}.{table}"
                );
            }
        }
    }

    #[test]
    fn builtins_load() {
        for name in BUILTIN_NAMES {
            let m = Mapping::builtin(name).unwrap().unwrap();
            assert_eq!(m.name(), *name);
            assert!(m.table_names().count() > 0);
        }
    }
}
