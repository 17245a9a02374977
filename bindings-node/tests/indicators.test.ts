// indicatorCatalogue: every built-in indicator with its names, unit, formula and source.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { aggregate, generate, indicatorCatalogue, type IndicatorInfo } from 'oko'

test('the catalogue lists every indicator with its metadata', () => {
  const cat: IndicatorInfo[] = indicatorCatalogue()
  assert.ok(cat.length >= 20)
  const ids = cat.map((i) => i.id)
  assert.equal(new Set(ids).size, ids.length, 'ids are unique')
  const quality = cat.find((i) => i.id === 'quality_rate')
  assert.deepEqual(quality && { nameRu: quality.nameRu, unit: quality.unit, formula: quality.formula }, {
    nameRu: 'Качество знаний',
    unit: 'percent',
    formula: '(n5 + n4) / N × 100',
  })
  for (const i of cat) {
    assert.deepEqual(Object.keys(i), ['id', 'nameRu', 'nameEn', 'unit', 'source', 'formula', 'reference'])
    for (const v of Object.values(i)) assert.ok(typeof v === 'string' && v.length > 0)
    assert.ok(['percent', 'mark', 'score', 'count', 'points', 'number'].includes(i.unit))
  }
})

test('aggregate reports exactly the catalogue ids', () => {
  const { dataset } = generate({ preset: 'tiny', seed: 1 })
  const reported = new Set(aggregate(dataset, { levels: ['region'] }).map((r) => r.indicator))
  assert.deepEqual([...reported].sort(), indicatorCatalogue().map((i) => i.id).sort())
})
