// The malformed-input corpus of tests/bad-inputs/ (manifest.toml) through Node, as
// cli/tests/bad_inputs.rs runs it through Rust and test_bad_inputs.py through Python:
// - every rules case (rules-toml, rules-json; files and generated pathological sizes) must
//   throw an Error with the expected code and, where the manifest gives one, line and
//   column (or compile with the expected lint warning);
// - every data case with a `core_code` must make Dataset.fromRows / fromColumns throw an
//   Error with that code at { table, row: core_row, column: core_column };
// - nothing crashes, and no message, error list or stack quotes the manifest's `secrets`.
// The numbers of cases run are asserted against a count of the manifest's raw text, so a
// parse slip cannot skip cases silently.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { parse } from 'smol-toml'
import { Dataset, loadRules, type OkoError, type RuleError, type RowTables, type RuleText } from 'oko'
import { repo, toColumns } from './helpers.js'

interface Case {
  file?: string
  generate?: string
  kind: string
  code: string
  line?: number
  column?: number | string
  table?: string
  core_code?: string
  core_row?: number
  core_column?: string
  level?: string
  with_shipped?: boolean
  max_rows_per_table?: number
  max_subjects?: number
  procedure?: string
  mapping?: string
  encoding?: string
}

const root = path.join(repo, 'tests', 'bad-inputs')
const raw = fs.readFileSync(path.join(root, 'manifest.toml'), 'utf8')
const manifest = parse(raw) as unknown as { secrets: string[]; case: Case[] }
const secrets = manifest.secrets
const cases = manifest.case

/** How often `pattern` starts a line of the manifest's raw text. */
function rawCount(pattern: RegExp): number {
  return raw.split('\n').filter((l) => pattern.test(l)).length
}

/** Load options Dataset.fromRows does not take (the Rust runner sets them). */
const LOAD_OPTIONS = ['max_rows_per_table', 'max_subjects', 'procedure', 'mapping', 'encoding'] as const

const ruleCases = cases.filter((c) => c.kind === 'rules-toml' || c.kind === 'rules-json')
const coreCases = cases.filter((c) => c.core_code !== undefined)
const dataCases = coreCases.filter((c) => !LOAD_OPTIONS.some((o) => o in c))
const ran = { rules: 0, data: 0 }

function name(c: Case): string {
  return c.file ?? `generated:${c.generate}`
}

/** No error text may contain a planted personal value. */
function assertNoSecret(c: Case, text: string): void {
  for (const s of secrets) assert.ok(!text.includes(s), `${name(c)}: an error quotes ${JSON.stringify(s)}`)
}

/** Runs `f` and returns what it threw (failing if it did not throw an Error). */
function thrown(c: Case, f: () => unknown): Error {
  try {
    f()
  } catch (e) {
    assert.ok(e instanceof Error, `${name(c)}: threw a non-Error ${String(e)}`)
    return e
  }
  assert.fail(`${name(c)}: did not throw, expected ${c.core_code ?? c.code}`)
}

test('the manifest parses whole: every case, every kind, the secrets', () => {
  assert.equal(cases.length, rawCount(/^\[\[case\]\]\s*$/), 'cases parsed = [[case]] headers')
  assert.ok(cases.length >= 200)
  assert.equal(ruleCases.length, rawCount(/^kind = "rules-(toml|json)"$/))
  assert.equal(coreCases.length, rawCount(/^core_code = "/))
  assert.ok(ruleCases.length >= 80, `rules cases: ${ruleCases.length}`)
  assert.ok(dataCases.length >= 70, `data cases: ${dataCases.length}`)
  assert.equal(coreCases.length - dataCases.length, 2, 'only the two row/subject-limit cases are left to Rust')
  assert.ok(secrets.length >= 4)
})

// --- rules ---------------------------------------------------------------------------------

const HEAD =
  'schema_version = 1\nid = "bad"\nversion = "1"\ntitle = { ru = "т", en = "t" }\nsource = { document = "d" }\n'

function ruleWith(when: string, message: string): string {
  return `${HEAD}\n[[rules]]\nid = "r"\nlevel = "school"\nmessage = { ru = "${message}", en = "m" }\nwhen = "${when}"\n`
}

/** The generated rule files, exactly as cli/tests/bad_inputs.rs makes them. */
function generatedRules(g: string): string {
  switch (g) {
    case 'huge_file':
      return `${HEAD}# ${'x'.repeat(2 << 20)}\n`
    case 'many_rules': {
      let s = HEAD
      for (let i = 0; i < 1001; i++) {
        s += `\n[[rules]]\nid = "r${i}"\nlevel = "school"\nwhen = "true"\nmessage = { ru = "", en = "" }\n`
      }
      return s
    }
    case 'deep_parens':
      return ruleWith(`${'('.repeat(20_000)}1${')'.repeat(20_000)} > 0`, 'm')
    case 'many_nodes':
      return ruleWith(`min(${'1, '.repeat(5000)}1) > 0`, 'm')
    case 'long_expression':
      return ruleWith(`1 ${' '.repeat(70 * 1024)}> 0`, 'm')
    case 'deep_not':
      return ruleWith(`${'not '.repeat(10_000)}true`, 'm')
    case 'deep_toml_tables':
      return `${HEAD}${Array(100_000).fill('a').join('.')} = 1\n`
    case 'many_placeholders':
      return ruleWith('true', '{entity}'.repeat(100_000))
    case 'deep_json':
      return `{"schema_version": 1, "parameters": {"p": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}`
    default:
      throw new Error(`unknown rule generator ${g}`)
  }
}

/** The shipped rule files in load order, as core/src/rules/shipped.rs lists them. */
const shipped: string[] = [
  ...fs.readFileSync(path.join(repo, 'core', 'src', 'rules', 'shipped.rs'), 'utf8').matchAll(/"(rules\/[\w-]+\.toml)",/g),
].map((m) => path.join(repo, m[1]!))

test('the shipped list is read from the core', () => {
  assert.ok(shipped.length >= 5)
  for (const f of shipped) assert.ok(fs.existsSync(f), f)
})

function ruleSource(c: Case): string | RuleText {
  if (c.file !== undefined) return path.join(root, c.file)
  return { text: generatedRules(c.generate!), name: name(c), format: c.kind === 'rules-json' ? 'json' : 'toml' }
}

for (const c of ruleCases) {
  test(`rules: ${name(c)} → ${c.code}`, () => {
    const sources = [...(c.with_shipped === true ? shipped : []), ruleSource(c)]
    if (c.level === 'warning') {
      const rules = loadRules(sources)
      assert.ok(
        rules.warnings.some((w) => w.code === c.code && w.level === 'warning'),
        `${name(c)}: no warning ${c.code}: ${JSON.stringify(rules.warnings)}`,
      )
      ran.rules++
      return
    }
    const err = thrown(c, () => loadRules(sources)) as RuleError
    assert.equal(typeof err.code, 'string')
    assert.ok(Array.isArray(err.errors), `${name(c)}: a rule error lists its diagnostics`)
    const d = err.errors.find((x) => x.level === 'error' && x.code === c.code)
    assert.ok(d, `${name(c)}: no error ${c.code}:\n${err.message}`)
    for (const x of err.errors.filter((x) => x.level === 'error')) {
      assert.match(x.code, /^(rule|limit)\./, `${name(c)}: ${x.code}`)
    }
    assert.match(err.code, /^(rule|limit)\./)
    if (c.line !== undefined) {
      assert.deepEqual([d.line, d.column], [c.line, c.column], `${name(c)}: location of ${c.code}`)
    }
    assert.ok(err.location !== null, `${name(c)}: a rule error has a location`)
    assert.ok(err.message.length < 64 * 1024, `${name(c)}: the message is huge`)
    assertNoSecret(c, JSON.stringify({ message: err.message, errors: err.errors, stack: err.stack }))
    ran.rules++
  })
}

// --- data ----------------------------------------------------------------------------------

/** `competency_tests` is `competencyTests` in JS. */
function jsName(table: string): string {
  return table.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase())
}

const baseTables = fs
  .readdirSync(path.join(root, 'base'))
  .filter((f) => f.endsWith('.json'))
  .sort()

function base(): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {}
  for (const f of baseTables) {
    out[jsName(f.replace(/\.json$/, ''))] = JSON.parse(fs.readFileSync(path.join(root, 'base', f), 'utf8')) as unknown[]
  }
  return out
}

test('the base tables build (so each data case fails for its own row)', () => {
  assert.ok(baseTables.length >= 5)
  const ds = Dataset.fromRows(base() as RowTables, { policy: 'strict' })
  assert.ok(ds.counts.students > 0)
})

for (const c of dataCases) {
  test(`data: ${name(c)} → ${c.core_code}`, () => {
    const tables = base()
    tables[jsName(c.table!)] = JSON.parse(fs.readFileSync(path.join(root, c.file!), 'utf8')) as unknown[]
    const want = { table: jsName(c.table!), row: c.core_row, column: c.core_column === '' ? null : c.core_column }
    const forms: [string, () => unknown][] = [
      ['fromRows', () => Dataset.fromRows(tables as RowTables, { policy: 'strict' })],
      ['fromColumns', () => Dataset.fromColumns(toColumns(tables as RowTables), { policy: 'strict' })],
    ]
    for (const [form, build] of forms) {
      const err = thrown(c, build) as OkoError
      const all = err.errors ?? [{ code: err.code, message: err.message, location: err.location }]
      const found = all.find((e) => e.code === c.core_code)
      assert.ok(found, `${name(c)} (${form}): no ${c.core_code} in ${JSON.stringify(all)}`)
      assert.deepEqual(found.location, want, `${name(c)} (${form}): location`)
      assert.match(err.code, /^(data|limit)\./, `${name(c)} (${form}): a typed error`)
      assertNoSecret(c, JSON.stringify({ message: err.message, errors: err.errors, stack: err.stack }))
    }
    ran.data++
  })
}

test('every case ran (none skipped by a parse slip)', () => {
  assert.equal(ran.rules, ruleCases.length)
  assert.equal(ran.data, dataCases.length)
})
