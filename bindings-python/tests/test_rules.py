"""oko.Rules, oko.load_rules, oko.shipped_rules: every way in, and RuleError / LimitError."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import oko
from conftest import REPO

RULESET = """schema_version = 1
id = "demo"
version = "1"
title = { ru = "Демо", en = "Demo" }
source = { document = "DOMAIN.md", clause = "T7" }
parameters = { gap = "15%" }

[[rules]]
id = "low_completion"
level = "school"
scope = { kinds = ["vpr"] }
when = "rel_gap(completion_rate, municipality.completion_rate) >= param.gap"
message = { ru = "{completion_rate} против {municipality.completion_rate}", en = "{completion_rate} vs {municipality.completion_rate}" }
"""

# Two problems at once: an unknown indicator and an unknown parameter.
BROKEN = """schema_version = 1
id = "broken"
version = "1"
title = { ru = "Сломано", en = "Broken" }
source = { document = "test" }

[[rules]]
id = "a"
level = "school"
when = "no_such_indicator > 1"
message = { ru = "a", en = "a" }

[[rules]]
id = "b"
level = "school"
when = "completion_rate > param.missing"
message = { ru = "b", en = "b" }
"""


def as_dict() -> dict[str, Any]:
    """RULESET as the dict a notebook would write."""
    return {
        "schema_version": 1,
        "id": "demo-dict",
        "version": "1",
        "title": {"ru": "Демо", "en": "Demo"},
        "source": {"document": "DOMAIN.md"},
        "parameters": {"gap": "15%", "share": Decimal("0.15"), "float": 0.1, "on": True},
        "rules": [
            {
                "id": "low_completion",
                "level": "school",
                "when": "rel_gap(completion_rate, municipality.completion_rate) >= param.gap",
                "message": {"ru": "{completion_rate}", "en": "{completion_rate}"},
            }
        ],
    }


def test_shipped_rules_are_every_rule_file_of_the_repository() -> None:
    rules = oko.shipped_rules()
    files = sorted(f"rules/{p.name}" for p in (REPO / "rules").glob("*.toml"))
    assert sorted(s["name"] for s in rules.sources) == files
    assert [r["file"] for r in rules.rulesets] == [s["name"] for s in rules.sources]
    for s in rules.sources:
        assert s["format"] == "toml"
        assert s["text"] == (REPO / s["name"]).read_text(encoding="utf-8")
    ids = [r["id"] for r in rules.rulesets]
    assert ids[0] == "scales-2025"  # scales first
    assert "district-low-results" in ids
    assert rules.warnings == []


def test_ruleset_metadata_is_exact() -> None:
    rules = oko.shipped_rules()
    dlr = next(r for r in rules.rulesets if r["id"] == "district-low-results")
    assert dlr["version"] == "1.0.0"
    assert dlr["title"]["ru"].startswith("Школы")
    assert dlr["source"]["clause"] == "2.2.1"
    assert dlr["years"] == ["2025/26"]
    gap = next(p for p in dlr["parameters"] if p["name"] == "relative_gap")
    assert gap["value"] == Decimal("15") and isinstance(gap["value"], Decimal)
    assert gap["unit"] == "percent"
    assert gap["doc"] and gap["source"]
    kinds = {(r["id"], r["kind"]) for r in rules.rules}
    assert ("low_results", "rule") in kinds
    assert ("school_group", "classification") in kinds
    assert "school" in {r["level"] for r in rules.rules}


def test_from_string_toml_and_json() -> None:
    r = oko.Rules.from_string(RULESET, name="demo.toml")
    assert [x["id"] for x in r.rulesets] == ["demo"]
    assert r.rulesets[0]["file"] == "demo.toml"
    assert r.rulesets[0]["parameters"] == [
        {"name": "gap", "value": Decimal("15"), "unit": "percent", "doc": None, "source": None}
    ]
    text = json.dumps(as_dict(), default=str)
    j = oko.Rules.from_string(text, name="demo.json", format="json")
    assert j.rulesets[0]["id"] == "demo-dict"
    assert oko.Rules.from_string(RULESET).rulesets[0]["file"] == "<string>"
    with pytest.raises(ValueError, match="format"):
        oko.Rules.from_string(RULESET, format="yaml")  # type: ignore[arg-type]


def test_from_path_reads_toml_and_json(tmp_path: Path) -> None:
    toml_path = tmp_path / "demo.toml"
    toml_path.write_text(RULESET, encoding="utf-8")
    json_path = tmp_path / "demo.JSON"
    json_path.write_text(json.dumps(as_dict(), default=str), encoding="utf-8")
    for p in (toml_path, str(toml_path)):
        r = oko.Rules.from_path(p)
        assert r.rulesets[0]["file"] == str(toml_path)
        assert r.sources[0]["format"] == "toml"
    r = oko.Rules.from_path(json_path)
    assert r.rulesets[0]["id"] == "demo-dict"
    assert r.sources[0]["format"] == "json"
    with pytest.raises(FileNotFoundError):
        oko.Rules.from_path(tmp_path / "missing.toml")


def test_from_dict_keeps_decimals_exact() -> None:
    r = oko.Rules.from_dict(as_dict())
    params = {p["name"]: p for p in r.rulesets[0]["parameters"]}
    assert params["share"]["value"] == Decimal("0.15")
    assert params["float"]["value"] == Decimal("0.1")  # shortest repr, not binary
    assert params["on"]["value"] is True and params["on"]["unit"] == "bool"
    assert r.rulesets[0]["file"] == "<dict>"
    assert r.sources[0]["format"] == "json"
    assert json.loads(r.sources[0]["text"])["parameters"]["share"] == "0.15"
    assert oko.Rules.from_dict(as_dict(), name="mine").rulesets[0]["file"] == "mine"


def test_from_dict_rejects_what_json_cannot_hold() -> None:
    with pytest.raises(TypeError, match="dict"):
        oko.Rules.from_dict([1, 2])  # type: ignore[arg-type]
    bad = as_dict()
    bad["parameters"]["odd"] = {1, 2}
    with pytest.raises(TypeError, match="parameters.odd"):
        oko.Rules.from_dict(bad)
    bad = as_dict()
    bad["parameters"]["nan"] = float("nan")
    with pytest.raises(ValueError, match="finite"):
        oko.Rules.from_dict(bad)
    bad = as_dict()
    bad["parameters"]["nan"] = Decimal("NaN")
    with pytest.raises(ValueError, match="finite"):
        oko.Rules.from_dict(bad)


def test_from_dict_errors_point_at_the_key() -> None:
    d = as_dict()
    d["rules"][0]["when"] = "completion_rate > param.nope"
    with pytest.raises(oko.RuleError) as e:
        oko.Rules.from_dict(d)
    assert e.value.location is not None
    assert e.value.location["file"] == "<dict>"
    assert e.value.location["path"] == "rules[0].when"


def test_load_rules_combines_in_order(tmp_path: Path) -> None:
    path = tmp_path / "demo.toml"
    path.write_text(RULESET, encoding="utf-8")
    r = oko.load_rules(oko.shipped_rules(), path, as_dict())
    ids = [x["id"] for x in r.rulesets]
    assert ids[-2:] == ["demo", "demo-dict"]
    assert ids[0] == "scales-2025"
    assert [s["name"] for s in r.sources][-2:] == [str(path), "<dict>"]
    assert oko.load_rules(str(path)).rulesets[0]["id"] == "demo"
    empty = oko.load_rules()
    assert empty.rulesets == [] and empty.rules == []


def test_plus_loads_both() -> None:
    a = oko.shipped_rules()
    b = oko.Rules.from_string(RULESET)
    c = a + b
    assert [x["id"] for x in c.rulesets] == [x["id"] for x in a.rulesets] + ["demo"]
    with pytest.raises(TypeError):
        a + 1  # type: ignore[operator]
    # The same ruleset twice is a duplicate id.
    with pytest.raises(oko.RuleError) as e:
        b + b
    assert e.value.code == "rule.duplicate_id"


def test_load_rules_rejects_text_and_other_types() -> None:
    with pytest.raises(ValueError, match="from_string"):
        oko.load_rules(RULESET)
    with pytest.raises(TypeError, match="paths"):
        oko.load_rules(42)  # type: ignore[arg-type]


def test_later_rulesets_count_earlier_findings() -> None:
    counting = """schema_version = 1
id = "counting"
version = "1"
title = { ru = "Счёт", en = "Count" }
source = { document = "test" }
[[classifications]]
id = "flagged"
title = { ru = "Отмечена", en = "Flagged" }
level = "school"
hit_policy = "first"
[[classifications.bands]]
label = "yes"
title = { ru = "да", en = "yes" }
when = 'findings("demo.low_completion") >= 1'
"""
    with pytest.raises(oko.RuleError):
        oko.Rules.from_string(counting)  # nothing to count on its own
    demo = oko.Rules.from_string(RULESET)
    both = oko.Rules.from_string(counting, name="counting.toml", base=demo)
    assert [x["id"] for x in both.rulesets] == ["demo", "counting"]
    assert [x["name"] for x in both.sources] == ["<string>", "counting.toml"]
    ev = oko.evaluate(both, oko.generate("district", seed=1).dataset)
    flagged = {f["entity"] for f in ev.findings.to_pylist()}
    labelled = {x["entity"] for x in ev.labels.to_pylist() if x["label"] == "yes"}
    assert flagged and labelled == flagged


def test_rule_error_lists_every_problem_with_its_location() -> None:
    with pytest.raises(oko.RuleError) as e:
        oko.Rules.from_string(BROKEN, name="broken.toml")
    err = e.value
    assert isinstance(err, oko.OkoError)
    assert err.code.startswith("rule.")
    assert err.location is not None
    assert set(err.location) == {"file", "line", "column", "path"}
    assert err.location["file"] == "broken.toml"
    assert err.location["path"] == "rules[0].when"
    assert err.location["line"] == 10
    assert isinstance(err.location["column"], int)
    assert len(err.errors) >= 2
    assert [x["location"]["path"] for x in err.errors][:2] == ["rules[0].when", "rules[1].when"]
    for x in err.errors:
        assert set(x) == {"code", "level", "location", "message", "snippet"}
        assert x["level"] == "error"
        assert x["snippet"] and "^" in x["snippet"]
    text = str(err)
    assert "broken.toml:10:" in text and "^" in text and "2 error(s)" in text


def test_syntax_error_in_toml_and_json() -> None:
    with pytest.raises(oko.RuleError) as e:
        oko.Rules.from_string("id = = 1\n", name="s.toml")
    assert e.value.code == "rule.syntax"
    assert e.value.location is not None and e.value.location["line"] == 1
    with pytest.raises(oko.RuleError) as e:
        oko.Rules.from_string('{"id": ', name="s.json", format="json")
    assert e.value.code == "rule.syntax"


def test_schema_error() -> None:
    with pytest.raises(oko.RuleError) as e:
        oko.Rules.from_string('schema_version = 1\nid = "x"\n')
    assert e.value.code == "rule.schema"


def test_limit_error_for_an_oversized_file() -> None:
    with pytest.raises(oko.LimitError) as e:
        oko.Rules.from_string("#" * (1 << 20) + "\n" + RULESET, name="big.toml")
    assert e.value.code == "limit.file_size"
    assert isinstance(e.value, oko.OkoError)
    assert not isinstance(e.value, oko.RuleError)
    assert e.value.location is not None and e.value.location["file"] == "big.toml"
    assert e.value.errors[0]["code"] == "limit.file_size"


def test_limit_error_for_too_many_rules() -> None:
    rule = (
        '[[rules]]\nid = "r{i}"\nlevel = "school"\nwhen = "completion_rate > 1"\n'
        'message = {{ ru = "m", en = "m" }}\n'
    )
    text = RULESET.split("[[rules]]")[0] + "".join(rule.format(i=i) for i in range(1001))
    with pytest.raises(oko.LimitError) as e:
        oko.Rules.from_string(text)
    assert e.value.code == "limit.rules"


def test_lint_warnings_do_not_fail() -> None:
    gap = RULESET + """
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
range = { from = "60%" }
"""
    r = oko.Rules.from_string(gap, name="gap.toml")
    assert [w["code"] for w in r.warnings] == ["lint.band_gap"]
    w = r.warnings[0]
    assert w["level"] == "warning"
    assert w["location"]["file"] == "gap.toml"


def test_repr_and_html(shipped: oko.Rules) -> None:
    assert repr(shipped).startswith("Rules([scales-2025 ")
    html = shipped._repr_html_()
    assert "Наборы правил" in html and "district-low-results" in html
    oko.set_language("en")
    html = shipped._repr_html_()
    assert "Rulesets" in html and "Schools with low educational results" in html


def test_docstrings() -> None:
    for obj in (oko.Rules, oko.load_rules, oko.shipped_rules, oko.Rules.from_dict):
        assert obj.__doc__ and len(obj.__doc__) > 40
