// evaluate and evaluateAsync: the report as plain objects equal to the core's JSON, exact
// decimals, minSample, errors, and the event loop staying free while evaluateAsync runs.
import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { Dataset, Rules, evaluate, evaluateAsync, generate, loadRules, type Evaluation } from 'oko'
import { lowCompletion, rejectsCode, repo, sampleRows, shippedRules, throwsCode } from './helpers.js'

const shipped = (): Rules => loadRules(shippedRules.map((p) => path.join(repo, p)))

test('the shipped rules over the sample district: findings with their evidence', () => {
  const { dataset, truth } = generate({ preset: 'district', seed: 1 })
  const report = evaluate(shipped(), dataset)
  assert.deepEqual(Object.keys(report), [
    'rulesets',
    'findings',
    'undetermined',
    'labels',
    'summary',
    'warnings',
    'rejected_rows',
  ])
  assert.equal(Object.getPrototypeOf(report), Object.prototype)
  assert.ok(report.findings.length > 0, 'the district has schools with low results')
  for (const f of report.findings) {
    assert.equal(f.rule, 'low_results')
    assert.equal(f.entity.level, 'school')
    assert.equal(f.outcome, true)
    assert.ok(f.evidence.length > 0)
    for (const e of f.evidence) {
      assert.ok(e.value === null || typeof e.value === 'string' || typeof e.value === 'boolean')
    }
    assert.ok(f.message.ru.length > 0 && f.message.en.length > 0)
  }
  // The planted low-results schools are flagged.
  const planted = truth.schools.filter((s) => s.anomalies.includes('low_results')).map((s) => s.id)
  const flagged = new Set(report.findings.map((f) => f.entity.id))
  assert.ok(planted.length > 0 && planted.every((id) => flagged.has(id)), `planted ${planted.join(', ')}`)
  assert.ok(report.labels.every((l) => ['risk_group', 'control_group'].includes(l.label)))
  const summary = report.summary.find((s) => s.rule === 'low_results')
  assert.equal(summary?.findings, report.findings.length)
})

test('decimals stay exact strings, as in the JSON', () => {
  const ds = Dataset.fromRows(sampleRows())
  const report = evaluate(Rules.fromString(lowCompletion), ds, { minSample: 1 })
  // One school in its municipality: the gap is 0, no finding; values are decimal strings.
  assert.deepEqual(report.findings, [])
  assert.equal(report.summary[0]?.rows, 1)
  const gap = Rules.fromString(lowCompletion.replace('>= param.gap', '>= -1%'))
  const [f] = evaluate(gap, ds, { minSample: 1 }).findings
  const completion = f?.evidence.find((e) => e.name === 'completion_rate')
  // (22 + 17 + 9) / (3 × 24) = 66.66…%, exact to 28 digits.
  assert.equal(completion?.value, '66.666666666666666666666666667')
  assert.equal(completion?.n, 3)
  assert.equal(f?.message.en, '66.67% vs 66.67%')
})

test('toJSON and reportJson: the same bytes as the core, invisible to Object.keys', () => {
  const { dataset } = generate({ preset: 'tiny', seed: 3 })
  const report: Evaluation = evaluate(shipped(), dataset)
  assert.equal(typeof report.reportJson, 'string')
  assert.equal(JSON.stringify(report, null, 2), report.reportJson)
  assert.deepEqual(JSON.parse(report.reportJson), report)
  assert.deepEqual(report.toJSON(), JSON.parse(report.reportJson))
  assert.ok(!Object.keys(report).includes('reportJson'))
  assert.ok(!Object.keys(report).includes('toJSON'))
})

test('minSample: limited samples become undetermined, never findings', () => {
  const { dataset } = generate({ preset: 'district', seed: 1 })
  const rules = shipped()
  const normal = evaluate(rules, dataset)
  const strict = evaluate(rules, dataset, { minSample: 1_000_000 })
  assert.equal(strict.findings.length, 0)
  assert.ok(strict.undetermined.length > normal.undetermined.length)
  assert.ok(strict.undetermined.every((u) => typeof u.reason_code === 'string'))
  assert.ok(strict.undetermined.some((u) => u.reason_code === 'unknown.limited_sample'))
  assert.equal(evaluate(rules, dataset, { minSample: 10 }).reportJson, normal.reportJson)
})

test('rows skipped under the lenient policy are listed in rejected_rows', () => {
  const rows = sampleRows()
  rows.results[1] = { student: 'p2', procedure: 'vpr-ru-4', primary_score: 17, mark: 7 }
  const ds = Dataset.fromRows(rows, { policy: 'lenient' })
  const report = evaluate(Rules.fromString(lowCompletion), ds)
  assert.deepEqual(report.rejected_rows, [{ code: 'data.mark_out_of_range', table: 'results', row: 2, column: 'mark' }])
})

test('bad arguments throw input.argument or input.option', () => {
  const ds = Dataset.fromRows(sampleRows())
  const rules = Rules.fromString(lowCompletion)
  const anyEvaluate = evaluate as (...args: unknown[]) => Evaluation
  throwsCode(() => anyEvaluate(), 'input.argument')
  throwsCode(() => anyEvaluate(ds, rules), 'input.argument')
  throwsCode(() => anyEvaluate(rules, {}), 'input.argument')
  throwsCode(() => anyEvaluate(rules, sampleRows()), 'input.argument')
  throwsCode(() => anyEvaluate(lowCompletion, ds), 'input.argument')
  throwsCode(() => anyEvaluate(rules, ds, 10), 'input.argument')
  throwsCode(() => anyEvaluate(rules, ds, { minSample: -1 }), 'input.argument')
  throwsCode(() => anyEvaluate(rules, ds, { minSample: '10' }), 'input.argument')
  throwsCode(() => anyEvaluate(rules, ds, { min_sample: 5 }), 'input.option')
})

test('evaluateAsync resolves to the same report and rejects (never throws) on bad arguments', async () => {
  const { dataset } = generate({ preset: 'district', seed: 2 })
  const rules = shipped()
  const promise = evaluateAsync(rules, dataset, { minSample: 5 })
  assert.ok(promise instanceof Promise)
  const report = await promise
  assert.equal(report.reportJson, evaluate(rules, dataset, { minSample: 5 }).reportJson)
  assert.deepEqual(report, evaluate(rules, dataset, { minSample: 5 }))

  const anyAsync = evaluateAsync as (...args: unknown[]) => Promise<Evaluation>
  let p: Promise<unknown> | undefined
  assert.doesNotThrow(() => {
    p = anyAsync(dataset, rules)
  })
  await rejectsCode(p!, 'input.argument')
  await rejectsCode(anyAsync(rules, dataset, { minSample: 1.5 }), 'input.argument')
  await rejectsCode(anyAsync(rules, dataset, { lang: 'ru' }), 'input.option')
})

test('the event loop keeps running while a large evaluateAsync runs', async () => {
  // The region preset with fewer students: evaluating takes about a second here.
  const { dataset } = generate({ preset: 'region', seed: 7, students: 400_000 })
  const rules = shipped()

  // Control: the synchronous form holds the loop, so no timer fires during the call.
  let syncTicks = 0
  const control = setInterval(() => syncTicks++, 1)
  const t0 = performance.now()
  const sync = evaluate(rules, dataset)
  const syncMs = performance.now() - t0
  clearInterval(control)
  assert.equal(syncTicks, 0)
  assert.ok(syncMs > 150, `the workload is large enough to measure (${syncMs.toFixed(0)} ms)`)

  let ticks = 0
  let last = performance.now()
  let maxGap = 0
  const timer = setInterval(() => {
    const now = performance.now()
    maxGap = Math.max(maxGap, now - last)
    last = now
    ticks++
  }, 5)
  const start = performance.now()
  const report = await evaluateAsync(rules, dataset)
  const elapsed = performance.now() - start
  clearInterval(timer)

  assert.equal(report.reportJson, sync.reportJson)
  assert.ok(report.findings.length > 0)
  assert.ok(ticks >= 10, `${ticks} timer ticks during ${elapsed.toFixed(0)} ms`)
  assert.ok(maxGap < Math.max(100, elapsed / 2), `longest pause ${maxGap.toFixed(0)} ms of ${elapsed.toFixed(0)} ms`)
})
