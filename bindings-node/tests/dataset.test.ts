// Dataset.fromRows / fromColumns / fromArrowIpc: every input form, the policies, and every
// kind of input error.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as arrow from 'apache-arrow'
import { Dataset, aggregate, type ErrorInfo, type RowTables } from 'oko'
import { type Rows, sampleRows, throwsCode, toColumns } from './helpers.js'

/** Arrow IPC bytes of one table given as rows (types inferred per column). */
function arrowBytes(table: readonly object[], format: 'stream' | 'file' = 'stream'): Uint8Array {
  const rows = table as readonly Record<string, unknown>[]
  const keys: string[] = []
  for (const row of rows) for (const k of Object.keys(row)) if (!keys.includes(k)) keys.push(k)
  const columns: Record<string, arrow.Vector> = {}
  for (const k of keys) {
    const values = rows.map((r) => r[k] ?? null)
    const present = values.filter((v) => v !== null)
    if (present.every((v) => typeof v === 'boolean')) {
      columns[k] = arrow.vectorFromArray(values, new arrow.Bool())
    } else if (present.every((v) => typeof v === 'number' && Number.isInteger(v))) {
      columns[k] = arrow.vectorFromArray(values, new arrow.Int32())
    } else if (present.every((v) => typeof v === 'number')) {
      columns[k] = arrow.vectorFromArray(values, new arrow.Float64())
    } else {
      // Strings: plain utf8 here; dictionary-encoded strings are tested below.
      columns[k] = arrow.vectorFromArray(values.map((v) => (v === null ? null : String(v))), new arrow.Utf8())
    }
  }
  return arrow.tableToIPC(new arrow.Table(columns), format)
}

function arrowTables(tables: RowTables, format: 'stream' | 'file'): Record<string, Uint8Array> {
  return Object.fromEntries(
    Object.entries(tables).map(([name, rows]) => [name, arrowBytes(rows as object[], format)]),
  )
}

test('fromRows builds a dataset and reports what it holds', () => {
  const ds = Dataset.fromRows(sampleRows())
  assert.deepEqual(ds.counts, {
    municipalities: 1,
    schools: 1,
    classes: 1,
    teachers: 1,
    assignments: 1,
    students: 3,
    procedures: 1,
    results: 3,
    marks: 3,
    trainings: 1,
    competencyTests: 1,
    mukoEvidence: 1,
  })
  assert.deepEqual(ds.rejected, [])
  assert.deepEqual(ds.ignoredColumns, [])
  assert.ok(ds instanceof Dataset)
})

test('fromRows, fromColumns and fromArrowIpc (stream and file) give the same indicators', () => {
  const rows = sampleRows()
  const want = aggregate(Dataset.fromRows(rows))
  assert.ok(want.length > 0)
  assert.deepEqual(aggregate(Dataset.fromColumns(toColumns(rows))), want)
  assert.deepEqual(aggregate(Dataset.fromArrowIpc(arrowTables(rows, 'stream'))), want)
  assert.deepEqual(aggregate(Dataset.fromArrowIpc(arrowTables(rows, 'file'))), want)
  // Every table, МУКО evidence included, arrives through each form.
  const counts = Dataset.fromRows(rows).counts
  assert.deepEqual(Dataset.fromColumns(toColumns(rows)).counts, counts)
  assert.deepEqual(Dataset.fromArrowIpc(arrowTables(rows, 'stream')).counts, counts)
})

test('cells: integral numbers, decimal strings with a comma or a point, booleans, null and undefined', () => {
  const rows = sampleRows()
  rows.schools = [{ id: 's1', municipality: 'm1', rural: 'да', low_income: '12.5', single_parent: 7 }]
  rows.students = [
    { id: 'p1', class: 'c1', attendance: '95,5', attestat: true },
    { id: 'p2', class: 'c1', attendance: 80, honours: undefined },
    { id: 'p3', class: 'c1', attendance: null, olympiad: 'winner' },
  ]
  // Scores given as whole floats or strings are accepted; 17.5 is not a score.
  rows.results = [
    { student: 'p1', procedure: 'vpr-ru-4', primary_score: 22.0, mark: '5' },
    { student: 'p2', procedure: 'vpr-ru-4', primary_score: '17', mark: 4 },
    { student: 'p3', procedure: 'vpr-ru-4', primary_score: 17.5, mark: 4 },
  ]
  const ds = Dataset.fromRows(rows, { policy: 'lenient' })
  assert.equal(ds.counts.results, 2)
  assert.deepEqual(
    ds.rejected.map((e) => [e.code, e.location]),
    [['data.invalid_value', { table: 'results', row: 3, column: 'primary_score' }]],
  )
})

test('mukoEvidence: statuses in English or Russian; a bad status, a duplicate or an unknown school is rejected', () => {
  const rows = sampleRows()
  rows.mukoEvidence = [
    { school: 's1', direction: '1', component: 'goals', status: 'present' },
    { school: 's1', direction: '1', component: 'methods', status: 'частично', link: '' },
    { school: 's1', direction: '1', component: 'analysis', status: 'maybe' },
    { school: 's1', direction: '1', component: 'goals', status: 'absent' },
    { school: 's9', direction: '2', component: 'goals', status: 'нет' },
  ]
  const ds = Dataset.fromRows(rows, { policy: 'lenient' })
  assert.equal(ds.counts.mukoEvidence, 2)
  assert.deepEqual(
    ds.rejected.map((e) => [e.code, e.location]),
    [
      ['data.invalid_value', { table: 'mukoEvidence', row: 3, column: 'status' }],
      ['data.duplicate_id', { table: 'mukoEvidence', row: 4, column: 'component' }],
      ['data.unknown_school', { table: 'mukoEvidence', row: 5, column: 'school' }],
    ],
  )
})

test('lenient: bad rows are skipped and listed with code and location, never values', () => {
  const rows = sampleRows()
  rows.results = [
    { student: 'p1', procedure: 'vpr-ru-4', primary_score: 22, mark: 5 },
    { student: 'p2', procedure: 'vpr-ru-4', primary_score: 30, mark: 4 },
    { student: 'p3', procedure: 'vpr-ru-4', primary_score: 9, mark: 7 },
    { student: 'p4-Иванов', procedure: 'vpr-ru-4', primary_score: 9, mark: 3 },
  ]
  const ds = Dataset.fromRows(rows, { policy: 'lenient' })
  assert.equal(ds.counts.results, 1)
  const rejected: ErrorInfo[] = ds.rejected
  assert.deepEqual(
    rejected.map((e) => [e.code, e.location]),
    [
      ['data.score_above_max', { table: 'results', row: 2, column: 'primary_score' }],
      ['data.mark_out_of_range', { table: 'results', row: 3, column: 'mark' }],
      ['data.unknown_student', { table: 'results', row: 4, column: 'student' }],
    ],
  )
  for (const e of rejected) assert.ok(!e.message.includes('Иванов') && !e.message.includes('30'))
})

test('strict (the default): the first bad row is thrown, every bad row is in errors', () => {
  const rows = sampleRows()
  rows.results[1] = { student: 'p2', procedure: 'vpr-ru-4', primary_score: 17, mark: 7 }
  rows.results[2] = { student: 'p3', procedure: 'nope', primary_score: 9, mark: 2 }
  const err = throwsCode(() => Dataset.fromRows(rows), 'data.mark_out_of_range')
  assert.deepEqual(err.location, { table: 'results', row: 2, column: 'mark' })
  assert.deepEqual(
    err.errors?.map((e) => e.code),
    ['data.mark_out_of_range', 'data.unknown_procedure'],
  )
  throwsCode(() => Dataset.fromRows(rows, { policy: 'strict' }), 'data.mark_out_of_range')
})

test('each data error kind has its code and location', () => {
  const cases: [string, (r: Rows) => void, string, { table: string; row: number; column: string }][] = [
    ['empty id', (r) => r.students.push({ id: ' ', class: 'c1' }), 'data.empty_id', { table: 'students', row: 4, column: 'id' }],
    ['duplicate id', (r) => r.students.push({ id: 'p1', class: 'c1' }), 'data.duplicate_id', { table: 'students', row: 4, column: 'id' }],
    ['unknown class', (r) => r.students.push({ id: 'p9', class: 'c9' }), 'data.unknown_class', { table: 'students', row: 4, column: 'class' }],
    ['unknown school', (r) => r.classes.push({ id: 'c2', school: 's9', grade: 5 }), 'data.unknown_school', { table: 'classes', row: 2, column: 'school' }],
    ['unknown municipality', (r) => r.schools.push({ id: 's2', municipality: 'm9' }), 'data.unknown_municipality', { table: 'schools', row: 2, column: 'municipality' }],
    ['grade out of range', (r) => r.classes.push({ id: 'c2', school: 's1', grade: 12 }), 'data.grade_out_of_range', { table: 'classes', row: 2, column: 'grade' }],
    ['invalid value', (r) => r.classes.push({ id: 'c2', school: 's1', grade: 'пятый' }), 'data.invalid_value', { table: 'classes', row: 2, column: 'grade' }],
    ['unknown teacher', (r) => r.trainings.push({ teacher: 't9', date: '2025-10-01' }), 'data.unknown_teacher', { table: 'trainings', row: 2, column: 'teacher' }],
    ['duplicate result', (r) => r.results.push({ student: 'p1', procedure: 'vpr-ru-4', primary_score: 1 }), 'data.duplicate_result', { table: 'results', row: 4, column: 'student' }],
    ['duplicate mark', (r) => r.marks.push({ student: 'p1', subject: 'russian', year: '2025/26', period: 't1', mark: 4 }), 'data.duplicate_mark', { table: 'marks', row: 4, column: 'student' }],
    ['test score out of range', (r) => {
      r.procedures.push({ id: 'ege-ru', kind: 'ege', subject: 'russian', grade: 11, year: '2025/26', max_score: 50 })
      r.results.push({ student: 'p1', procedure: 'ege-ru', test_score: 101 })
    }, 'data.test_score_out_of_range', { table: 'results', row: 4, column: 'test_score' }],
  ]
  for (const [what, spoil, code, location] of cases) {
    const rows = sampleRows()
    spoil(rows)
    const ds = Dataset.fromRows(rows, { policy: 'lenient' })
    assert.equal(ds.rejected.length, 1, what)
    const [e] = ds.rejected
    assert.equal(e!.code, code, what)
    // Duplicates point at the column that collides; the location's row is the bad row.
    assert.equal(e!.location!.table, location.table, what)
    assert.equal(e!.location!.row, location.row, what)
  }
})

test('a missing required column fails the table under both policies', () => {
  const rows = sampleRows()
  rows.results = [{ student: 'p1', mark: 5 } as never]
  for (const policy of ['strict', 'lenient'] as const) {
    const err = throwsCode(() => Dataset.fromRows(rows, { policy }), 'data.missing_column')
    assert.deepEqual(err.location, { table: 'results', row: 0, column: 'procedure' })
  }
})

test('unknown columns are reported in ignoredColumns; extra school columns are context fields', () => {
  const rows = sampleRows()
  rows.results[0] = { ...rows.results[0]!, comment: 'списал' } as never
  const ds = Dataset.fromRows(rows)
  assert.deepEqual(ds.ignoredColumns, [{ table: 'results', column: 'comment' }])
})

test('per-task scores as task_1, task_2, ... columns', () => {
  const rows = sampleRows()
  rows.procedures = [
    { id: 'vpr-ru-4', kind: 'vpr', subject: 'russian', grade: 4, year: '2025/26', max_score: 4, tasks: '1;1;2' },
  ]
  rows.results = [
    { student: 'p1', procedure: 'vpr-ru-4', primary_score: 3, task_1: 1, task_2: 0, task_3: 2 },
    { student: 'p2', procedure: 'vpr-ru-4', primary_score: 3, task_1: 1, task_2: 1, task_3: 2 },
  ]
  const ds = Dataset.fromRows(rows, { policy: 'lenient' })
  assert.equal(ds.counts.results, 1)
  assert.equal(ds.rejected[0]!.code, 'data.task_scores')
})

test('wrong argument types are input.argument errors, never crashes', () => {
  const anyRows = Dataset.fromRows as (...args: unknown[]) => Dataset
  const anyColumns = Dataset.fromColumns as (...args: unknown[]) => Dataset
  throwsCode(() => anyRows(), 'input.argument')
  throwsCode(() => anyRows(42), 'input.argument')
  throwsCode(() => anyRows([]), 'input.argument')
  throwsCode(() => anyRows({ results: {} }), 'input.argument')
  throwsCode(() => anyRows({ result: [] }), 'input.argument')
  let e = throwsCode(() => anyRows({ results: [1] }), 'input.argument')
  assert.deepEqual(e.location, { table: 'results', row: 1, column: null })
  e = throwsCode(() => anyRows({ results: [{ student: { name: 'Иванов' }, procedure: 'p' }] }), 'input.argument')
  assert.deepEqual(e.location, { table: 'results', row: 1, column: 'student' })
  assert.ok(!e.message.includes('Иванов'))
  throwsCode(() => anyRows({ results: [{ student: [1], procedure: 'p' }] }), 'input.argument')
  throwsCode(() => anyRows({ results: [{ student: 1n, procedure: 'p' }] }), 'input.argument')
  throwsCode(() => anyRows({}, 'lenient'), 'input.argument')
  throwsCode(() => anyColumns({ results: [] }), 'input.argument')
  e = throwsCode(() => anyColumns({ results: { student: 'p1' } }), 'input.argument')
  assert.deepEqual(e.location, { table: 'results', row: null, column: 'student' })
})

test('unknown options are input.option errors', () => {
  throwsCode(() => Dataset.fromRows({}, { policy: 'loose' as never }), 'input.option')
  throwsCode(() => Dataset.fromRows({}, { polcy: 'lenient' } as never), 'input.option')
})

test('a throwing getter in the input propagates the caller\'s own exception', () => {
  const row = Object.defineProperty({}, 'student', {
    enumerable: true,
    get() {
      throw new RangeError('from the getter')
    },
  })
  assert.throws(() => Dataset.fromRows({ results: [row as never] }), { name: 'RangeError', message: 'from the getter' })
})

test('fromColumns: columns of equal length, arrays or typed arrays', () => {
  const cols = toColumns(sampleRows())
  cols.classes = { id: ['c1'], school: ['s1'], grade: new Int32Array([4]), name: ['4А'] }
  assert.equal(Dataset.fromColumns(cols).counts.classes, 1)
  const err = throwsCode(
    () => Dataset.fromColumns({ municipalities: { id: ['m1', 'm2'], name: ['Район'] } }),
    'input.argument',
  )
  assert.deepEqual(err.location, { table: 'municipalities', row: null, column: 'name' })
  assert.equal(Dataset.fromColumns({ municipalities: { id: [], name: [] } }).counts.municipalities, 0)
})

test('fromColumns: typed arrays of several kinds, mixed columns, the same cells and errors as fromRows', () => {
  const rows = sampleRows()
  // A mixed column: numbers and strings.
  rows.marks = [
    { student: 'p1', subject: 'russian', year: '2025/26', period: 't1', mark: 5 },
    { student: 'p2', subject: 'russian', year: '2025/26', period: 't1', mark: '4' },
    { student: 'p3', subject: 'russian', year: '2025/26', period: 't1', mark: 'н/а' },
  ]
  const want = aggregate(Dataset.fromRows(rows))
  const cols = toColumns(rows)
  cols.classes = { id: ['c1'], school: ['s1'], grade: new Uint8Array([4]), name: ['4А'] }
  cols.results = { ...cols.results!, primary_score: new Float32Array([22, 17, 9]), mark: new Int16Array([5, 4, 2]) }
  assert.deepEqual(aggregate(Dataset.fromColumns(cols)), want)
  // A NUL inside a string is kept.
  assert.equal(Dataset.fromColumns({ municipalities: { id: ['a\0b', 'a'] } }).counts.municipalities, 2)
  // Errors keep their rows in typed arrays and in arrays with nulls.
  const bad = { ...cols.results!, mark: new Float64Array([5, 9, 4]) }
  const e = throwsCode(() => Dataset.fromColumns({ ...cols, results: bad }), 'data.mark_out_of_range')
  assert.deepEqual(e.location, { table: 'results', row: 2, column: 'mark' })
  const e2 = throwsCode(() => Dataset.fromColumns({ ...cols, results: { ...bad, mark: [5, null, 9] } }), 'data.mark_out_of_range')
  assert.deepEqual(e2.location, { table: 'results', row: 3, column: 'mark' })
  const e3 = throwsCode(
    () => Dataset.fromColumns({ ...cols, results: { ...bad, mark: new BigInt64Array([5n, 4n, 2n]) as never } }),
    'input.argument',
  )
  assert.deepEqual(e3.location, { table: 'results', row: 1, column: 'mark' })
})

test('fromArrowIpc: dictionary strings, decimals, dates, unsigned and small integers', () => {
  const schools = new arrow.Table({
    id: arrow.vectorFromArray(['s1', 's2']),
    municipality: arrow.vectorFromArray(['m1', 'm1']),
    rural: arrow.vectorFromArray([true, null], new arrow.Bool()),
    low_income: arrow.vectorFromArray([new Uint32Array([1250, 0, 0, 0]), null], new arrow.Decimal(2, 10, 128)),
  })
  assert.equal(String(schools.schema.fields[0]!.type), 'Dictionary<Int32, Utf8>')
  const trainings = new arrow.Table({
    teacher: arrow.vectorFromArray(['t1'], new arrow.Utf8()),
    date: arrow.vectorFromArray([new Date(Date.UTC(2025, 9, 1))], new arrow.DateDay()),
    assessment: arrow.vectorFromArray([1], new arrow.Uint8()),
  })
  const classes = new arrow.Table({
    id: arrow.vectorFromArray(['c1'], new arrow.Utf8()),
    school: arrow.vectorFromArray(['s1'], new arrow.Utf8()),
    grade: arrow.vectorFromArray([4n], new arrow.Uint64()),
  })
  const rows = sampleRows()
  const ds = Dataset.fromArrowIpc({
    municipalities: arrowBytes(rows.municipalities),
    schools: arrow.tableToIPC(schools, 'stream'),
    classes: Buffer.from(arrow.tableToIPC(classes, 'file')),
    teachers: arrowBytes(rows.teachers),
    procedures: arrowBytes(rows.procedures, 'file'),
    trainings: arrow.tableToIPC(trainings, 'stream'),
  })
  assert.deepEqual(
    [ds.counts.schools, ds.counts.classes, ds.counts.trainings],
    [2, 1, 1],
  )
  const staff = aggregate(ds, { levels: ['school'], indicators: ['share_teachers_trained_assessment'] })
  assert.deepEqual(
    staff.map((r) => [r.entity, r.scope, r.value]),
    [['s1', 'staff 2025/26', '100']],
  )
})

test('fromArrowIpc: unreadable bytes or an unsupported column type are input.arrow errors', () => {
  let e = throwsCode(() => Dataset.fromArrowIpc({ results: Buffer.from('not arrow at all') }), 'input.arrow')
  assert.deepEqual(e.location, { table: 'results', row: null, column: null })
  throwsCode(() => Dataset.fromArrowIpc({ results: new Uint8Array(0) }), 'input.arrow')
  // Lengths written in the bytes are not trusted: a message claiming 2 GiB fails at once.
  const start = performance.now()
  throwsCode(() => Dataset.fromArrowIpc({ results: new Uint8Array([255, 255, 255, 255, 255, 255, 255, 127, 1, 2]) }), 'input.arrow')
  assert.ok(performance.now() - start < 200)
  // A truncated file.
  const file = arrowBytes(sampleRows().municipalities, 'file')
  throwsCode(() => Dataset.fromArrowIpc({ municipalities: file.subarray(0, file.length - 20) }), 'input.arrow')
  const list = new arrow.Table({
    id: arrow.vectorFromArray(['m1'], new arrow.Utf8()),
    tags: arrow.vectorFromArray([[1, 2]]),
  })
  e = throwsCode(() => Dataset.fromArrowIpc({ municipalities: arrow.tableToIPC(list) }), 'input.arrow')
  assert.deepEqual(e.location, { table: 'municipalities', row: null, column: 'tags' })
  const anyArrow = Dataset.fromArrowIpc as (...args: unknown[]) => Dataset
  throwsCode(() => anyArrow({ results: 'bytes' }), 'input.argument')
  throwsCode(() => anyArrow({ results: new Float64Array(4) }), 'input.argument')
  throwsCode(() => anyArrow({ results: [1, 2, 3] }), 'input.argument')
})

test('fromArrowIpc: cells are validated by the same rules as rows', () => {
  const rows = sampleRows()
  rows.results[2] = { student: 'p3', procedure: 'vpr-ru-4', primary_score: 9, mark: 7 }
  const tables = arrowTables(rows, 'stream')
  const e = throwsCode(() => Dataset.fromArrowIpc(tables), 'data.mark_out_of_range')
  assert.deepEqual(e.location, { table: 'results', row: 3, column: 'mark' })
  assert.equal(Dataset.fromArrowIpc(tables, { policy: 'lenient' }).rejected.length, 1)
})
