// Benchmark (not a test): the Node binding's columnar path against the pure Rust path on the
// same data, the 1,000,000-student region.
//
//   cargo run --release -p oko-cli -- generate --out /tmp/region --preset region
//   (cd bindings-node && npx napi build --platform --release)
//   node benches/node/bench.mjs /tmp/region [--runs 5]
//
// Both sides start from the same in-memory columns, read once from the CSV tables of DIR
// (untimed): strings, and a Float64Array for a column whose every cell is an integer without
// leading zeros (the Rust side gives those cells as integers too). Then, RUNS times each:
//   build     Node: Dataset.fromColumns(columns)     Rust: DatasetBuilder over the columns
//   evaluate  Node: await evaluateAsync(rules, ds)   Rust: evaluate + serde_json::to_string_pretty
//             (the Node time includes JSON.parse of the report into objects on the main thread)
// with the shipped rules (rules/*.toml in file-name order). The Rust side is
// benches/examples/evaluate_region.rs, run through cargo (honours CARGO_TARGET_DIR).
// Prints the medians side by side.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createRequire } from 'node:module'

const here = path.dirname(fileURLToPath(import.meta.url))
const repo = path.resolve(here, '..', '..')
const { Dataset, evaluateAsync, loadRules } = createRequire(import.meta.url)(path.join(repo, 'bindings-node'))

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '5' } },
})
const dir = positionals[0]
const runs = Number(values.runs)
if (!dir || !fs.existsSync(path.join(dir, 'students.csv')) || !(runs >= 1)) {
  console.error('usage: node benches/node/bench.mjs DIR [--runs N]')
  console.error('  DIR from: cargo run --release -p oko-cli -- generate --out DIR --preset region')
  process.exit(2)
}

const TABLES = [
  'municipalities',
  'schools',
  'classes',
  'teachers',
  'assignments',
  'students',
  'procedures',
  'results',
  'marks',
  'trainings',
  'competency_tests',
]

/** Splits one CSV line (quotes with "" escapes; the generator writes no newline in a cell). */
function split(line) {
  if (!line.includes('"')) return line.split(',')
  const out = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      out.push(field)
      field = ''
    } else field += c
  }
  out.push(field)
  return out
}

const INT = /^(0|-?[1-9]\d{0,14})$/

/** A CSV table as columns: Float64Array for all-integer columns, else strings (empty → null). */
async function readColumns(file) {
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })
  let header
  let cols
  for await (const line of lines) {
    if (header === undefined) {
      header = split(line.replace(/^\uFEFF/, ''))
      cols = header.map(() => [])
      continue
    }
    if (line === '') continue
    const cells = split(line)
    for (let c = 0; c < cols.length; c++) cols[c].push(cells[c] ?? '')
  }
  const out = {}
  header.forEach((name, c) => {
    const col = cols[c]
    out[name] = col.length > 0 && col.every((s) => INT.test(s)) ? Float64Array.from(col, Number) : col.map((s) => (s === '' ? null : s))
  })
  return out
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const ruleFiles = fs
  .readdirSync(path.join(repo, 'rules'))
  .filter((f) => f.endsWith('.toml'))
  .sort()
  .map((f) => path.join(repo, 'rules', f))
const rules = loadRules(ruleFiles)

let t = performance.now()
const columns = {}
let rows = 0
for (const table of TABLES) {
  const file = path.join(dir, `${table}.csv`)
  if (!fs.existsSync(file)) continue
  const cols = await readColumns(file)
  rows += Object.values(cols)[0]?.length ?? 0
  columns[table.replace(/_([a-z])/g, (_, ch) => ch.toUpperCase())] = cols
}
const readMs = performance.now() - t
console.log(`read ${rows.toLocaleString('en')} rows of ${Object.keys(columns).length} tables into columns in ${(readMs / 1e3).toFixed(1)} s (untimed)`)

const node = { build: [], evaluate: [] }
let findings = 0
for (let i = 0; i < runs; i++) {
  t = performance.now()
  const ds = Dataset.fromColumns(columns)
  node.build.push(performance.now() - t)
  t = performance.now()
  const report = await evaluateAsync(rules, ds)
  node.evaluate.push(performance.now() - t)
  findings = report.findings.length
  console.log(`node run ${i + 1}: build ${node.build[i].toFixed(0)} ms, evaluate ${node.evaluate[i].toFixed(0)} ms`)
}

console.log('rust: cargo run --release -p oko-benches --example evaluate_region ...')
const rustOut = execFileSync(
  'cargo',
  ['run', '--release', '-q', '-p', 'oko-benches', '--example', 'evaluate_region', '--', dir, String(runs), ...ruleFiles],
  { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
)
const rust = JSON.parse(rustOut.trim().split('\n').pop())
rust.build_ms.forEach((b, i) => console.log(`rust run ${i + 1}: build ${b.toFixed(0)} ms, evaluate ${rust.evaluate_ms[i].toFixed(0)} ms`))
if (rust.findings !== findings) throw new Error(`findings differ: node ${findings}, rust ${rust.findings}`)

const row = (name, n, r) => `| ${name.padEnd(22)} | ${n.toFixed(0).padStart(9)} | ${r.toFixed(0).padStart(9)} | ${(n / r).toFixed(2).padStart(5)} |`
const nb = median(node.build)
const ne = median(node.evaluate)
const rb = median(rust.build_ms)
const re = median(rust.evaluate_ms)
console.log(`\n${rows.toLocaleString('en')} input rows, ${findings} findings, report ${rust.report_bytes.toLocaleString('en')} bytes; medians of ${runs} runs`)
console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.availableParallelism()}, Node ${process.version}, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`)
console.log('| step                   |   Node ms |   Rust ms | ratio |')
console.log('|------------------------|-----------|-----------|-------|')
console.log(row('build (fromColumns)', nb, rb))
console.log(row('evaluate (+ report)', ne, re))
console.log(row('total', nb + ne, rb + re))
