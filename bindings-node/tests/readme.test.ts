// The Node example of the repository's README.md runs and prints what the README says.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { repo } from './helpers.js'

/** The section `## The Node package` of README.md. */
function section(): string {
  const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8')
  const start = readme.indexOf('\n## The Node package\n')
  assert.ok(start >= 0, 'README.md has a section "The Node package"')
  const end = readme.indexOf('\n## ', start + 1)
  return readme.slice(start, end < 0 ? undefined : end)
}

/** The first fenced block of `lang` in `text`. */
function fenced(text: string, lang: string): string {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(text)
  assert.ok(m, `a \`\`\`${lang} block`)
  return m[1]!
}

test('the README example runs from the repository root and prints what the README shows', () => {
  const s = section()
  const code = fenced(s, 'js')
  assert.ok(code.split('\n').filter((l) => l.trim() !== '').length <= 10, 'about ten lines')
  // Written next to the package so that `import 'oko'` resolves to it (package self-reference).
  const file = path.join(repo, 'bindings-node', 'build', 'readme-example.mjs')
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, code)
  const out = execFileSync(process.execPath, [file], { cwd: repo, encoding: 'utf8' })
  assert.equal(out, fenced(s.slice(s.indexOf('```js')), 'text'))
})
