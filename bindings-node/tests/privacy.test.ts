// Pseudonymised evaluation output (evaluate's `pseudonymiseKey`): no student id of the
// plain report survives, the pseudonyms are HMAC-SHA256(key, id) cut to 16 hex characters
// (the CLI's --pseudonymise-key-file and Python's pseudonymise_key give the same bytes:
// tests/cases/gia_risk_group_pseudonymised.json), stable for a key, different for another
// key, and a short key is an error that never shows the key.
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import * as oko from 'oko'
import { repo, throwsCode } from './helpers.js'

/** Every shipped rule file, in the core's load order. */
const shipped: string[] = [
  ...fs.readFileSync(path.join(repo, 'core', 'src', 'rules', 'shipped.rs'), 'utf8').matchAll(/"(rules\/[\w-]+\.toml)",/g),
].map((m) => path.join(repo, m[1]!))

const rules = oko.loadRules(shipped)
const { dataset } = oko.generate({ preset: 'tiny', seed: 1 })
const key = 'a Node test key, 16+ bytes'

/** The ids of every student-level entity of a report. */
function studentIds(report: oko.Evaluation): string[] {
  const items = [...report.findings, ...report.labels, ...report.undetermined]
  return [...new Set(items.filter((i) => i.entity.level === 'student').map((i) => i.entity.id))].sort()
}

test('pseudonymiseKey replaces every student id by its keyed hash', async () => {
  const plain = oko.evaluate(rules, dataset)
  const real = studentIds(plain)
  assert.ok(real.length >= 5, 'the shipped rules say something about students')
  const hidden = oko.evaluate(rules, dataset, { pseudonymiseKey: key })
  for (const id of real) assert.ok(!hidden.reportJson.includes(id), `student ${id} in the output`)
  const hmac = (id: string) => createHmac('sha256', key).update(id).digest('hex').slice(0, 16)
  assert.deepEqual(studentIds(hidden), real.map(hmac).sort())
  assert.equal(hidden.findings.length, plain.findings.length)
  assert.equal(hidden.labels.length, plain.labels.length)
  // A Buffer with the same bytes, a second run and the async form: the same bytes.
  assert.equal(oko.evaluate(rules, dataset, { pseudonymiseKey: Buffer.from(key) }).reportJson, hidden.reportJson)
  assert.equal(oko.evaluate(rules, dataset, { pseudonymiseKey: key }).reportJson, hidden.reportJson)
  assert.equal((await oko.evaluateAsync(rules, dataset, { pseudonymiseKey: key })).reportJson, hidden.reportJson)
  // Another key, other pseudonyms.
  const other = studentIds(oko.evaluate(rules, dataset, { pseudonymiseKey: 'another key, also 16+ bytes' }))
  assert.equal(other.length, real.length)
  assert.ok(other.every((id) => !studentIds(hidden).includes(id)))
})

test('a short or mistyped key is an error that does not show the key', async () => {
  const e = throwsCode(() => oko.evaluate(rules, dataset, { pseudonymiseKey: 'short-secret' }), 'privacy.key')
  assert.ok(!JSON.stringify({ m: e.message, s: e.stack }).includes('short-secret'))
  await assert.rejects(oko.evaluateAsync(rules, dataset, { pseudonymiseKey: 'short-secret' }), { code: 'privacy.key' })
  throwsCode(() => oko.evaluate(rules, dataset, { pseudonymiseKey: 42 as never }), 'input.argument')
})
