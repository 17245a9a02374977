// aggregate and aggregateAsync: results as plain objects, exact decimals, options, errors,
// and the event loop staying free while aggregateAsync runs.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Dataset, aggregate, aggregateAsync, generate, type AggregateRow, type Dataset as DatasetType } from 'oko'
import { rejectsCode, sampleRows, throwsCode } from './helpers.js'

const sample = (): DatasetType => Dataset.fromRows(sampleRows())
const pick = (rows: AggregateRow[], level: string, scope: string, indicator: string): AggregateRow | undefined =>
  rows.find((r) => r.level === level && r.scope === scope && r.indicator === indicator)

test('rows are plain objects; decimals are exact strings', () => {
  const rows = aggregate(sample(), { minSample: 1 })
  const q = pick(rows, 'region', 'vpr-ru-4', 'quality_rate')
  // 2 of 3 students have a 4 or 5: exactly 200/3, as a decimal string (28 digits).
  assert.deepEqual(q, {
    level: 'region',
    entity: 'region',
    scope: 'vpr-ru-4',
    indicator: 'quality_rate',
    value: '66.666666666666666666666666667',
    n: 3,
    limited: false,
  })
  assert.equal(Object.getPrototypeOf(q), Object.prototype)
  assert.equal(pick(rows, 'school', 'vpr-ru-4', 'mean_mark')?.value, '3.6666666666666666666666666667')
  assert.equal(pick(rows, 'class', 'vpr-ru-4', 'median_score')?.value, '17')
  assert.equal(pick(rows, 'class', 'vpr-ru-4', 'median_score')?.entity, 'c1')
  assert.equal(pick(rows, 'grade', 'vpr-ru-4', 'count')?.entity, 's1/4')
  assert.equal(pick(rows, 'teacher', 'vpr-ru-4', 'count')?.entity, 't1')
  assert.equal(pick(rows, 'municipality', 'vpr-ru-4', 'count')?.entity, 'm1')
  // Internal marks: н/а counts in N, so the pass rate is 2/3.
  assert.equal(pick(rows, 'school', 'marks russian 2025/26 t1', 'pass_rate')?.value, '66.666666666666666666666666667')
  // No scale for this ВПР: thresholds are undefined, not zero.
  assert.equal(pick(rows, 'region', 'vpr-ru-4', 'share_below_min')?.value, null)
  for (const r of rows) {
    assert.deepEqual(Object.keys(r), ['level', 'entity', 'scope', 'indicator', 'value', 'n', 'limited'])
    assert.ok(r.value === null || typeof r.value === 'string')
  }
})

test("decimals: 'number' gives numbers explicitly", () => {
  const rows = aggregate(sample(), { decimals: 'number' })
  const q = pick(rows, 'region', 'vpr-ru-4', 'quality_rate')
  assert.equal(q?.value, 200 / 3)
  assert.equal(pick(rows, 'region', 'vpr-ru-4', 'share_below_min')?.value, null)
  assert.ok(rows.every((r) => r.value === null || typeof r.value === 'number'))
  assert.deepEqual(
    aggregate(sample(), { decimals: 'string' }).map((r) => r.value),
    aggregate(sample()).map((r) => r.value),
  )
})

test('minSample marks small samples as limited', () => {
  const ds = sample()
  assert.equal(pick(aggregate(ds), 'region', 'vpr-ru-4', 'count')?.limited, true)
  assert.equal(pick(aggregate(ds, { minSample: 3 }), 'region', 'vpr-ru-4', 'count')?.limited, false)
  assert.equal(pick(aggregate(ds, { minSample: 4 }), 'region', 'vpr-ru-4', 'count')?.limited, true)
})

test('levels and indicators restrict the output', () => {
  const rows = aggregate(sample(), { levels: ['school', 'region'], indicators: ['count', 'sou'] })
  assert.deepEqual([...new Set(rows.map((r) => r.level))], ['school', 'region'])
  assert.deepEqual([...new Set(rows.map((r) => r.indicator))], ['count', 'sou'])
  assert.deepEqual(aggregate(sample(), { levels: [] }), [])
})

test('bad arguments throw input.argument or input.option', () => {
  const anyAggregate = aggregate as (...args: unknown[]) => AggregateRow[]
  throwsCode(() => anyAggregate(), 'input.argument')
  throwsCode(() => anyAggregate({}), 'input.argument')
  throwsCode(() => anyAggregate(sampleRows()), 'input.argument')
  throwsCode(() => anyAggregate(sample(), 3), 'input.argument')
  throwsCode(() => anyAggregate(sample(), { minSample: -1 }), 'input.argument')
  throwsCode(() => anyAggregate(sample(), { minSample: 2.5 }), 'input.argument')
  throwsCode(() => anyAggregate(sample(), { minSample: '10' }), 'input.argument')
  throwsCode(() => anyAggregate(sample(), { levels: 'school' }), 'input.argument')
  throwsCode(() => anyAggregate(sample(), { levels: ['schools'] }), 'input.option')
  throwsCode(() => anyAggregate(sample(), { indicators: ['quality'] }), 'input.option')
  throwsCode(() => anyAggregate(sample(), { decimals: 'float' }), 'input.option')
  throwsCode(() => anyAggregate(sample(), { min_sample: 5 }), 'input.option')
})

test('aggregateAsync resolves to the same rows as aggregate', async () => {
  const { dataset } = generate({ preset: 'district', seed: 1 })
  const sync = aggregate(dataset, { minSample: 5 })
  const promise = aggregateAsync(dataset, { minSample: 5 })
  assert.ok(promise instanceof Promise)
  assert.deepEqual(await promise, sync)
  assert.deepEqual(
    await aggregateAsync(dataset, { decimals: 'number', levels: ['region'] }),
    aggregate(dataset, { decimals: 'number', levels: ['region'] }),
  )
})

test('aggregateAsync rejects (never throws) on bad arguments', async () => {
  const anyAsync = aggregateAsync as (...args: unknown[]) => Promise<AggregateRow[]>
  let p: Promise<unknown> | undefined
  assert.doesNotThrow(() => {
    p = anyAsync('not a dataset')
  })
  await rejectsCode(p!, 'input.argument')
  await rejectsCode(anyAsync(sample(), { levels: ['x'] }), 'input.option')
})

test('the event loop keeps running while a large aggregateAsync runs', async () => {
  // The region preset with fewer students: aggregating takes about 0.5-1 s here.
  const { dataset } = generate({ preset: 'region', seed: 7, students: 400_000 })
  const options = { levels: ['municipality', 'region'] } as const

  // Control: the synchronous form holds the loop, so no timer fires during the call.
  let syncTicks = 0
  const control = setInterval(() => syncTicks++, 1)
  const t0 = performance.now()
  const sync = aggregate(dataset, options)
  const syncMs = performance.now() - t0
  assert.equal(syncTicks, 0)
  clearInterval(control)
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
  const rows = await aggregateAsync(dataset, options)
  const elapsed = performance.now() - start
  clearInterval(timer)

  assert.deepEqual(rows, sync)
  assert.ok(ticks >= 10, `${ticks} timer ticks during ${elapsed.toFixed(0)} ms`)
  assert.ok(maxGap < Math.max(100, elapsed / 2), `longest pause ${maxGap.toFixed(0)} ms of ${elapsed.toFixed(0)} ms`)
})
