"""oko: education-quality indicators for Russian schools, in notebooks.

Build a :class:`Dataset` from tables (pyarrow, pandas, polars or lists of dicts) with
:meth:`Dataset.from_tables`, or generate a synthetic district with :func:`generate`;
compute every indicator at every level with :func:`aggregate`; read the values with
:meth:`Indicators.to_pandas`, :meth:`Indicators.to_polars`, :meth:`Indicators.to_arrow` or
:meth:`Indicators.value`. :func:`indicator_catalogue` documents each indicator.

Values are exact decimals (``decimal.Decimal``); nothing goes through floats. Errors are
:class:`OkoError` subclasses with a stable ``code`` and a ``location``; their messages never
contain cell values.

Example::

    import oko
    g = oko.generate("tiny", seed=1)
    ind = oko.aggregate(g.dataset)
    ind.value("region", "region", ind.scopes[0], "pass_rate")
"""

from ._oko import (
    DataError,
    Dataset,
    Generated,
    Indicators,
    LimitError,
    OkoError,
    RuleError,
    __version__,
    aggregate,
    generate,
    indicator_catalogue,
)

__all__ = [
    "DataError",
    "Dataset",
    "Generated",
    "Indicators",
    "LimitError",
    "OkoError",
    "RuleError",
    "__version__",
    "aggregate",
    "generate",
    "indicator_catalogue",
]
