// generate: deterministic sample data with its ground truth.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Dataset, aggregate, generate, type GenerateOptions } from 'oko'
import { throwsCode } from './helpers.js'

test('presets give datasets of the documented size, with the ground truth', () => {
  const tiny = generate({ preset: 'tiny', seed: 1 })
  assert.ok(tiny.dataset instanceof Dataset)
  assert.equal(tiny.dataset.counts.schools, 6)
  const district = generate({ preset: 'district', seed: 1 })
  assert.equal(district.dataset.counts.schools, 24)
  assert.equal(district.dataset.counts.municipalities, 3)
  const { truth } = district
  assert.ok(truth.schools.length > 0)
  for (const s of truth.schools) {
    assert.match(s.id, /^S\d{4}$/)
    for (const a of s.anomalies) {
      assert.ok(['inflated_external', 'helped_hard_tasks', 'heaping', 'inflated_internal', 'low_results'].includes(a), a)
    }
  }
  assert.ok(truth.studentsAtRisk.length > 0)
  assert.ok(truth.teachersWithDeficit.length > 0)
  assert.deepEqual(district.dataset.rejected, [])
})

test('sizes can be overridden; the region preset with fewer students', () => {
  const g = generate({ preset: 'region', seed: 2, schools: 30, students: 3000, municipalities: 4 })
  assert.equal(g.dataset.counts.schools, 30)
  assert.equal(g.dataset.counts.municipalities, 4)
  assert.ok(g.dataset.counts.students <= 3000)
})

test('the same seed gives the same data; another seed does not', () => {
  const a = aggregate(generate({ preset: 'tiny', seed: 5 }).dataset, { levels: ['school'] })
  const b = aggregate(generate({ preset: 'tiny', seed: 5 }).dataset, { levels: ['school'] })
  const c = aggregate(generate({ preset: 'tiny', seed: 6 }).dataset, { levels: ['school'] })
  assert.deepEqual(a, b)
  assert.notDeepEqual(a, c)
  assert.deepEqual(generate({ preset: 'tiny' }).truth, generate({ preset: 'tiny', seed: 1 }).truth)
})

test('bad options are input.argument or input.option errors', () => {
  const anyGenerate = generate as (...args: unknown[]) => unknown
  throwsCode(() => anyGenerate(), 'input.argument')
  throwsCode(() => anyGenerate('district'), 'input.argument')
  throwsCode(() => generate({ preset: 'city' as GenerateOptions['preset'] }), 'input.option')
  throwsCode(() => generate({} as GenerateOptions), 'input.option')
  throwsCode(() => generate({ preset: 'tiny', seed: -1 }), 'input.argument')
  throwsCode(() => generate({ preset: 'tiny', seed: 1.5 }), 'input.argument')
  throwsCode(() => generate({ preset: 'tiny', students: 0 }), 'input.option')
  throwsCode(() => generate({ preset: 'tiny', students: 1e9 }), 'input.option')
  throwsCode(() => generate({ preset: 'tiny', color: 'red' } as GenerateOptions), 'input.option')
})
