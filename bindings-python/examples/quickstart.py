"""Quick start: the shipped rules over a generated district, the flagged schools and why.

Run: ``python examples/quickstart.py`` (after ``pip install ./bindings-python``).
"""

from __future__ import annotations

from decimal import Decimal

import oko


def main() -> None:
    """Evaluates, prints the flagged schools and explains the first one."""
    generated = oko.generate("district", seed=1)  # 24 schools with planted anomalies
    rules = oko.shipped_rules()  # scales-2025, district-low-results, ...
    evaluation = oko.evaluate(rules, generated.dataset)
    print(evaluation)

    labels: list[dict[str, object]] = evaluation.labels.to_pylist()
    for row in labels:
        print(f"{row['entity']}  {row['entity_name']}: {row['title_ru']} / {row['title_en']}")

    risk = [row for row in labels if row["label"] == "risk_group"]
    if risk:
        school = str(risk[0]["entity"])
        why = evaluation.explain("school", school)
        print(f"\nWhy {school} ({why['name']}) is in the risk group:")
        for finding in why["findings"]:
            print(" -", finding["message"]["en"])
            for e in finding["evidence"]:
                value = e["value"]
                assert value is None or isinstance(value, (Decimal, bool, str))
                print(f"     {e['name']} = {value}" + (f" (n = {e['n']})" if e["n"] else ""))

    # The exact report, as every oko front end writes it.
    text = evaluation.to_json()
    print(f"\nreport: {len(text)} bytes of JSON")


if __name__ == "__main__":
    main()
