"""oko: education-quality indicators and rules for Russian schools, in notebooks.

Data in
    :meth:`Dataset.from_tables` builds a dataset from tables (pyarrow, pandas, polars or
    lists of dicts); :func:`generate` makes a synthetic district with planted anomalies.

Indicators
    :func:`aggregate` computes every indicator at every level (class, grade, teacher,
    school, municipality, region); read them with :meth:`Indicators.to_pandas`,
    :meth:`Indicators.to_polars`, :meth:`Indicators.to_arrow` or :meth:`Indicators.value`.
    :func:`indicator_catalogue` documents each indicator.

Rules
    :func:`shipped_rules` loads the rulesets shipped with oko; :func:`load_rules`,
    :meth:`Rules.from_path`, :meth:`Rules.from_string` and :meth:`Rules.from_dict` load
    your own (TOML, JSON or a dict), several together. :func:`evaluate` runs them over a
    dataset into an :class:`Evaluation`: findings, labels and undetermined outcomes with
    their evidence, as pyarrow tables (:attr:`Evaluation.findings`, ...), per entity
    (:meth:`Evaluation.explain`), as the core's JSON (:meth:`Evaluation.to_json`) or as
    notebook tables (:meth:`Evaluation.view`) in Russian or English
    (:func:`set_language`).

Values are exact decimals (``decimal.Decimal``, or decimal128 in Arrow); nothing goes
through floats. Errors are :class:`OkoError` subclasses (:class:`DataError`,
:class:`RuleError`, :class:`LimitError`) with a stable ``code``, a ``location`` and every
problem in ``errors``; their messages never contain cell values.

Example::

    import oko
    g = oko.generate("district", seed=1)
    ev = oko.evaluate(oko.shipped_rules(), g.dataset)
    ev.labels.to_pandas()                 # control and risk groups
    ev.explain("school", "S0010")         # why this school is flagged
"""

from ._oko import (
    DataError,
    Dataset,
    Evaluation,
    Generated,
    Indicators,
    LimitError,
    OkoError,
    RuleError,
    Rules,
    View,
    __version__,
    aggregate,
    evaluate,
    generate,
    get_language,
    indicator_catalogue,
    load_rules,
    set_language,
    shipped_rules,
)

__all__ = [
    "DataError",
    "Dataset",
    "Evaluation",
    "Generated",
    "Indicators",
    "LimitError",
    "OkoError",
    "RuleError",
    "Rules",
    "View",
    "__version__",
    "aggregate",
    "evaluate",
    "generate",
    "get_language",
    "indicator_catalogue",
    "load_rules",
    "set_language",
    "shipped_rules",
]
