// Shared fixtures and assertions for the oko tests.
import assert from 'node:assert/strict'
import path from 'node:path'
import type { ColumnTables, OkoError, RowTables, RuleError } from 'oko'

/** `RowTables` with every table present and mutable, for tests that spoil a row. */
export type Rows = {
  [K in keyof RowTables]-?: NonNullable<RowTables[K]> extends ReadonlyArray<infer R> ? R[] : never
}

/**
 * A small valid district: one school, one class, three students, one ВПР, journal marks,
 * teacher records and one МУКО evidence item.
 */
export function sampleRows(): Rows {
  return {
    municipalities: [{ id: 'm1', name: 'Район' }],
    schools: [
      { id: 's1', name: 'СОШ № 1', municipality: 'm1', kind: 'regular', rural: false, low_income: '12,5' },
    ],
    classes: [{ id: 'c1', school: 's1', grade: 4, name: '4А' }],
    teachers: [{ id: 't1', school: 's1', category: 'первая' }],
    assignments: [{ teacher: 't1', class: 'c1', subject: 'russian' }],
    students: [
      { id: 'p1', class: 'c1' },
      { id: 'p2', class: 'c1', attendance: 93.5 },
      { id: 'p3', class: 'c1', attendance: null },
    ],
    procedures: [
      { id: 'vpr-ru-4', kind: 'vpr', subject: 'russian', grade: 4, year: '2025/26', max_score: 24 },
    ],
    results: [
      { student: 'p1', procedure: 'vpr-ru-4', primary_score: 22, mark: 5 },
      { student: 'p2', procedure: 'vpr-ru-4', primary_score: 17, mark: 4 },
      { student: 'p3', procedure: 'vpr-ru-4', primary_score: 9, mark: 2 },
    ],
    marks: [
      { student: 'p1', subject: 'russian', year: '2025/26', period: 't1', mark: '5' },
      { student: 'p2', subject: 'russian', year: '2025/26', period: 't1', mark: '4' },
      { student: 'p3', subject: 'russian', year: '2025/26', period: 't1', mark: 'н/а' },
    ],
    trainings: [{ teacher: 't1', date: '2025-10-01', topic: 'оценивание', assessment: true }],
    competencyTests: [
      { teacher: 't1', date: '2025-11-01', subject: 'russian', score: '17,5', max_score: 20 },
    ],
    mukoEvidence: [
      { school: 's1', direction: '1', component: 'goals', status: 'есть', link: 'https://s1.example/muko/1' },
    ],
  }
}

/** The same tables column by column (columns in order of first appearance). */
export function toColumns(tables: RowTables): ColumnTables {
  const out: Record<string, Record<string, unknown[]>> = {}
  for (const [name, rows] of Object.entries(tables) as [string, Record<string, unknown>[]][]) {
    const keys: string[] = []
    for (const row of rows) for (const k of Object.keys(row)) if (!keys.includes(k)) keys.push(k)
    out[name] = Object.fromEntries(keys.map((k) => [k, rows.map((r) => r[k] ?? null)]))
  }
  return out as ColumnTables
}

/** Runs `f`, expects an oko error with `code`, and returns it. */
export function throwsCode(f: () => unknown, code: string): OkoError {
  let caught: unknown
  try {
    f()
  } catch (e) {
    caught = e
  }
  return assertOkoError(caught, code)
}

/** Awaits `p`, expects a rejection with an oko error with `code`, and returns it. */
export async function rejectsCode(p: Promise<unknown>, code: string): Promise<OkoError> {
  let caught: unknown
  try {
    await p
  } catch (e) {
    caught = e
  }
  return assertOkoError(caught, code)
}

/** Checks the shape every oko error has. */
export function assertOkoError(e: unknown, code: string): OkoError {
  assert.ok(e instanceof Error, `expected an Error, got ${String(e)}`)
  const err = e as OkoError
  assert.equal(err.code, code, `code of: ${err.message}`)
  assert.ok('location' in err, 'an oko error has a location (or null)')
  if (err.location !== null) {
    assert.equal(typeof err.location.table, 'string')
    assert.ok(err.location.row === null || typeof err.location.row === 'number')
    assert.ok(err.location.column === null || typeof err.location.column === 'string')
  }
  return err
}

/** The repository's root (the tests run from bindings-node/build/tests). */
export const repo: string = path.resolve(__dirname, '..', '..', '..')

/** The shipped rule files the tests use, as paths from the repository's root. */
export const shippedRules: string[] = ['rules/scales-2025.toml', 'rules/district-low-results.toml']

/** Runs `f`, expects a rule error with `code`, and returns it. */
export function throwsRuleError(f: () => unknown, code: string): RuleError {
  let caught: unknown
  try {
    f()
  } catch (e) {
    caught = e
  }
  assert.ok(caught instanceof Error, `expected an Error, got ${String(caught)}`)
  const err = caught as RuleError
  assert.equal(err.code, code, `code of: ${err.message}`)
  assert.ok(Array.isArray(err.errors), 'a rule error lists every diagnostic')
  assert.ok(err.errors.some((d) => d.code === code && d.level === 'error'))
  if (err.location !== null) {
    assert.equal(typeof err.location.file, 'string')
    assert.equal(typeof err.location.path, 'string')
  }
  return err
}

/** A small valid ruleset: schools 15% or more below their municipality's completion rate. */
export const lowCompletion = `schema_version = 1
id = "demo"
version = "1"
title = { ru = "Демо", en = "Demo" }
source = { document = "tests" }
parameters = { gap = "15%" }

[[rules]]
id = "low_completion"
level = "school"
when = "rel_gap(completion_rate, municipality.completion_rate) >= param.gap"
message = { ru = "{completion_rate} против {municipality.completion_rate}", en = "{completion_rate} vs {municipality.completion_rate}" }
`
