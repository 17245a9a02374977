#!/usr/bin/env python3
"""Writes the malformed inputs of tests/bad-inputs/ and their manifest.

Run from anywhere: python3 tests/bad-inputs/make_cases.py (standard library only).
It rewrites base/, rules/, data/ and manifest.toml; commit what it writes.

Each case is one file (or, for pathological sizes, a generator name the runners expand)
with the error it must produce: its stable code and where. The runners:
  - cli/tests/bad_inputs.rs runs every case (rules through oko::rules::compile, data through
    the CLI loader with the base tables of base/, cells through parse_decimal_cell);
  - bindings-python/tests/test_bad_inputs.py runs the data cases the core builder checks
    (`core_code`), building from lists of dicts;
  - the Node runner (to be written) can use the same fields.

Locations are computed here from the text, not copied from oko's output: `at` names the
text an error must point at (rules: line and column of its first character, in
characters); data rows are the file's (CSV line, JSON record, Excel row) and, for the core
builder and the bindings, `core_row` (the 1-based data row) and `core_column`.

All personal values are invented; the ones in SECRETS are planted in cells and must never
appear in any error message.
"""

import json
import os
import shutil
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
for _d in ["base", "cells", "data", "rules"]:
    shutil.rmtree(HERE / _d, ignore_errors=True)
SECRETS = ["Секретова", "Иванова", "Пупкин", "987654321"]

cases = []


def toml_str(v):
    return json.dumps(v, ensure_ascii=False)


def emit(case):
    cases.append(case)


def write(rel, data):
    p = HERE / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    p.write_bytes(data)


def locate(text, at, nth=0):
    """1-based line and column (in characters) of the nth occurrence of `at`."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(at, i + 1)
    before = text[:i]
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    return line, col


# --- base tables ----------------------------------------------------------------------

BASE = {
    "municipalities": [{"id": "M1", "name": "Северный"}],
    "schools": [
        {"id": "S1", "name": "СОШ № 1", "municipality": "M1", "kind": "regular",
         "rural": "false", "low_income": "12.5"},
    ],
    "classes": [
        {"id": "C4A", "school": "S1", "grade": "4", "name": "4А"},
        {"id": "C5A", "school": "S1", "grade": "5", "name": "5А"},
    ],
    "teachers": [{"id": "T-Иванова", "school": "S1", "category": "высшая"}],
    "assignments": [{"teacher": "T-Иванова", "class": "C4A", "subject": "russian"}],
    "students": [
        {"id": "P-Секретова", "class": "C4A", "attendance": "95"},
        {"id": "P-Пупкин", "class": "C4A", "attendance": "90"},
        {"id": "P03", "class": "C5A", "attendance": "99.5"},
    ],
    "procedures": [
        {"id": "vpr-4-rus", "kind": "vpr", "subject": "russian", "grade": "4",
         "year": "2025/26", "date": "2026-04-15", "max_score": "10", "scale": "",
         "tasks": "3;3;4"},
    ],
    "results": [
        {"student": "P-Секретова", "procedure": "vpr-4-rus", "primary_score": "7",
         "mark": "4", "task_scores": "2;2;3"},
        {"student": "P-Пупкин", "procedure": "vpr-4-rus", "primary_score": "5",
         "mark": "3", "task_scores": "1;2;2"},
    ],
    "marks": [
        {"student": "P-Секретова", "subject": "russian", "year": "2025/26", "period": "t1",
         "mark": "4"},
    ],
    "trainings": [
        {"teacher": "T-Иванова", "date": "2025-10-01", "topic": "Оценивание",
         "assessment": "true"},
    ],
    "competency_tests": [
        {"teacher": "T-Иванова", "date": "2025-11-01", "subject": "russian", "score": "40",
         "max_score": "50"},
    ],
}


def csv_text(header, rows, sep=","):
    return "".join(sep.join(r) + "\n" for r in [header] + rows)


def header_of(table):
    cols = []
    for r in BASE[table]:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols


def data_case(name, table, fmt, content, code, row=None, column=None, core_code=None,
              core_row=None, core_column=None, note="", **extra):
    """A data file replacing `table` of the base; `content` is bytes or str."""
    rel = f"data/{name}.{fmt}"
    write(rel, content)
    c = {"file": rel, "kind": f"data-{fmt}", "table": table, "code": code}
    if row is not None:
        c["row"] = row
    if column is not None:
        c["column"] = column
    if core_code is not None:
        c["core_code"] = core_code
        c["core_row"] = core_row
        c["core_column"] = core_column
    c.update(extra)
    if note:
        c["note"] = note
    emit(c)


def json_records(table, override_rows):
    if len(override_rows) > 20 or len(override_rows[0]) > 20:
        return json.dumps(override_rows, ensure_ascii=False)
    return json.dumps(override_rows, ensure_ascii=False, indent=1)


def records_case(name, table, rows, code, row, column, core=True, **extra):
    """A JSON array-of-objects case; its rows are also the core builder's rows."""
    if core:
        extra.setdefault("core_code", code)
        extra.setdefault("core_row", row)
        extra.setdefault("core_column", column)
    data_case(name, table, "json", json_records(table, rows), code, row, column, **extra)


def with_row(table, i, **changes):
    """The base rows of `table` with row i (0-based) changed (None deletes a key)."""
    rows = [dict(r) for r in BASE[table]]
    for k, v in changes.items():
        if v is None:
            rows[i].pop(k, None)
        else:
            rows[i][k] = v
    return rows


def plus_row(table, **row):
    return [dict(r) for r in BASE[table]] + [row]


# --- data: every data.* code ----------------------------------------------------------

records_case("empty_id_student", "students", with_row("students", 0, id=""),
             "data.empty_id", 1, "id")
records_case("blank_id_school", "schools", with_row("schools", 0, id="   "),
             "data.empty_id", 1, "id")
records_case("empty_reference_result", "results", with_row("results", 1, student=""),
             "data.empty_id", 2, "student")
records_case("missing_value_result_scores", "results",
             with_row("results", 0, primary_score="", mark="", task_scores=""),
             "data.missing_value", 1, "primary_score")
records_case("missing_value_assignment_subject", "assignments",
             with_row("assignments", 0, subject=" "), "data.missing_value", 1, "subject")
records_case("missing_value_mark", "marks", with_row("marks", 0, mark=""),
             "data.missing_value", 1, "mark")
records_case("missing_value_procedure_subject", "procedures",
             with_row("procedures", 0, subject=""), "data.missing_value", 1, "subject")
data_case("missing_column_students", "students", "json",
          json.dumps([{"id": "P-Секретова"}], ensure_ascii=False),
          "input.missing_column", None, "class",
          core_code="data.missing_column", core_row=0, core_column="class",
          note="the CLI maps headers first (input.*); the core builder reports row 0")
data_case("missing_column_results_csv", "results", "csv",
          csv_text(["student", "primary_score"], [["P-Секретова", "7"]]),
          "input.missing_column", None, "procedure")
records_case("duplicate_id_student", "students",
             plus_row("students", id="P-Секретова", **{"class": "C5A"}),
             "data.duplicate_id", 4, "id")
records_case("duplicate_id_class", "classes",
             plus_row("classes", id="C4A", school="S1", grade="4", name="4Б"),
             "data.duplicate_id", 3, "id")
records_case("invalid_school_kind", "schools", with_row("schools", 0, kind="космическая"),
             "data.invalid_value", 1, "kind")
records_case("invalid_rural", "schools", with_row("schools", 0, rural="может быть"),
             "data.invalid_value", 1, "rural")
records_case("invalid_context_value", "schools", with_row("schools", 0, low_income="много"),
             "data.invalid_value", 1, "low_income")
records_case("invalid_grade_word", "classes", with_row("classes", 1, grade="пятый"),
             "data.invalid_value", 2, "grade")
records_case("invalid_procedure_kind", "procedures", with_row("procedures", 0, kind="exam"),
             "data.invalid_value", 1, "kind")
records_case("invalid_procedure_year_range", "procedures",
             with_row("procedures", 0, year="1812/13"), "data.invalid_value", 1, "year")
records_case("invalid_procedure_date", "procedures",
             with_row("procedures", 0, date="2026-13-45"), "data.invalid_value", 1, "date")
records_case("invalid_max_score_zero", "procedures", with_row("procedures", 0, max_score="0"),
             "data.invalid_value", 1, "max_score")
records_case("invalid_max_score_huge", "procedures",
             with_row("procedures", 0, max_score="70000", tasks=""),
             "data.invalid_value", 1, "max_score")
records_case("invalid_tasks_text", "procedures", with_row("procedures", 0, tasks="a;b;c"),
             "data.invalid_value", 1, "tasks")
records_case("invalid_primary_score_text", "results",
             with_row("results", 0, primary_score="семь", task_scores=""),
             "data.invalid_value", 1, "primary_score")
records_case("negative_primary_score", "results",
             with_row("results", 0, primary_score="-3", task_scores=""),
             "data.invalid_value", 1, "primary_score")
records_case("negative_task_score", "results", with_row("results", 1, task_scores="1;-2;2"),
             "data.invalid_value", 2, "task_scores")
records_case("fractional_mark", "results", with_row("results", 0, mark="4.5"),
             "data.invalid_value", 1, "mark")
records_case("huge_primary_score", "results",
             with_row("results", 0, primary_score="99999999999999999999999999999",
                      task_scores=""),
             "data.invalid_value", 1, "primary_score")
records_case("huge_test_score", "results",
             with_row("results", 0, test_score="1e400"), "data.invalid_value", 1, "test_score")
records_case("invalid_task_scores_text", "results", with_row("results", 0, task_scores="2;x;3"),
             "data.invalid_value", 1, "task_scores")
records_case("attendance_above_100", "students", with_row("students", 1, attendance="150"),
             "data.invalid_value", 2, "attendance")
records_case("attendance_negative", "students", with_row("students", 0, attendance="-5"),
             "data.invalid_value", 1, "attendance")
records_case("attendance_huge", "students",
             with_row("students", 0, attendance="1" + "0" * 40), "data.invalid_value", 1,
             "attendance")
records_case("invalid_olympiad", "students", with_row("students", 2, olympiad="gold"),
             "data.invalid_value", 3, "olympiad")
records_case("invalid_honours", "students", with_row("students", 0, honours="с отличием"),
             "data.invalid_value", 1, "honours")
records_case("invalid_mark_period", "marks", with_row("marks", 0, period="q5"),
             "data.invalid_value", 1, "period")
records_case("invalid_mark_year", "marks", with_row("marks", 0, year="2025/27"),
             "data.invalid_value", 1, "year")
records_case("invalid_mark_word", "marks", with_row("marks", 0, mark="отлично"),
             "data.invalid_value", 1, "mark")
records_case("invalid_training_date", "trainings", with_row("trainings", 0, date="вчера"),
             "data.invalid_value", 1, "date")
records_case("invalid_training_assessment", "trainings",
             with_row("trainings", 0, assessment="maybe"), "data.invalid_value", 1,
             "assessment")
records_case("invalid_competency_score", "competency_tests",
             with_row("competency_tests", 0, score="сорок"), "data.invalid_value", 1, "score")
records_case("negative_competency_max", "competency_tests",
             with_row("competency_tests", 0, max_score="-50"), "data.invalid_value", 1,
             "max_score")
records_case("mark_out_of_range_result", "results", with_row("results", 0, mark="7"),
             "data.mark_out_of_range", 1, "mark")
records_case("mark_out_of_range_zero", "results", with_row("results", 1, mark="0"),
             "data.mark_out_of_range", 2, "mark")
records_case("mark_out_of_range_internal", "marks", with_row("marks", 0, mark="6"),
             "data.mark_out_of_range", 1, "mark")
records_case("mark_out_of_range_negative_internal", "marks", with_row("marks", 0, mark="-1"),
             "data.mark_out_of_range", 1, "mark")
records_case("grade_out_of_range_class", "classes", with_row("classes", 0, grade="12"),
             "data.grade_out_of_range", 1, "grade")
records_case("grade_out_of_range_zero", "classes", with_row("classes", 1, grade="0"),
             "data.grade_out_of_range", 2, "grade")
records_case("grade_out_of_range_huge", "classes", with_row("classes", 1, grade="300"),
             "data.grade_out_of_range", 2, "grade")
records_case("grade_out_of_range_procedure", "procedures",
             with_row("procedures", 0, grade="13"), "data.grade_out_of_range", 1, "grade")
records_case("score_above_max", "results",
             with_row("results", 1, primary_score="987654321", task_scores=""),
             "data.score_above_max", 2, "primary_score")
records_case("competency_score_above_max", "competency_tests",
             with_row("competency_tests", 0, score="60"), "data.score_above_max", 1, "score")
records_case("task_scores_count", "results", with_row("results", 0, task_scores="2;2"),
             "data.task_scores", 1, "task_scores")
records_case("task_score_above_task_max", "results",
             with_row("results", 0, task_scores="4;0;3"), "data.task_scores", 1, "task_scores")
records_case("task_scores_sum", "results", with_row("results", 0, primary_score="9"),
             "data.task_scores", 1, "task_scores")
records_case("procedure_tasks_sum", "procedures", with_row("procedures", 0, tasks="3;3;3"),
             "data.task_scores", 1, "tasks")
records_case("procedure_too_many_tasks", "procedures",
             with_row("procedures", 0, max_score="201", tasks=";".join(["1"] * 201)),
             "data.task_scores", 1, "tasks", note="more tasks than DataLimits::max_tasks (200)")
records_case("test_score_out_of_range", "results", with_row("results", 0, test_score="101"),
             "data.test_score_out_of_range", 1, "test_score")
records_case("unknown_procedure", "results", with_row("results", 1, procedure="vpr-9-xxx"),
             "data.unknown_procedure", 2, "procedure")
records_case("unknown_student_result", "results",
             with_row("results", 0, student="P-Нет-Такого"), "data.unknown_student", 1,
             "student")
records_case("unknown_student_mark", "marks", with_row("marks", 0, student="P-999"),
             "data.unknown_student", 1, "student")
records_case("unknown_class_student", "students",
             with_row("students", 1, **{"class": "C9Z"}), "data.unknown_class", 2, "class")
records_case("unknown_class_result", "results",
             with_row("results", 0, **{"class": "C9Z"}), "data.unknown_class", 1, "class")
records_case("unknown_class_assignment", "assignments",
             with_row("assignments", 0, **{"class": "C9Z"}), "data.unknown_class", 1, "class")
records_case("unknown_school_class", "classes", with_row("classes", 0, school="S9"),
             "data.unknown_school", 1, "school")
records_case("unknown_school_teacher", "teachers", with_row("teachers", 0, school="S9"),
             "data.unknown_school", 1, "school")
records_case("unknown_municipality", "schools", with_row("schools", 0, municipality="M9"),
             "data.unknown_municipality", 1, "municipality")
records_case("unknown_teacher_assignment", "assignments",
             with_row("assignments", 0, teacher="T-Нет"), "data.unknown_teacher", 1, "teacher")
records_case("unknown_teacher_training", "trainings", with_row("trainings", 0, teacher="T-0"),
             "data.unknown_teacher", 1, "teacher")
records_case("unknown_teacher_competency", "competency_tests",
             with_row("competency_tests", 0, teacher="T-0"), "data.unknown_teacher", 1,
             "teacher")
records_case("duplicate_result", "results",
             plus_row("results", student="P-Секретова", procedure="vpr-4-rus",
                      primary_score="3", task_scores="1;1;1"),
             "data.duplicate_result", 3, "student", first_row=1)
records_case("duplicate_mark", "marks",
             plus_row("marks", student="P-Секретова", subject="russian", year="2025/26",
                      period="t1", mark="5"),
             "data.duplicate_mark", 2, "student")
records_case("too_many_rows", "students", BASE["students"], "limit.rows", 3, "",
             max_rows_per_table=2)

# --- data: limits on cells, ids, columns, subjects, scopes ------------------------------

records_case("id_too_long", "students", with_row("students", 2, id="P" + "Ъ" * 300),
             "limit.id_length", 3, "id")
records_case("reference_too_long", "results",
             with_row("results", 0, procedure="vpr-" + "x" * 300), "limit.id_length", 1,
             "procedure")
records_case("subject_too_long", "marks", with_row("marks", 0, subject="р" * 300),
             "limit.id_length", 1, "subject")
records_case("cell_too_long", "schools", with_row("schools", 0, name="Школа " * 7000),
             "limit.cell_size", 1, "name")
records_case("too_many_columns", "schools",
             [dict(BASE["schools"][0], **{f"extra_{i}": "" for i in range(1100)})],
             "limit.columns", None, None, core_row=0, core_column="")
records_case("too_many_subjects", "marks",
             [{"student": "P-Секретова", "subject": f"s{i}", "year": "2025/26",
               "period": "t1", "mark": "4"} for i in range(1, 1003)],
             "limit.subjects", 1000, "subject", max_subjects=1000,
             note="the 1001st distinct subject: the base's assignments and procedures use one")

# --- data: input.* codes, encodings, shapes ---------------------------------------------

utf8_then_bad = ("id,class\nP-Секретова,C4A\n".encode() + b"P-\xff\xfe,C4A\n")
data_case("utf8_with_bad_bytes", "students", "csv", utf8_then_bad, "input.encoding", 3, None)
data_case("nul_byte", "students", "csv", b"id,class\nP-Sek\x00retova,C4A\n",
          "input.encoding", 2, "id")
data_case("json_not_utf8", "students", "json", b'[{"id": "P-\xff", "class": "C4A"}]',
          "input.encoding", None, None)
data_case("forced_utf8_cp1251_cell", "students", "csv",
          "id,class\nP-Секретова,C4A\n".encode("cp1251"), "input.encoding", 2, "id",
          encoding="utf-8")
data_case("separator_tie", "students", "csv", "id;class,attendance\nP01;C4A,90\n",
          "input.separator", 1, None)
data_case("ragged_row_extra_field", "students", "csv",
          csv_text(["id", "class"], [["P-Секретова", "C4A"], ["P-Пупкин", "C4A", "лишнее"]]),
          "input.ragged_row", 3, None)
data_case("ragged_row_missing_field", "students", "csv",
          csv_text(["id", "class", "attendance"], [["P-Секретова", "C4A", "95"], ["P-Пупкин"]]),
          "input.ragged_row", 3, None)
data_case("ragged_json_columns", "students", "json",
          json.dumps({"columns": {"id": ["P-Секретова", "P02"], "class": ["C4A"]}},
                     ensure_ascii=False),
          "input.ragged_row", None, "class")
data_case("json_nested_value", "students", "json",
          json.dumps([{"id": {"first": "Анна", "last": "Секретова"}, "class": "C4A"}],
                     ensure_ascii=False),
          "input.json", 1, "id")
data_case("json_syntax", "students", "json", '[{"id": "P-Секретова", "class": "C4A",}]',
          "input.json", None, None)
data_case("json_truncated", "students", "json", '[{"id": "P-Секретова", "class": "C4',
          "input.json", None, None)
data_case("json_scalar_top", "students", "json", '"P-Секретова"', "input.json", None, None)
data_case("json_record_not_object", "students", "json", '[{"id": "P01", "class": "C4A"}, 42]',
          "input.json", 2, None)
data_case("json_duplicate_key", "students", "json",
          '[{"id": "P01", "class": "C4A", "id": "P-Секретова"}]', "input.json", 1, "id")
data_case("json_deep_nesting", "students", "json", "[" * 5000 + "]" * 5000, "input.json",
          1, None, note="the first record is an array, not an object")
data_case("json_empty_array", "students", "json", "[]", "input.empty", None, None)
data_case("json_empty_columns", "students", "json", '{"columns": {}}', "input.empty", None, None)
data_case("empty_file", "students", "csv", b"", "input.empty", None, None)
data_case("bom_only", "students", "csv", b"\xef\xbb\xbf", "input.empty", None, None)
data_case("blank_lines_only", "students", "csv", "\n \n\t\n", "input.empty", None, None)
data_case("utf16_bom_only", "students", "csv", b"\xff\xfe", "input.empty", None, None)
data_case("xlsx_not_a_zip", "students", "xlsx", "id,class\nP-Секретова,C4A\n",
          "input.xlsx", None, None)
data_case("xlsx_legacy_xls", "students", "xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
          "input.xlsx", None, None)
buf = HERE / "data" / "_tmp.zip"
buf.parent.mkdir(parents=True, exist_ok=True)
with zipfile.ZipFile(buf, "w") as z:
    z.writestr(zipfile.ZipInfo("hello.txt", date_time=(2025, 1, 1, 0, 0, 0)), "P-Секретова")
data_case("xlsx_zip_without_workbook", "students", "xlsx", buf.read_bytes(), "input.xlsx",
          None, None)
buf.unlink()
# A "zip bomb": the directory declares 300 MiB for the sheet (the bytes are tiny; the size
# fields are patched), more than oko unpacks.
with zipfile.ZipFile(buf, "w") as z:
    z.writestr(zipfile.ZipInfo("xl/worksheets/sheet1.xml", date_time=(2025, 1, 1, 0, 0, 0)),
               "<worksheet/>")
bomb = bytearray(buf.read_bytes())
buf.unlink()
for sig, off in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)]:
    i = bomb.index(sig)
    bomb[i + off:i + off + 4] = (300 << 20).to_bytes(4, "little")
data_case("xlsx_zip_bomb", "students", "xlsx", bytes(bomb), "input.xlsx", None, None,
          message="unpacks to 300 MiB",
          note="declared sizes over 256 MiB are refused before unpacking")
# Found by fuzzing (kept in found/, which this script does not rewrite): a cell reference
# whose row overflows calamine's arithmetic (a panic with debug assertions).
emit({"file": "found/xlsx_dimension_overflow.xlsx", "kind": "data-xlsx", "table": "students",
      "code": "input.xlsx", "note": "fuzz/input_xlsx crash-b35f7180; calamine overflows"})


def xlsx(sheet_xml):
    """A minimal workbook with one sheet."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="students" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{sheet_xml}</sheetData></worksheet>",
    }
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), text)
    data = buf.read_bytes()
    buf.unlink()
    return data


def inline(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


# Two cells at opposite corners of Excel's grid: calamine's dense range would be 17 billion
# cells; the reader keeps cells sparse and reports the stray value.
data_case("xlsx_far_corner", "students", "xlsx",
          xlsx('<row r="1">' + inline("A1", "id") + inline("B1", "class") + "</row>"
               + '<row r="2">' + inline("A2", "P-Секретова") + inline("B2", "C4A") + "</row>"
               + '<row r="1048576">' + inline("XFD1048576", "Пупкин") + "</row>"),
          "input.ragged_row", 1048576, None, message="sheet column 16384")
data_case("xlsx_unknown_class", "students", "xlsx",
          xlsx('<row r="1">' + inline("B1", "id") + inline("C1", "class") + "</row>"
               + '<row r="3">' + inline("B3", "P-Секретова") + inline("C3", "C9Z") + "</row>"),
          "data.unknown_class", 3, "class", note="Excel row numbers survive a blank row 2")
real_xlsx = (HERE / ".." / "fixtures" / "input" / "results.xlsx").read_bytes()
data_case("xlsx_truncated", "students", "xlsx", real_xlsx[: len(real_xlsx) // 2], "input.xlsx",
          None, None)
data_case("procedure_given_twice", "results", "csv",
          csv_text(["student", "procedure", "primary_score"], [["P-Секретова", "vpr-4-rus", "7"]]),
          "input.option", None, "procedure", procedure="vpr-4-rus")
data_case("bad_mapping_file", "students", "csv", csv_text(["id", "class"], [["P01", "C4A"]]),
          "input.mapping", 1, None, mapping="data/bad_mapping.toml",
          note="the row is the mapping file's line")
write("data/bad_mapping.toml", "[students\nid = [\"ФИО\"]\n")
os.makedirs(HERE / "data" / "directory.csv", exist_ok=True)
(HERE / "data" / "directory.csv" / ".keep").write_text("a folder named like a table file\n")
emit({"file": "data/directory.csv", "kind": "data-csv", "table": "students", "code": "input.io"})

# Encodings with a data error inside: the location survives the decoding.
for enc, label in [("cp1251", "cp1251"), ("utf-16", "utf16"), ("utf-8-sig", "utf8_bom")]:
    text = csv_text(["id", "class"], [["P-Секретова", "C4A"], ["P-Пупкин", "C9Z"]], sep=";")
    data_case(f"unknown_class_{label}", "students", "csv", text.encode(enc),
              "data.unknown_class", 3, "class")
data_case("crlf_blank_lines_row_numbers", "results", "csv",
          "student,procedure,primary_score\r\n\r\nP-Секретова,vpr-4-rus,7\r\n\r\n"
          "P-Пупкин,vpr-4-rus,77\r\n",
          "data.score_above_max", 5, "primary_score")
data_case("quoted_newline_row_numbers", "students", "csv",
          'id,class\n"P-Секретова\nАнна",C4A\nP-Пупкин,C9Z\n', "data.unknown_class", 4, "class")
data_case("tab_separated", "marks", "csv",
          "student\tsubject\tyear\tperiod\tmark\nP-Секретова\trussian\t2025/26\tt1\t9\n",
          "data.mark_out_of_range", 2, "mark")

# --- cells: input.decimal ---------------------------------------------------------------

for name, text in [("decimal_words", "двенадцать"), ("decimal_two_separators", "1.234,5"),
                   ("decimal_bad_grouping", "12 34"), ("decimal_empty", "   "),
                   ("decimal_too_long", "1" * 40)]:
    write(f"cells/{name}.txt", text)
    emit({"file": f"cells/{name}.txt", "kind": "cell-decimal", "code": "input.decimal"})

# --- rules ------------------------------------------------------------------------------

HEAD = ('schema_version = 1\nid = "bad"\nversion = "1"\ntitle = { ru = "т", en = "t" }\n'
        'source = { document = "d" }\n')


def rule_file(body, params='{ gap = "15%", n = 2 }'):
    return (f"{HEAD}parameters = {params}\n\n[[rules]]\nid = \"r\"\nlevel = \"school\"\n"
            f"message = {{ ru = \"м\", en = \"m\" }}\n{body}\n")


def rules_case(name, text, code, at=None, nth=0, ext="toml", offset=0, **extra):
    rel = f"rules/{name}.{ext}"
    write(rel, text)
    c = {"file": rel, "kind": f"rules-{ext}", "code": code}
    if at is not None:
        line, col = locate(text, at, nth)
        c["line"] = line
        c["column"] = col + offset
    c.update(extra)
    emit(c)


# TOML syntax
rules_case("toml_unclosed_array", HEAD + "years = [\"2025/26\"\n", "rule.syntax",
           at='years = ["2025/26"', offset=18)
rules_case("toml_unterminated_string", HEAD + 'id2 = "open\n', "rule.syntax",
           at='"open', offset=5)
rules_case("toml_duplicate_key", HEAD + 'id = "again"\n', "rule.syntax", at='id = "again"')
rules_case("toml_bad_escape", HEAD + 'description = { ru = "\\q", en = "" }\n', "rule.syntax",
           at="q\"")
rules_case("toml_key_without_value", HEAD + "years =\n", "rule.syntax", at="years =", offset=7)
rules_case("toml_deep_nesting", HEAD + "x = " + "[" * 3000 + "]" * 3000 + "\n", "rule.syntax")
rules_case("toml_control_char", HEAD.replace('"d"', '"d\x01"'), "rule.syntax", at="\x01")
# JSON syntax
JHEAD = {"schema_version": 1, "id": "bad", "version": "1", "title": {"ru": "т", "en": "t"},
         "source": {"document": "d"}}
jtext = json.dumps(JHEAD, ensure_ascii=False)
rules_case("json_trailing_comma", jtext[:-1] + ",}", "rule.syntax", ext="json")
rules_case("json_single_quotes", jtext.replace('"bad"', "'bad'"), "rule.syntax", ext="json")
rules_case("json_comment", "// rules\n" + jtext, "rule.syntax", ext="json", at="/")
rules_case("json_truncated", jtext[:40], "rule.syntax", ext="json")
rules_case("json_deep_nesting", '{"parameters": {"p": ' + "[" * 3000 + "]" * 3000 + "}}", "rule.syntax",
           ext="json")
# schema
rules_case("schema_unknown_top_field", HEAD + 'colour = "red"\n', "rule.schema", at="colour")
rules_case("schema_unknown_rule_field",
           rule_file('when = "true"\nwehn = "false"'), "rule.schema", at="wehn")
rules_case("schema_wrong_type_version", HEAD.replace("schema_version = 1",
                                                     'schema_version = "1"'),
           "rule.schema", at='"1"')
rules_case("schema_missing_id", HEAD.replace('id = "bad"\n', ""), "rule.schema",
           at="schema_version")
rules_case("schema_rules_not_array", HEAD + 'rules = "all"\n', "rule.schema", at='"all"')
rules_case("schema_message_missing_en",
           rule_file('when = "true"').replace(', en = "m"', ""), "rule.schema", at='{ ru = "м" }')
rules_case("schema_band_priority_text",
           HEAD + '[[classifications]]\nid = "c"\ntitle = { ru = "к", en = "c" }\n'
           'level = "school"\nhit_policy = "priority"\n[[classifications.bands]]\n'
           'label = "x"\ntitle = { ru = "х", en = "x" }\nwhen = "true"\npriority = "high"\n',
           "rule.schema", at='"high"')
rules_case("json_schema_wrong_type", json.dumps({**JHEAD, "years": 2025}), "rule.schema",
           ext="json")
rules_case("json_schema_unknown_field", json.dumps({**JHEAD, "colour": "red"}), "rule.schema",
           ext="json")
rules_case("schema_version_2", HEAD.replace("schema_version = 1", "schema_version = 2"),
           "rule.schema_version", at="2")
rules_case("schema_version_0", HEAD.replace("schema_version = 1", "schema_version = 0"),
           "rule.schema_version", at="0")
# duplicates
rules_case("duplicate_rule_id",
           rule_file('when = "true"') + '\n[[rules]]\nid = "r"\nlevel = "school"\n'
           'when = "false"\nmessage = { ru = "", en = "" }\n',
           "rule.duplicate_id", at='"r"', nth=1)
CLASSIF = ('[[classifications]]\nid = "c"\ntitle = { ru = "к", en = "c" }\nlevel = "school"\n'
           'hit_policy = "first"\n')
# A classification over procedures, where indicators such as completion_rate exist.
CLASSIF_P = CLASSIF + 'scope = { source = "procedures" }\n'
BAND = '[[classifications.bands]]\nlabel = "{l}"\ntitle = {{ ru = "х", en = "x" }}\nwhen = "{w}"\n'
rules_case("duplicate_band_label",
           HEAD + CLASSIF + BAND.format(l="a", w="true") + BAND.format(l="a", w="false"),
           "rule.duplicate_id", at='"a"', nth=1)
rules_case("duplicate_ruleset_with_shipped",
           HEAD.replace('id = "bad"', 'id = "district-low-results"'), "rule.duplicate_id",
           at='"district-low-results"', with_shipped=True)
rules_case("duplicate_scale_differs",
           HEAD + '[[scales]]\nid = "vpr-russian-4"\nmax_score = 10\n'
           'bands = [{ mark = 2, min = 0, max = 4 }, { mark = 3, min = 5, max = 10 }]\n',
           "rule.duplicate_id", at='"vpr-russian-4"', with_shipped=True)
rules_case("duplicate_classification_and_rule_id",
           rule_file('when = "true"') + "\n" + CLASSIF.replace('id = "c"', 'id = "r"')
           + BAND.format(l="a", w="true"),
           "rule.duplicate_id", at='"r"', nth=1)
# invalid values
rules_case("invalid_level", rule_file('when = "true"').replace('"school"', '"planet"'),
           "rule.invalid_value", at='"planet"')
rules_case("invalid_severity", rule_file('when = "true"\nseverity = "fatal"'),
           "rule.invalid_value", at='"fatal"')
rules_case("invalid_scope_kind", rule_file('when = "true"\nscope = { kinds = ["exam"] }'),
           "rule.invalid_value", at='"exam"')
rules_case("invalid_scope_period",
           rule_file('when = "true"\nscope = { source = "marks", periods = ["q9"] }'),
           "rule.invalid_value", at='"q9"')
rules_case("invalid_scope_source", rule_file('when = "true"\nscope = { source = "journal" }'),
           "rule.invalid_value", at='"journal"')
rules_case("invalid_year_text", HEAD + 'years = ["прошлый"]\n', "rule.invalid_value",
           at='"прошлый"')
rules_case("invalid_hit_policy", HEAD + CLASSIF.replace('"first"', '"random"')
           + BAND.format(l="a", w="true"), "rule.invalid_value", at='"random"')
rules_case("invalid_parameter_nan", rule_file('when = "true"', params="{ gap = nan }"),
           "rule.invalid_value", at="nan")
rules_case("invalid_minimum_year",
           HEAD + '[[minimum_scores]]\nyear = "someday"\nscheme = "primary"\n'
           'subject = "russian"\nmin = 10\n', "rule.invalid_value", at='"someday"')
rules_case("invalid_scale_mark",
           HEAD + '[[scales]]\nid = "s"\nmax_score = 10\n'
           'bands = [{ mark = 7, min = 0, max = 10 }]\n', "rule.invalid_value", at="7")
rules_case("invalid_range_end",
           HEAD + CLASSIF_P + 'value = "completion_rate"\n[[classifications.bands]]\n'
           'label = "a"\ntitle = { ru = "х", en = "x" }\nrange = { from = "много" }\n',
           "rule.invalid_value", at="{ from")
# placeholders
rules_case("unknown_placeholder",
           rule_file('when = "true"').replace('ru = "м"', 'ru = "{nothing}"'),
           "rule.unknown_placeholder", at='"{nothing}"')
# bands
rules_case("band_when_and_range",
           HEAD + CLASSIF_P + 'value = "completion_rate"\n[[classifications.bands]]\n'
           'label = "a"\ntitle = { ru = "х", en = "x" }\nwhen = "true"\nrange = { from = "1" }\n',
           "rule.band_test", at="[[classifications.bands]]")
rules_case("band_without_test",
           HEAD + CLASSIF + '[[classifications.bands]]\nlabel = "a"\n'
           'title = { ru = "х", en = "x" }\n', "rule.band_test", at="[[classifications.bands]]")
rules_case("band_range_without_value",
           HEAD + CLASSIF + '[[classifications.bands]]\nlabel = "a"\n'
           'title = { ru = "х", en = "x" }\nrange = { from = "1" }\n', "rule.band_test",
           at="{ from")
# expressions
rules_case("expr_syntax_dangling", rule_file('when = "median_score >= "'), "rule.syntax",
           at='>= "', offset=3, note="points at the end of the expression")
rules_case("expr_syntax_paren", rule_file('when = "(median_score >= 1"'), "rule.syntax",
           at="(median")
rules_case("expr_syntax_char", rule_file('when = "median_score @ 1"'), "rule.syntax", at="@")
rules_case("expr_syntax_chained", rule_file('when = "1 < median_score < 3"'), "rule.syntax",
           at="< 3")
rules_case("expr_syntax_string", rule_file("when = 'category == \"open'"), "rule.syntax",
           at='"open')
rules_case("expr_unknown_name", rule_file('when = "medain_score > 1"'), "rule.unknown_name",
           at="medain_score")
rules_case("expr_unknown_function", rule_file('when = "sqrt(median_score) > 1"'),
           "rule.unknown_name", at="sqrt")
rules_case("expr_unknown_findings", rule_file("when = 'findings(\"nope\") > 0'"),
           "rule.unknown_name", at="findings")
rules_case("expr_unknown_param", rule_file('when = "median_score > param.nope"'),
           "rule.unknown_name", at="param.nope")
rules_case("expr_type_when_number", rule_file('when = "median_score + 1"'),
           "rule.type_mismatch", at='"median_score + 1"')
rules_case("expr_type_bool_plus", rule_file('when = "true + 1 > 0"'), "rule.type_mismatch",
           at="+ 1")
rules_case("expr_type_classification_value",
           HEAD + CLASSIF + 'value = "true"\n' + BAND.format(l="a", w="true"),
           "rule.type_mismatch", at='"true"\n')
rules_case("expr_type_band_when",
           HEAD + CLASSIF + BAND.format(l="a", w="1 + 1"), "rule.type_mismatch",
           at='"1 + 1"')
rules_case("unit_percent_vs_points",
           rule_file('when = "completion_rate - municipality.completion_rate >= param.gap"'),
           "rule.unit_mismatch", at=">= param")
rules_case("unit_number_vs_percent", rule_file('when = "median_score >= 15%"'),
           "rule.unit_mismatch", at=">= 15")
rules_case("unit_points_vs_percent", rule_file('when = "completion_rate >= 15pp"'),
           "rule.unit_mismatch", at=">= 15")
rules_case("expr_arity_abs", rule_file('when = "abs(1, 2) > 0"'), "rule.arity", at="abs")
rules_case("expr_arity_round", rule_file('when = "round(median_score) > 0"'), "rule.arity",
           at="round")
rules_case("expr_argument_round_digits", rule_file('when = "round(median_score, 1.5) > 0"'),
           "rule.argument", at="1.5")
rules_case("expr_argument_round_variable",
           rule_file('when = "round(median_score, median_score) > 0"'), "rule.argument",
           at="median_score)")
rules_case("expr_depth", rule_file('when = "' + "(" * 70 + "1" + ")" * 70 + ' > 0"'),
           "limit.expression_depth", at="(" * 6 + "1", note="at the 65th parenthesis")
# scales
SCALE = '[[scales]]\nid = "s"\nmax_score = 10\nbands = [{b}]\n'
rules_case("scale_gap", HEAD + SCALE.format(
    b="{ mark = 2, min = 0, max = 4 }, { mark = 3, min = 6, max = 10 }"), "rule.scale_gap",
    at="[{")
rules_case("scale_overlap", HEAD + SCALE.format(
    b="{ mark = 2, min = 0, max = 5 }, { mark = 3, min = 5, max = 10 }"), "rule.scale_overlap",
    at="[{")
rules_case("scale_not_monotonic", HEAD + SCALE.format(
    b="{ mark = 3, min = 0, max = 5 }, { mark = 2, min = 6, max = 10 }"),
    "rule.scale_not_monotonic", at="[{")
# limits (small enough to commit)
rules_case("items_values",
           rule_file('when = "true"\nvalues = { ' + ", ".join(
               f'v{i} = "1"' for i in range(101)) + " }"), "limit.items", at="{ v0")
rules_case("items_bands", HEAD + CLASSIF + "".join(
    BAND.format(l=f"b{i}", w="true") for i in range(101)), "limit.items",
    at="[[classifications.bands]]")
rules_case("message_too_long",
           rule_file('when = "true"').replace('ru = "м"', 'ru = "' + "м" * 9000 + '"'),
           "limit.message", at='"ммм')
rules_case("message_too_many_placeholders",
           rule_file('when = "true"').replace('ru = "м"', 'ru = "' + "{entity}" * 70 + '"'),
           "limit.message", at='"{entity}')
# lints are warnings: the file compiles
rules_case("lint_band_gap",
           HEAD + CLASSIF_P + 'value = "completion_rate"\notherwise = "x"\n'
           + '[[classifications.bands]]\nlabel = "a"\ntitle = { ru = "х", en = "x" }\n'
           'range = { to = "50" }\n[[classifications.bands]]\nlabel = "b"\n'
           'title = { ru = "х", en = "x" }\nrange = { from = "60" }\n',
           "lint.band_gap", level="warning")
rules_case("lint_band_overlap",
           HEAD + CLASSIF_P + 'value = "completion_rate"\n'
           + '[[classifications.bands]]\nlabel = "a"\ntitle = { ru = "х", en = "x" }\n'
           'range = { to = "60" }\n[[classifications.bands]]\nlabel = "b"\n'
           'title = { ru = "х", en = "x" }\nrange = { from = "50" }\n',
           "lint.band_overlap", level="warning")

# --- pathological sizes, generated by the runners ---------------------------------------
GENERATED = [
    ("rules-toml", "huge_file", "limit.file_size", "a 2 MiB rule file", {}),
    ("rules-toml", "many_rules", "limit.rules", "1001 rules", {}),
    ("rules-toml", "deep_parens", "limit.expression_depth", "20 000 nested parentheses", {}),
    ("rules-toml", "many_nodes", "limit.expression_nodes", "min(1, 1, ...) with 5001 arguments", {}),
    ("rules-toml", "long_expression", "limit.expression_size", "a 70 KiB expression", {}),
    ("rules-toml", "deep_not", "limit.expression_depth", "`not not ... true`, 10 000 deep", {}),
    ("rules-toml", "deep_toml_tables", "rule.syntax", "a.a.a... 100 000 dotted keys deep", {}),
    ("rules-json", "deep_json", "rule.syntax", "100 000 nested JSON arrays", {}),
    ("rules-toml", "many_placeholders", "limit.message", "100 000 placeholders in a message", {}),
    ("data-csv", "huge_cell", "limit.cell_size", "one 1 MiB cell", {"row": 3, "column": "id"}),
    ("data-csv", "many_columns", "limit.columns", "100 000 context columns in schools", {}),
    ("data-csv", "many_rows_limited", "limit.rows", "10 001 rows, limit 10 000",
     {"row": 10002, "max_rows_per_table": 10000}),
    ("data-csv", "long_id", "limit.id_length", "a 10 KB id", {"row": 3, "column": "id"}),
    ("data-json", "many_procedures", "limit.scopes", "10 001 procedures",
     {"row": 10001, "column": "id"}),
    ("data-json", "class_scope_cells", "limit.class_scopes",
     "5 000 procedures x 20 000 classes, beyond DataLimits::max_class_scope_cells", {}),
]
for kind, gen, code, note, extra in GENERATED:
    emit({"generate": gen, "kind": kind, "code": code, **extra, "note": note})


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return toml_str(v)


def main():
    for table, rows in BASE.items():
        write(f"base/{table}.json", json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    kinds = {}
    for c in cases:
        kinds[c["kind"]] = kinds.get(c["kind"], 0) + 1
    out = ["# Malformed inputs and the errors they must give. Written by make_cases.py;",
           "# run by cli/tests/bad_inputs.rs (all) and bindings-python/tests/test_bad_inputs.py",
           "# (cases with core_code). Fields:",
           "#   file | generate   the input (relative to this folder) or a generator the runner expands",
           "#   kind              rules-toml, rules-json, data-csv, data-json, data-xlsx, cell-decimal",
           "#   code              the stable code the CLI / compiler gives",
           "#   line, column      rules: where the error points (1-based, characters)",
           "#   table             data: the table the file replaces in base/",
           "#   row, column       data: the file's row (CSV line, JSON record, Excel row) and header",
           "#   first_row         data: for duplicates, the file row of the first occurrence",
           "#   core_code, core_row, core_column   what the core builder (and the bindings) give",
           "#                     for the same rows given as a list of records",
           "#   level = warning   a lint: the file compiles with this warning",
           "#   message           a piece of text the error's message must contain",
           "#   with_shipped      compile after the shipped rules in rules/",
           "#   procedure, mapping, encoding, max_rows_per_table, max_subjects   load options",
           f"# Counts by kind: {json.dumps(kinds, sort_keys=True)}; total {len(cases)}.",
           "",
           f"secrets = {toml_value(SECRETS)}",
           ""]
    for c in cases:
        out.append("[[case]]")
        for k, v in c.items():
            if v is None:
                continue
            out.append(f"{k} = {toml_value(v)}")
        out.append("")
    (HERE / "manifest.toml").write_text("\n".join(out), encoding="utf-8")
    print(f"{len(cases)} cases: {kinds}")


main()
