// The shared conformance cases (tests/cases/*.json) through Node: the data from the case's
// rows via Dataset.fromRows (strict), the rules from the case (inline TOML, or a path from
// the repository's root when the string ends in .toml), and the report must be the bytes of
// the case's .expected.json, as in core/tests/conformance.rs (which adds the final newline).
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { Dataset, evaluate, evaluateAsync, loadRules, type RowTables, type RuleText } from 'oko'
import { repo } from './helpers.js'

interface Case {
  description: string
  rules: string[]
  data: Record<string, Record<string, unknown>[]>
  options?: { min_sample?: number; pseudonymise_key?: string }
}

const dir = path.join(repo, 'tests', 'cases')
const cases = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
  .sort()

/** The case's rules exactly as the Rust runner names them (the name shows in the report). */
function sources(c: Case): RuleText[] {
  return c.rules.map((text, i) =>
    text.endsWith('.toml') && !text.includes('\n')
      ? { text: fs.readFileSync(path.join(repo, text), 'utf8'), name: text }
      : { text, name: `rules[${i}]` },
  )
}

/** The case's tables under their JS names (`competency_tests` is `competencyTests`, `muko_evidence` `mukoEvidence`). */
function tables(c: Case): RowTables {
  const out: Record<string, unknown> = {}
  for (const [name, rows] of Object.entries(c.data)) {
    out[name.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase())] = rows
  }
  return out as RowTables
}

test('there are conformance cases, each with its expectation', () => {
  assert.ok(cases.length >= 2, `cases in ${dir}`)
  for (const f of cases) assert.ok(fs.existsSync(path.join(dir, f.replace(/\.json$/, '.expected.json'))), f)
})

for (const file of cases) {
  test(`conformance: ${file}`, async () => {
    const c = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Case
    const expected = fs.readFileSync(path.join(dir, file.replace(/\.json$/, '.expected.json')), 'utf8')
    const rules = loadRules(sources(c))
    const dataset = Dataset.fromRows(tables(c), { policy: 'strict' })
    const key = c.options?.pseudonymise_key
    const options = { minSample: c.options?.min_sample ?? 10, ...(key === undefined ? {} : { pseudonymiseKey: key }) }

    const evaluation = evaluate(rules, dataset, options)
    assert.equal(evaluation.reportJson + '\n', expected, 'reportJson is the expected bytes')
    assert.equal(JSON.stringify(evaluation, null, 2) + '\n', expected, 'JSON.stringify gives the same bytes')
    assert.deepEqual(evaluation, JSON.parse(expected), 'the objects are the parsed JSON')
    assert.deepEqual(Object.keys(evaluation), Object.keys(JSON.parse(expected) as object))

    const viaAsync = await evaluateAsync(rules, dataset, options)
    assert.equal(viaAsync.reportJson, evaluation.reportJson, 'evaluateAsync gives the same bytes')
  })
}
