// The types of oko's inputs, options and report, written by hand (the table types between
// the GENERATED TABLES markers come from the core's columns). index.d.ts, which the build
// generates from the Rust doc comments, re-exports them all.
import type { ErrorInfo, ErrorLocation, RuleDiagnostic, RuleLocation } from './index'

/**
 * A cell of an input table: a string, a number, a boolean, `null` or `undefined` (missing).
 * Decimals may also be strings with a point or a comma (`"12,5"`); marks may be `"н/а"` or
 * `"осв."`. Any other JS type (an object, an array, a Date) is an `input.argument` error.
 */
export type Cell = string | number | boolean | null | undefined

/** A table given column by column: each column an array (or typed array) of equal length. */
export type Columns<Row> = { [K in keyof Row]: ReadonlyArray<Cell> | ArrayLike<number> }

// BEGIN GENERATED TABLES (cargo test -p oko-node checks this section; OKO_BLESS=1 rewrites it)
/** A row of `municipalities`. */
export interface MunicipalityRow {
  /** municipality id */
  id: Cell
  /** name */
  name?: Cell
}

/** A row of `schools`. */
export interface SchoolRow {
  /** school id */
  id: Cell
  /** name */
  name?: Cell
  /** municipality id */
  municipality: Cell
  /** regular, lyceum, gymnasium, in_depth, special */
  kind?: Cell
  /** true/false */
  rural?: Cell
  /** Every other column is a numeric context field (e.g. `low_income`). */
  [context: string]: Cell
}

/** A row of `classes`. */
export interface ClassRow {
  /** class id */
  id: Cell
  /** school id */
  school: Cell
  /** 1..11 */
  grade: Cell
  /** e.g. 5А */
  name?: Cell
}

/** A row of `teachers`. */
export interface TeacherRow {
  /** teacher id */
  id: Cell
  /** school id */
  school: Cell
  /** qualification */
  category?: Cell
}

/** A row of `assignments`. */
export interface AssignmentRow {
  /** teacher id */
  teacher: Cell
  /** class id */
  class: Cell
  /** subject id */
  subject: Cell
}

/** A row of `students`. */
export interface StudentRow {
  /** student id */
  id: Cell
  /** class id */
  class: Cell
  /** true/false, graduates */
  attestat?: Cell
  /** true/false, graduates */
  honours?: Cell
  /** none, participant, prize_winner, winner */
  olympiad?: Cell
  /** percent of lessons */
  attendance?: Cell
}

/** A row of `procedures`. */
export interface ProcedureRow {
  /** procedure id */
  id: Cell
  /** vpr, oge, ege, rdr, diagnostic, trial, niko, intl, internal */
  kind: Cell
  /** subject id */
  subject: Cell
  /** 1..11 */
  grade: Cell
  /** academic year, 2025/26 */
  year: Cell
  /** YYYY-MM-DD */
  date?: Cell
  /** maximum primary score */
  max_score: Cell
  /** scale id in the rules */
  scale?: Cell
  /** task maxima separated by ';', with ':group', e.g. 1;1;2:geometry */
  tasks?: Cell
}

/** A row of `results`. */
export interface ResultRow {
  /** student id */
  student: Cell
  /** procedure id */
  procedure: Cell
  /** class written in, when not the current one */
  class?: Cell
  /** primary score */
  primary_score?: Cell
  /** mark 1..5 */
  mark?: Cell
  /** ЕГЭ test score 0..100 */
  test_score?: Cell
  /** per-task scores separated by ';' */
  task_scores?: Cell
  /** Per-task scores as columns `task_1`, `task_2`, ... instead of `task_scores`. */
  [task: `task_${string}`]: Cell
}

/** A row of `marks`. */
export interface MarkRow {
  /** student id */
  student: Cell
  /** subject id */
  subject: Cell
  /** academic year */
  year: Cell
  /** t1..t4, h1, h2, year */
  period: Cell
  /** 2..5, 1, н/а, осв. */
  mark: Cell
}

/** A row of `trainings`. */
export interface TrainingRow {
  /** teacher id */
  teacher: Cell
  /** YYYY-MM-DD */
  date: Cell
  /** programme */
  topic?: Cell
  /** true when on assessment quality */
  assessment?: Cell
}

/** A row of `competencyTests`. */
export interface CompetencyTestRow {
  /** teacher id */
  teacher: Cell
  /** YYYY-MM-DD */
  date: Cell
  /** subject id */
  subject?: Cell
  /** score */
  score: Cell
  /** maximum score */
  max_score: Cell
}

/** A row of `mukoEvidence`. */
export interface MukoEvidenceRow {
  /** school id */
  school: Cell
  /** МУКО direction id of the rules (1..9) */
  direction: Cell
  /** management-cycle component id: goals, indicators, methods, monitoring, analysis, recommendations, measures, decisions, effectiveness */
  component: Cell
  /** present, partial, absent (есть, частично, нет) */
  status: Cell
  /** link to the document or page */
  link?: Cell
}

/** Tables as arrays of row objects, for `Dataset.fromRows`. Every table is optional. */
export interface RowTables {
  municipalities?: ReadonlyArray<MunicipalityRow>
  schools?: ReadonlyArray<SchoolRow>
  classes?: ReadonlyArray<ClassRow>
  teachers?: ReadonlyArray<TeacherRow>
  assignments?: ReadonlyArray<AssignmentRow>
  students?: ReadonlyArray<StudentRow>
  procedures?: ReadonlyArray<ProcedureRow>
  results?: ReadonlyArray<ResultRow>
  marks?: ReadonlyArray<MarkRow>
  trainings?: ReadonlyArray<TrainingRow>
  competencyTests?: ReadonlyArray<CompetencyTestRow>
  mukoEvidence?: ReadonlyArray<MukoEvidenceRow>
}

/** Tables as objects of columns, for `Dataset.fromColumns`. Every table is optional. */
export interface ColumnTables {
  municipalities?: Columns<MunicipalityRow>
  schools?: Columns<SchoolRow>
  classes?: Columns<ClassRow>
  teachers?: Columns<TeacherRow>
  assignments?: Columns<AssignmentRow>
  students?: Columns<StudentRow>
  procedures?: Columns<ProcedureRow>
  results?: Columns<ResultRow>
  marks?: Columns<MarkRow>
  trainings?: Columns<TrainingRow>
  competencyTests?: Columns<CompetencyTestRow>
  mukoEvidence?: Columns<MukoEvidenceRow>
}

/** Tables as Arrow IPC bytes (stream or file format), for `Dataset.fromArrowIpc`. Every table is optional. */
export interface ArrowTables {
  municipalities?: Uint8Array
  schools?: Uint8Array
  classes?: Uint8Array
  teachers?: Uint8Array
  assignments?: Uint8Array
  students?: Uint8Array
  procedures?: Uint8Array
  results?: Uint8Array
  marks?: Uint8Array
  trainings?: Uint8Array
  competencyTests?: Uint8Array
  mukoEvidence?: Uint8Array
}
// END GENERATED TABLES

/** Options of the `Dataset` factories. */
export interface DatasetOptions {
  /**
   * `strict` (default): any bad row fails the build, and the error lists every bad row.
   * `lenient`: bad rows are skipped and listed in `dataset.rejected`.
   */
  policy?: 'strict' | 'lenient'
}

/** A level of the hierarchy. */
export type Level = 'class' | 'grade' | 'teacher' | 'school' | 'municipality' | 'region'

/** Options of `aggregate` and `aggregateAsync`. */
export interface AggregateOptions {
  /** Below this n a value is marked `limited` (default 10). */
  minSample?: number
  /** `string` (default): exact decimal strings. `number`: JS numbers (rounded to a double). */
  decimals?: 'string' | 'number'
  /** Only these levels (default: all). */
  levels?: ReadonlyArray<Level>
  /** Only these indicator ids (default: all; see `indicatorCatalogue()`). */
  indicators?: ReadonlyArray<string>
}

/** Options of `generate`. */
export interface GenerateOptions {
  /** `tiny` (6 schools, 600 students), `district` (24, ~6,000) or `region` (2,000, 1,000,000). */
  preset: 'tiny' | 'district' | 'region'
  /** Random seed (default 1); the same seed gives the same data on every machine. */
  seed?: number
  /** Override the preset's number of schools (1..=10,000). */
  schools?: number
  /** Override the preset's number of students (1..=2,000,000). */
  students?: number
  /** Override the preset's number of municipalities (1..=40). */
  municipalities?: number
}

/** Options of `Rules.fromString` (and of the `{ text }` entries of `loadRules`). */
export interface RuleTextOptions {
  /** Name shown in errors and in the report's `rulesets[].file` (default `rules`). */
  name?: string
  /** `toml` (default) or `json`. */
  format?: 'toml' | 'json'
}

/** A ruleset given as text, in the array of `loadRules`. */
export interface RuleText extends RuleTextOptions {
  /** The rule file's text. */
  text: string
}

/** Options of `evaluate` and `evaluateAsync`. */
export interface EvaluateOptions {
  /** Below this n an indicator value is a limited sample, from which no conclusion is drawn (default 10). */
  minSample?: number
  /**
   * A key (at least 16 bytes; a string counts as its UTF-8 bytes): every student id in the
   * report becomes its pseudonym, HMAC-SHA256 with this key, first 16 hex characters; the
   * same bytes as `oko evaluate --pseudonymise-key-file` and Python's `pseudonymise_key`.
   * A shorter key throws `privacy.key`.
   */
  pseudonymiseKey?: Uint8Array | string
}

// The report: the shape of the core's JSON (`oko evaluate --format json`), field for field.
// Decimals are exact strings; optional fields are left out of the JSON when absent.

/** A text in Russian and English. */
export interface Text {
  ru: string
  en: string
}

/** A ruleset's parameter (`param.<name>` in rules) with its typed value. */
export interface RulesetParameter {
  name: string
  /** `15%` is `{ type: 'percent', value: '15' }`; numbers are exact decimal strings. */
  value:
    | { type: 'number' | 'percent' | 'points'; value: string }
    | { type: 'bool'; value: boolean }
    | { type: 'str'; value: string }
  doc: string | null
  source: string | null
}

/** A ruleset used: identity, regulation, years, parameters and the file it came from. */
export interface RulesetInfo {
  id: string
  version: string
  title: Text
  /** The regulation and clause the ruleset encodes. */
  source: { document: string; clause?: string; reference?: string }
  /** Academic years it applies to, by their first calendar year (empty: all). */
  years: number[]
  parameters: RulesetParameter[]
  /** The path or name it was loaded from. */
  file: string
}

/**
 * The level of a report's entity or rule: a level of the hierarchy, or `student` (rules over
 * students' subject profiles, e.g. the ГИА risk group; students have no aggregated cells).
 */
export type ReportLevel = Level | 'student'

/** An entity named in a report. */
export interface EntityRef {
  level: ReportLevel
  /**
   * For a grade `<school>/<grade>`; for the region `region`; for a student the input id, or
   * its pseudonym when evaluated with `pseudonymiseKey`.
   */
  id: string
  name: string
  school?: string
  municipality?: string
}

/** One value a rule read, with its sample size. */
export interface Evidence {
  /** The name as rules write it, e.g. `municipality.median_score`. */
  name: string
  role: 'indicator' | 'reference' | 'parameter' | 'derived' | 'attribute' | 'findings'
  /** An exact decimal string, a boolean, text, or `null` when unknown. */
  value: string | boolean | null
  unit: string
  /** Sample size of an indicator value. */
  n?: number
  /** Present (and `true`) when the sample is limited. */
  limited?: true
  /** Why the value is unknown. */
  unknown_reason?: string
}

/** A rule whose condition held for an entity. */
export interface Finding {
  ruleset: string
  version: string
  rule: string
  title?: Text
  entity: EntityRef
  /** The procedure or marks period, for scoped rules. */
  scope?: string
  severity: 'info' | 'warning' | 'critical'
  category: string
  outcome: true
  /** The condition as written in the rule file. */
  condition: string
  evidence: Evidence[]
  /** The message with the values filled in. */
  message: Text
}

/** A rule or classification that could not be decided for an entity, and why. */
export interface Undetermined {
  ruleset: string
  rule: string
  entity: EntityRef
  scope?: string
  /** `unknown.limited_sample`, `unknown.missing`, ... */
  reason_code: string
  reason: string
  evidence: Evidence[]
}

/** A label given by a classification. */
export interface Label {
  ruleset: string
  classification: string
  entity: EntityRef
  scope?: string
  label: string
  title: Text
  advice?: Text
  /** Which bands were true. */
  bands: string[]
  evidence: Evidence[]
}

/** Counts per rule or classification. */
export interface RuleSummary {
  ruleset: string
  rule: string
  level: ReportLevel
  rows: number
  findings: number
  undetermined: number
}

/** A data row skipped under the lenient policy. */
export interface RejectedRow {
  code: string
  /** The core's table name (`competency_tests`). */
  table: string
  row: number
  column: string
}

/** What `evaluate` produces: the core's report as plain data. */
export interface Report {
  rulesets: RulesetInfo[]
  findings: Finding[]
  undetermined: Undetermined[]
  labels: Label[]
  summary: RuleSummary[]
  /** Lint warnings of the rules. */
  warnings: RuleDiagnostic[]
  rejected_rows: RejectedRow[]
}

/**
 * The result of `evaluate`: the report's fields as plain objects (`JSON.parse` of the core's
 * JSON), and two non-enumerable members that `Object.keys`, `assert.deepEqual` and
 * `JSON.stringify` do not see.
 */
export interface Evaluation extends Report {
  /** The core's JSON (`serde_json::to_string_pretty` of the report, the CLI's `--format json`), byte for byte. */
  readonly reportJson: string
  /** The plain report; `JSON.stringify(evaluation, null, 2) === evaluation.reportJson`. */
  toJSON(): Report
}

/**
 * What the `Rules` factories and `loadRules` throw: an `Error` whose `code` is the first
 * error's (`rule.syntax`, `rule.schema`, `rule.unknown_name`, `rule.unit_mismatch`, `limit.file_size`,
 * `limit.rules`, ..., or `input.io` for a file that cannot be read), `location` where it is,
 * and `errors` every diagnostic (errors and warnings, in file order). The message renders
 * them all with caret snippets, like a compiler.
 */
export interface RuleError extends Error {
  code: string
  location: RuleLocation | null
  errors: RuleDiagnostic[]
}

/**
 * What oko throws (and what its Promises reject with): an `Error` with a stable `code` and
 * a `location`. Codes: `data.*` (a bad row, e.g. `data.mark_out_of_range`,
 * `data.missing_column`), `limit.rows`, `input.argument` (wrong JS type or shape),
 * `input.option` (unknown option value), `input.arrow` (unreadable Arrow data),
 * `privacy.key` (a `pseudonymiseKey` shorter than 16 bytes),
 * `internal.panic` and `internal.engine` (a bug in oko, caught). Messages never contain a
 * cell's value. Rules that do not compile throw a `RuleError` instead.
 */
export interface OkoError extends Error {
  /** Stable machine code. */
  code: string
  /** Where, or `null`. */
  location: ErrorLocation | null
  /** For a dataset rejected under the strict policy: every bad row. */
  errors?: ErrorInfo[]
}
