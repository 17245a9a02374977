"""Every public item is documented, and help(oko) is a useful map."""

from __future__ import annotations

import inspect
import pydoc

import oko


def public_items() -> list[tuple[str, object]]:
    items: list[tuple[str, object]] = []
    for name in oko.__all__:
        obj = getattr(oko, name)
        if name == "__version__":
            continue
        items.append((name, obj))
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") or attr in ("_repr_html_", "__arrow_c_stream__"):
                    items.append((f"{name}.{attr}", member))
    return items


def test_every_public_item_has_a_docstring() -> None:
    missing = [
        name for name, obj in public_items() if not (getattr(obj, "__doc__", "") or "").strip()
    ]
    assert missing == []


def test_help_is_a_map_of_the_package() -> None:
    text = pydoc.render_doc(oko, renderer=pydoc.TextDoc())
    for word in ("Dataset.from_tables", "aggregate", "shipped_rules", "load_rules", "evaluate",
                 "Evaluation.explain", "set_language", "RuleError", "decimal.Decimal"):
        assert word in text, word
    for name in ("Rules", "Evaluation", "View"):
        assert getattr(oko, name).__module__ == "oko"
