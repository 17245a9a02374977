// examples/portal.mjs: started on a free port with a rules folder, sent a bounded number of
// requests (good JSON and CSV uploads, malformed bodies, bad data, a body over the limit,
// wrong methods and paths), checked, and stopped.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { Dataset, evaluate, loadRules, type Report } from 'oko'
import { repo } from './helpers.js'

interface Case {
  rules: string[]
  data: Record<string, Record<string, unknown>[]>
}

const MAX_BYTES = 64 * 1024
const portal = path.join(repo, 'bindings-node', 'examples', 'portal.mjs')
const c = JSON.parse(fs.readFileSync(path.join(repo, 'tests', 'cases', 't7_gaps_and_unknown.json'), 'utf8')) as Case
const rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oko-portal-'))
c.rules.forEach((text, i) => fs.writeFileSync(path.join(rulesDir, `${i}.toml`), text))

let child: ChildProcess
let base = ''
let requests = 0

before(async () => {
  child = spawn(process.execPath, [portal, '--port', '0', '--rules', rulesDir, '--max-bytes', String(MAX_BYTES)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  base = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m) resolve(m[1]!)
    })
    child.on('exit', (code) => reject(new Error(`portal exited with ${code}`)))
    setTimeout(() => reject(new Error('portal did not start in 20 s')), 20_000).unref()
  })
})

after(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  fs.rmSync(rulesDir, { recursive: true, force: true })
})

interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** One request; the body is sent with a Content-Length. */
function request(method: string, route: string, body?: string | Buffer, type?: string): Promise<Answer> {
  requests++
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body)
    const headers: http.OutgoingHttpHeaders = {}
    if (type) headers['content-type'] = type
    if (payload) headers['content-length'] = payload.length
    const req = http.request(`${base}${route}`, { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (d: Buffer) => chunks.push(d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }))
    })
    req.on('error', reject)
    req.end(payload)
  })
}

const postJson = (body: string, query = ''): Promise<Answer> => request('POST', `/evaluate${query}`, body, 'application/json')

/** Sends CSV files as a multipart/form-data upload, one part per table. */
function postCsv(files: Record<string, string>): Promise<Answer> {
  const boundary = '----oko-test-boundary'
  const parts = Object.entries(files).map(
    ([name, csv]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n`,
  )
  return request('POST', '/evaluate', parts.join('') + `--${boundary}--\r\n`, `multipart/form-data; boundary=${boundary}`)
}

/** Rows as CSV text: every field quoted (quotes doubled), `null` as an empty field. */
function toCsv(rows: Record<string, unknown>[]): string {
  const header: string[] = []
  for (const r of rows) for (const k of Object.keys(r)) if (!header.includes(k)) header.push(k)
  const cell = (v: unknown): string => (v === null || v === undefined ? '' : `"${String(v).replace(/"/g, '""')}"`)
  return [header.join(','), ...rows.map((r) => header.map((k) => cell(r[k])).join(','))].join('\r\n') + '\r\n'
}

/** Checks an error answer and returns its error. */
function error(a: Answer, status: number, code: string): { code: string; location: Record<string, unknown> | null } {
  assert.equal(a.status, status, a.body)
  assert.match(String(a.headers['content-type']), /^application\/json/)
  const body = JSON.parse(a.body) as { error: { code: string; message: string; location: Record<string, unknown> | null } }
  assert.equal(body.error.code, code, a.body)
  assert.equal(typeof body.error.message, 'string')
  assert.ok('location' in body.error)
  return body.error
}

/** The report minus `rulesets` (whose `file` is the server's path). */
const outcomes = (r: Report): Omit<Report, 'rulesets'> => {
  const { rulesets: _, ...rest } = r
  return rest
}

// What the case gives through the library directly.
const direct = evaluate(
  loadRules(c.rules.map((text, i) => ({ text, name: `${i}.toml` }))),
  Dataset.fromRows(c.data),
)

test('a JSON upload: 200 and the report of the rules folder', async () => {
  const a = await postJson(JSON.stringify({ tables: c.data }))
  assert.equal(a.status, 200, a.body)
  const report = JSON.parse(a.body) as Report
  assert.deepEqual(outcomes(report), outcomes(direct))
  assert.ok(report.findings.length > 0)
  assert.deepEqual(
    report.rulesets.map((r) => r.id),
    direct.rulesets.map((r) => r.id),
  )
})

test('a CSV upload (multipart, one file per table): the same report', async () => {
  const files = Object.fromEntries(Object.entries(c.data).map(([t, rows]) => [t, toCsv(rows)]))
  const a = await postCsv(files)
  assert.equal(a.status, 200, a.body)
  assert.deepEqual(outcomes(JSON.parse(a.body) as Report), outcomes(direct))
})

test('malformed JSON and a JSON without tables: 400', async () => {
  error(await postJson('{"tables": {"schools": ['), 400, 'request.json')
  error(await postJson('[1, 2]'), 400, 'request.json')
})

test('bad CSV: an unclosed quote, a row with too many fields: 400 with the table and row', async () => {
  const unclosed = error(await postCsv({ results: 'student,procedure,mark\r\n"p1,vpr,4\r\n' }), 400, 'request.csv')
  assert.deepEqual(unclosed.location, { table: 'results', row: 1, column: null })
  const files = { ...Object.fromEntries(Object.entries(c.data).map(([t, rows]) => [t, toCsv(rows)])) }
  files['students'] = files['students']! + 'x,y,z,w,v,u,t,s,r\r\n'
  const wide = error(await postCsv(files), 400, 'request.csv')
  assert.equal(wide.location?.['table'], 'students')
  assert.equal(wide.location?.['row'], c.data['students']!.length + 1)
})

test('bad data: 400 with the code and location, never the value; lenient skips the row', async () => {
  const tables = structuredClone(c.data)
  tables['results']![2]!['mark'] = 9
  const e = error(await postJson(JSON.stringify({ tables })), 400, 'data.mark_out_of_range')
  assert.deepEqual(e.location, { table: 'results', row: 3, column: 'mark' })
  const lenient = await postJson(JSON.stringify({ tables }), '?policy=lenient&minSample=10')
  assert.equal(lenient.status, 200)
  assert.equal((JSON.parse(lenient.body) as Report).rejected_rows.length, 1)
  error(await postJson(JSON.stringify({ tables: { pupils: [] } })), 400, 'input.argument')
  error(await postJson(JSON.stringify({ tables }), '?minSample=-1'), 400, 'request.query')
})

test('a body over the limit: 413, and the server keeps serving', async () => {
  const big = JSON.stringify({ tables: { students: [] }, pad: 'x'.repeat(MAX_BYTES) })
  error(await postJson(big), 413, 'request.too_large')
  assert.equal((await request('GET', '/rulesets')).status, 200)
})

test('wrong method 405, unknown path 404, other content types 415', async () => {
  const get = error(await request('GET', '/evaluate'), 405, 'request.method')
  void get
  assert.equal((await request('PUT', '/evaluate', '{}', 'application/json')).headers['allow'], 'POST')
  error(await request('GET', '/admin'), 404, 'request.not_found')
  error(await request('POST', '/evaluate', 'a,b\r\n1,2\r\n', 'text/plain'), 415, 'request.content_type')
  const rulesets = await request('GET', '/rulesets')
  assert.equal(rulesets.status, 200)
  assert.deepEqual(
    (JSON.parse(rulesets.body) as { id: string }[]).map((r) => r.id),
    direct.rulesets.map((r) => r.id),
  )
})

test('after all that the server is still up, and the number of requests is bounded', async () => {
  const a = await postJson(JSON.stringify({ tables: c.data }))
  assert.equal(a.status, 200)
  assert.equal(child.exitCode, null)
  assert.ok(requests <= 20, `${requests} requests`)
})
