// The ESM entry point (index.mjs) exports what the CommonJS one (index.js) does.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import oko, { Dataset, aggregate, aggregateAsync, generate, indicatorCatalogue } from 'oko'
import * as namespace from 'oko'

const require = createRequire(import.meta.url)

test('import and require give the same binding', () => {
  const cjs = require('oko') as Record<string, unknown>
  assert.equal(Dataset, cjs['Dataset'])
  assert.equal(aggregate, cjs['aggregate'])
  assert.equal(oko.generate, generate)
  const typed = Object.keys(cjs).filter((k) => !k.startsWith('__') && !k.startsWith('debug'))
  const esm = Object.keys(namespace).filter((k) => k !== 'default')
  assert.deepEqual(esm.sort(), typed.sort(), 'index.mjs re-exports every export of index.js')
})

test('the ESM entry works end to end', async () => {
  const { dataset } = generate({ preset: 'tiny', seed: 1 })
  const rows = await aggregateAsync(dataset, { levels: ['region'], indicators: ['count'] })
  assert.ok(rows.length > 0)
  assert.ok(indicatorCatalogue().some((i) => i.id === 'count'))
})
