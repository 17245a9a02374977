// Errors: JS Error objects with code and location; a Rust panic becomes internal.panic
// (through the debug-only hooks of the `debug-panic` cargo feature, which run-tests.sh
// builds), never a crash.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as oko from 'oko'
import { lowCompletion, rejectsCode, sampleRows, throwsCode } from './helpers.js'

/** The hooks exist only in a build with the `debug-panic` feature; index.d.ts omits them. */
const hooks = oko as unknown as { debugPanic?: () => void; debugPanicAsync?: () => Promise<void> }

test('the test build has the panic hooks; the typings do not', () => {
  assert.equal(typeof hooks.debugPanic, 'function', 'build with --features debug-panic (run-tests.sh does)')
  assert.equal(typeof hooks.debugPanicAsync, 'function')
})

test('a panic becomes an Error with code internal.panic, and the process goes on', () => {
  const e = throwsCode(() => hooks.debugPanic!(), 'internal.panic')
  assert.equal(e.location, null)
  assert.doesNotMatch(e.message, /debug-panic hook/, 'the panic message (which could hold data) is not passed on')
  // Still alive and working.
  assert.ok(oko.indicatorCatalogue().length > 0)
})

test('a panic on the thread pool rejects with internal.panic', async () => {
  await rejectsCode(hooks.debugPanicAsync!(), 'internal.panic')
  const { dataset } = oko.generate({ preset: 'tiny', seed: 1 })
  assert.ok((await oko.aggregateAsync(dataset, { levels: ['region'] })).length > 0)
})

test('errors are Error instances with a stack, a code and a location', () => {
  const rows = sampleRows()
  rows.marks[0] = { student: 'p1', subject: 'russian', year: '2025/26', period: 't1', mark: '6' }
  const e = throwsCode(() => oko.Dataset.fromRows(rows), 'data.mark_out_of_range')
  assert.ok(e instanceof Error)
  assert.equal(typeof e.stack, 'string')
  assert.deepEqual(e.location, { table: 'marks', row: 1, column: 'mark' })
  assert.match(e.message, /marks, row 1, column mark/)
  assert.equal(e.errors?.length, 1)
})

test('messages never contain cell values', () => {
  const secret = 'Петров-Водкин-2011'
  const rows = sampleRows()
  rows.students.push({ id: secret, class: 'no-such-class' })
  rows.results.push({ student: secret, procedure: 'vpr-ru-4', primary_score: secret })
  rows.marks.push({ student: 'p1', subject: 'math', year: '2025/26', period: 't1', mark: secret })
  const e = throwsCode(() => oko.Dataset.fromRows(rows), 'data.unknown_class')
  const everything = JSON.stringify({ message: e.message, errors: e.errors, stack: e.stack })
  assert.ok(!everything.includes(secret), everything)
  assert.equal(e.errors?.length, 3)
  const cell = throwsCode(
    () => oko.Dataset.fromRows({ students: [{ id: { secret }, class: 'c1' } as never] }),
    'input.argument',
  )
  assert.ok(!cell.message.includes(secret))
})

test('new Dataset() is an error, not a crash', () => {
  const Ctor = oko.Dataset as unknown as new () => unknown
  assert.throws(() => new Ctor(), Error)
})

test('a panic inside evaluation (the core hook of the debug-panic build) is internal.panic, sync and async', async () => {
  // The test build turns on oko's own `debug-panic`: `oko::rules::evaluate` panics for a
  // dataset with this municipality, deep inside the engine, not in a binding's hook.
  const rules = oko.loadRules([{ text: lowCompletion, name: 'demo.toml' }])
  const bad = oko.Dataset.fromRows({ municipalities: [{ id: '__oko_debug_panic__', name: 'Секретный район' }] })
  for (let i = 0; i < 2; i++) {
    const e = throwsCode(() => oko.evaluate(rules, bad), 'internal.panic')
    assert.doesNotMatch(e.message, /debug|Секретный/)
    const a = await rejectsCode(oko.evaluateAsync(rules, bad), 'internal.panic')
    assert.doesNotMatch(a.message, /debug|Секретный/)
  }
  const good = oko.Dataset.fromRows({ municipalities: [{ id: 'm1', name: 'Район' }] })
  assert.ok(Array.isArray(oko.evaluate(rules, good).findings))
  assert.ok(Array.isArray((await oko.evaluateAsync(rules, good)).findings))
})
