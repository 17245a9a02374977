// Rules: from a path, a string, a plain object, several files together; rule errors with
// code, location and every diagnostic; bad arguments.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { Rules, loadRules, type RuleText } from 'oko'
import { lowCompletion, repo, shippedRules, throwsCode, throwsRuleError } from './helpers.js'

const shipped = shippedRules.map((p) => path.join(repo, p))
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oko-rules-'))

test('Rules.fromPath compiles a shipped rule file; the file is named as given', () => {
  const rules = Rules.fromPath(shipped[1]!)
  assert.ok(rules instanceof Rules)
  const [info] = rules.rulesets
  assert.equal(info?.id, 'district-low-results')
  assert.equal(info?.file, shipped[1])
  assert.equal(info?.source.clause, '2.2.1')
  const gap = info?.parameters.find((p) => p.name === 'relative_gap')
  assert.deepEqual(gap?.value, { type: 'percent', value: '15' })
  assert.equal(rules.size, 2, 'one rule and one classification')
  assert.deepEqual(rules.warnings, [])
})

test('loadRules compiles several files together, in order', () => {
  const rules = loadRules(shipped)
  assert.deepEqual(
    rules.rulesets.map((r) => r.id),
    ['scales-2025', 'district-low-results'],
  )
  // Paths and texts mix; names are what the caller says.
  const mixed = loadRules([shipped[0]!, { text: lowCompletion, name: 'demo.toml' }])
  assert.deepEqual(
    mixed.rulesets.map((r) => r.file),
    [shipped[0], 'demo.toml'],
  )
  assert.equal(loadRules([]).size, 0)
})

test('Rules.fromString: TOML by default, JSON on request; the name is shown in errors', () => {
  const rules = Rules.fromString(lowCompletion, { name: 'demo.toml' })
  assert.equal(rules.rulesets[0]?.file, 'demo.toml')
  assert.equal(Rules.fromString(lowCompletion).rulesets[0]?.file, 'rules')
  const json = JSON.stringify({
    schema_version: 1,
    id: 'j',
    version: '1',
    title: { ru: 'Ж', en: 'J' },
    source: { document: 'tests' },
    rules: [],
  })
  assert.equal(Rules.fromString(json, { format: 'json', name: 'j.json' }).rulesets[0]?.id, 'j')
  // JSON text read as TOML is a syntax error.
  throwsRuleError(() => Rules.fromString(json), 'rule.syntax')
})

test('a syntax error is located by file, line and column, with a caret snippet', () => {
  const bad = lowCompletion.replace('version = "1"', 'version = "1')
  const err = throwsRuleError(() => Rules.fromString(bad, { name: 'bad.toml' }), 'rule.syntax')
  assert.equal(err.location?.file, 'bad.toml')
  assert.equal(err.location?.line, 3)
  assert.equal(typeof err.location?.column, 'number')
  assert.match(err.message, /^bad\.toml:3:\d+: error\[rule\.syntax\]/)
  assert.match(err.errors[0]?.snippet ?? '', /\^/)
})

test('every problem is reported at once, with its key path', () => {
  const second = lowCompletion
    .slice(lowCompletion.indexOf('[[rules]]'))
    .replace('low_completion', 'second')
    .replace('completion_rate) >=', 'completion_rat) >=')
  const bad = lowCompletion.replace('level = "school"', 'level = "schools"') + '\n' + second
  // `code` and `location` are the first error's in file order: the level, on line 10.
  const err = throwsRuleError(() => Rules.fromString(bad, { name: 'two.toml' }), 'rule.invalid_value')
  assert.equal(err.location?.line, 10)
  const codes = err.errors.map((d) => d.code).sort()
  assert.deepEqual(codes, ['rule.invalid_value', 'rule.unknown_name'])
  const when = err.errors.find((d) => d.code === 'rule.unknown_name')
  assert.equal(when?.path, 'rules[1].when')
  assert.equal(when?.line, 17)
  assert.equal(when?.file, 'two.toml')
  assert.equal(when?.level, 'error')
  assert.match(err.message, /2 error\(s\)$/)
})

test('a unit mismatch is a rule error (a pp gap compared with a percent)', () => {
  const bad = lowCompletion.replace('rel_gap(', 'pp_gap(')
  const err = throwsRuleError(() => Rules.fromString(bad), 'rule.unit_mismatch')
  assert.equal(err.location?.path, 'rules[0].when')
})

test('Rules.fromObject compiles a plain object as JSON; errors point into its JSON text', () => {
  const ruleset = {
    schema_version: 1,
    id: 'obj',
    version: '2',
    title: { ru: 'Объект', en: 'Object' },
    source: { document: 'tests' },
    parameters: { gap: '15%' },
    rules: [
      {
        id: 'low',
        level: 'school',
        when: 'rel_gap(completion_rate, municipality.completion_rate) >= param.gap',
        message: { ru: '{completion_rate}', en: '{completion_rate}' },
      },
    ],
  }
  const rules = Rules.fromObject(ruleset)
  assert.equal(rules.rulesets[0]?.id, 'obj')
  assert.equal(rules.rulesets[0]?.file, 'object')
  assert.equal(Rules.fromObject(ruleset, { name: 'portal:obj' }).rulesets[0]?.file, 'portal:obj')

  const bad = structuredClone(ruleset)
  bad.rules[0]!.when = 'completion_rate >= param.gapp'
  const err = throwsRuleError(() => Rules.fromObject(bad, { name: 'obj' }), 'rule.unknown_name')
  assert.equal(err.location?.file, 'obj')
  assert.equal(err.location?.path, 'rules[0].when')
  // Line of `"when"` in JSON.stringify(bad, null, 2).
  const line = JSON.stringify(bad, null, 2).split('\n').findIndex((l) => l.includes('"when"')) + 1
  assert.equal(err.location?.line, line)

  throwsRuleError(() => Rules.fromObject({ id: 'x' }), 'rule.schema')
})

test('rule files that cannot be read: input.io, reported together', () => {
  const missing = path.join(tmp, 'missing.toml')
  const err = throwsRuleError(() => Rules.fromPath(missing), 'input.io')
  assert.deepEqual(err.location, { file: missing, line: null, column: null, path: '' })
  throwsRuleError(() => Rules.fromPath(tmp), 'input.io')
  const latin1 = path.join(tmp, 'latin1.toml')
  fs.writeFileSync(latin1, Buffer.from([0x69, 0x64, 0x20, 0x3d, 0x20, 0x22, 0xe9, 0x22]))
  throwsRuleError(() => Rules.fromPath(latin1), 'input.io')
  const both = throwsRuleError(() => loadRules([shipped[0]!, missing, latin1]), 'input.io')
  assert.deepEqual(
    both.errors.map((d) => d.file),
    [missing, latin1],
  )
})

test('limits: a rule file over 1 MiB is refused before it is read', () => {
  const big = path.join(tmp, 'big.toml')
  fs.writeFileSync(big, lowCompletion + '#'.repeat(1 << 20))
  const err = throwsRuleError(() => Rules.fromPath(big), 'limit.file_size')
  assert.equal(err.location?.line, null)
  throwsRuleError(() => Rules.fromString(lowCompletion + '#'.repeat(1 << 20)), 'limit.file_size')
  // A deeply nested expression is refused by the parser's depth limit, not by the stack.
  const deep = lowCompletion.replace('>= param.gap', `>= ${'('.repeat(500)}param.gap${')'.repeat(500)}`)
  const depth = throwsRuleError(() => Rules.fromString(deep), 'limit.expression_depth')
  assert.equal(depth.location?.path, 'rules[0].when')
})

test('lint warnings of rules that compile are listed', () => {
  const gap = `${lowCompletion}
[[classifications]]
id = "bands"
title = { ru = "Полосы", en = "Bands" }
level = "school"
scope = { source = "procedures" }
hit_policy = "first"
value = "completion_rate"
[[classifications.bands]]
label = "low"
title = { ru = "низкий", en = "low" }
range = { to = "50%" }
[[classifications.bands]]
label = "high"
title = { ru = "высокий", en = "high" }
range = { from = "55%" }
`
  const rules = Rules.fromString(gap, { name: 'gap.toml' })
  assert.equal(rules.warnings.length, 1)
  const [w] = rules.warnings
  assert.equal(w?.code, 'lint.band_gap')
  assert.equal(w?.level, 'warning')
  assert.equal(w?.file, 'gap.toml')
  assert.match(w?.path ?? '', /^classifications\[0\]/)
})

test('bad arguments throw input.argument or input.option', () => {
  const anyRules = Rules as unknown as Record<string, (...args: unknown[]) => unknown>
  const anyLoad = loadRules as (...args: unknown[]) => unknown
  throwsCode(() => anyRules['fromPath']!(42), 'input.argument')
  throwsCode(() => anyRules['fromPath']!(), 'input.argument')
  throwsCode(() => anyRules['fromString']!(null), 'input.argument')
  throwsCode(() => anyRules['fromString']!(lowCompletion, { format: 'yaml' }), 'input.option')
  throwsCode(() => anyRules['fromString']!(lowCompletion, { nmae: 'x' }), 'input.option')
  throwsCode(() => anyRules['fromString']!(lowCompletion, { name: 3 }), 'input.argument')
  throwsCode(() => anyRules['fromObject']!('text'), 'input.argument')
  throwsCode(() => anyRules['fromObject']!([]), 'input.argument')
  const cyclic: Record<string, unknown> = { id: 'c' }
  cyclic['self'] = cyclic
  throwsCode(() => anyRules['fromObject']!(cyclic), 'input.argument')
  throwsCode(() => anyRules['fromObject']!({ id: 1n }), 'input.argument')
  throwsCode(() => anyLoad('rules/x.toml'), 'input.argument')
  throwsCode(() => anyLoad([42]), 'input.argument')
  throwsCode(() => anyLoad([{ name: 'no text' }]), 'input.argument')
  throwsCode(() => anyLoad([{ text: lowCompletion, format: 'yml' }]), 'input.option')
  const typed: RuleText = { text: lowCompletion, format: 'toml' }
  assert.equal(loadRules([typed]).size, 1)
})
