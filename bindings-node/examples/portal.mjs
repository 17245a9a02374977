// A small HTTP endpoint for a school portal: a school uploads its tables, oko evaluates the
// district's rulesets over them and the answer is the report (findings, undetermined
// outcomes, labels, each with its evidence) as JSON.
//
//   node examples/portal.mjs [--port 8080] [--rules ../rules] [--max-bytes 10485760]
//
// Listens on 127.0.0.1 only (put a reverse proxy with authentication in front of it); port 0
// (the default) picks a free port. Prints `listening on http://127.0.0.1:<port>` when ready.
// The rulesets are every *.toml and *.json file of the rules folder, loaded once at start, in
// file-name order (a file that counts another's findings must sort after it).
//
//   POST /evaluate[?minSample=10&policy=strict|lenient]
//     Content-Type: application/json     { "tables": { "schools": [{...}], "results": [...] } }
//     Content-Type: multipart/form-data  one CSV file per table, the form field named after
//                                        the table (results, students, competency_tests, ...),
//                                        oko's canonical column names in the header row
//     → 200 the report (the bytes of `oko evaluate --format json`)
//     → 400 { error: { code, message, location } } for malformed JSON or CSV, bad data
//     → 413 for a body over --max-bytes, 415 for another content type
//   GET /rulesets → the loaded rulesets;   other methods → 405;   other paths → 404
//
// Data errors never contain a cell's value, so they can be shown to the uploader as they are.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Dataset, evaluateAsync, loadRules } from 'oko'

const here = path.dirname(fileURLToPath(import.meta.url))
const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    rules: { type: 'string', default: path.join(here, '..', '..', 'rules') },
    'max-bytes': { type: 'string', default: String(10 * 1024 * 1024) },
  },
})
const port = Number(args.port)
const maxBytes = Number(args['max-bytes'])
if (!Number.isInteger(port) || port < 0 || port > 65535 || !(maxBytes > 0)) {
  console.error('usage: portal.mjs [--port N] [--rules DIR] [--max-bytes N]')
  process.exit(2)
}

// Rulesets: loaded and checked once; a bad rule file stops the start with every problem.
let rules
try {
  const ruleFiles = fs
    .readdirSync(args.rules)
    .filter((f) => /\.(toml|json)$/.test(f))
    .sort()
    .map((f) => path.join(args.rules, f))
  rules = loadRules(ruleFiles)
} catch (e) {
  console.error(e.message)
  process.exit(4)
}

/** An error answer: `{ error: { code, message, location } }`. */
class HttpError extends Error {
  constructor(status, code, message, location = null, headers = {}) {
    super(message)
    this.status = status
    this.code = code
    this.location = location
    this.headers = status === 413 ? { connection: 'close', ...headers } : headers
  }
}

/** Reads the body up to `maxBytes`. Past the limit the rest is read and dropped (closing a
 * socket with unread data would reset it before the client sees the 413), up to a hard cap. */
function readBody(req) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > 8 * maxBytes) {
      reject(new HttpError(413, 'request.too_large', `the body is over ${maxBytes} bytes`))
      return
    }
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      if (size <= maxBytes) {
        chunks.push(chunk)
      } else if (size > 8 * maxBytes) {
        reject(new HttpError(413, 'request.too_large', `the body is over ${maxBytes} bytes`))
        req.destroy()
      }
    })
    req.on('end', () => {
      if (size > maxBytes) reject(new HttpError(413, 'request.too_large', `the body is over ${maxBytes} bytes`))
      else resolve(Buffer.concat(chunks))
    })
    req.on('error', reject)
  })
}

/** A small CSV parser (RFC 4180: `,` or `;`, quotes with `""`, CRLF or LF, a UTF-8 BOM):
 * rows as objects keyed by the header; empty cells are left out (missing). */
function parseCsv(text, table) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  const firstLine = text.slice(0, text.search(/\r?\n|$/))
  const sep = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ','
  const records = []
  let record = []
  let field = ''
  let quoted = false
  let line = 1
  let startLine = 1
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') {
        quoted = false
        if (i + 1 < text.length && !/[,;\r\n]/.test(text[i + 1])) {
          throw new HttpError(400, 'request.csv', 'text after a closing quote', { table, row: records.length, column: null })
        }
      } else {
        if (c === '\n') line++
        field += c
      }
    } else if (c === '"' && field === '') {
      quoted = true
    } else if (c === sep) {
      record.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      record.push(field)
      records.push(record)
      record = []
      field = ''
      line++
      startLine = line
    } else {
      field += c
    }
  }
  if (quoted) {
    throw new HttpError(400, 'request.csv', `a quoted field opened on line ${startLine} is never closed`, {
      table,
      row: records.length,
      column: null,
    })
  }
  if (field !== '' || record.length > 0) {
    record.push(field)
    records.push(record)
  }
  const [header, ...body] = records.filter((r) => !(r.length === 1 && r[0] === ''))
  if (!header) throw new HttpError(400, 'request.csv', 'the file is empty', { table, row: 0, column: null })
  return body.map((r, i) => {
    if (r.length !== header.length) {
      throw new HttpError(400, 'request.csv', `the row has ${r.length} fields, the header ${header.length}`, {
        table,
        row: i + 1,
        column: null,
      })
    }
    const row = {}
    header.forEach((name, j) => {
      if (r[j] !== '') row[name.trim()] = r[j]
    })
    return row
  })
}

/** The parts of a multipart/form-data body, as { name, text }. */
function parseMultipart(body, contentType) {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType)
  if (!boundary) throw new HttpError(400, 'request.multipart', 'multipart/form-data without a boundary')
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`)
  const parts = []
  let at = body.indexOf(delimiter)
  if (at < 0) throw new HttpError(400, 'request.multipart', 'no part in the form data')
  for (;;) {
    at += delimiter.length
    if (body.subarray(at, at + 2).toString() === '--') return parts
    const next = body.indexOf(delimiter, at)
    if (next < 0) throw new HttpError(400, 'request.multipart', 'the form data is truncated')
    const part = body.subarray(at + 2, next - 2) // skip the CRLF after the delimiter and before the next
    const split = part.indexOf('\r\n\r\n')
    if (split < 0) throw new HttpError(400, 'request.multipart', 'a part has no headers')
    const headers = part.subarray(0, split).toString('utf8')
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)
    if (!name) throw new HttpError(400, 'request.multipart', 'a part has no field name')
    parts.push({ name: name[1], text: part.subarray(split + 4).toString('utf8') })
    at = next
  }
}

/** The tables of a request, keyed by oko's JS table names. */
function tablesOf(req, body) {
  const type = (req.headers['content-type'] ?? '').toLowerCase()
  if (type.startsWith('application/json')) {
    let parsed
    try {
      parsed = JSON.parse(body.toString('utf8'))
    } catch {
      throw new HttpError(400, 'request.json', 'the body is not valid JSON')
    }
    if (parsed === null || typeof parsed !== 'object' || typeof parsed.tables !== 'object' || parsed.tables === null) {
      throw new HttpError(400, 'request.json', 'the body must be { "tables": { "<table>": [rows] } }')
    }
    return parsed.tables
  }
  if (type.startsWith('multipart/form-data')) {
    const tables = {}
    for (const { name, text } of parseMultipart(body, req.headers['content-type'])) {
      const table = name.replace(/\.csv$/i, '').replace(/_([a-z])/g, (_, ch) => ch.toUpperCase())
      tables[table] = parseCsv(text, table)
    }
    return tables
  }
  throw new HttpError(415, 'request.content_type', 'send application/json or multipart/form-data with CSV files')
}

/** Options from the query string. */
function optionsOf(url) {
  const minSample = url.searchParams.get('minSample')
  const policy = url.searchParams.get('policy') ?? 'strict'
  if (minSample !== null && !/^\d{1,9}$/.test(minSample)) {
    throw new HttpError(400, 'request.query', 'minSample must be a non-negative integer')
  }
  if (policy !== 'strict' && policy !== 'lenient') {
    throw new HttpError(400, 'request.query', "policy must be 'strict' or 'lenient'")
  }
  return { minSample: minSample === null ? 10 : Number(minSample), policy }
}

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(text)
}

async function handle(req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (url.pathname === '/rulesets') {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'request.method', 'use GET', null, { allow: 'GET, HEAD' })
    send(res, 200, rules.rulesets.map(({ id, version, title, file }) => ({ id, version, title, file: path.basename(file) })))
    return
  }
  if (url.pathname !== '/evaluate') throw new HttpError(404, 'request.not_found', 'POST /evaluate or GET /rulesets')
  if (req.method !== 'POST') throw new HttpError(405, 'request.method', 'use POST', null, { allow: 'POST' })
  const { minSample, policy } = optionsOf(url)
  const body = await readBody(req)
  const tables = tablesOf(req, body)
  // Dataset.fromRows validates every row (synchronously: one school's tables are small);
  // the evaluation runs on the libuv thread pool.
  const dataset = Dataset.fromRows(tables, { policy })
  const report = await evaluateAsync(rules, dataset, { minSample })
  send(res, 200, report.reportJson)
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((e) => {
    if (res.headersSent) {
      res.destroy()
      return
    }
    // Drain what the client still sends, so that it reads the answer instead of a reset.
    req.resume()
    if (e instanceof HttpError) {
      send(res, e.status, { error: { code: e.code, message: e.message, location: e.location } }, e.headers)
    } else if (/^(data|input|limit)\./.test(e?.code)) {
      // An oko error: a data error (data.*, limit.rows) or a wrong input shape (input.*).
      send(res, 400, { error: { code: e.code, message: e.message, location: e.location ?? null } })
    } else {
      console.error(e)
      send(res, 500, { error: { code: 'internal', message: 'internal error', location: null } })
    }
  })
})
server.requestTimeout = 60_000
server.headersTimeout = 10_000
server.on('clientError', (_err, socket) => {
  if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n')
  else socket.destroy()
})
server.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`)
})
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)))
}
