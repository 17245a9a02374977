"""Type stubs of the native module ``oko._oko`` (checked by ``mypy.stubtest``)."""

from decimal import Decimal
from typing import Any, Literal, Optional, Union, final

import pyarrow

__version__: str
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

_Preset = Literal["tiny", "district", "region"]
_Policy = Literal["strict", "lenient"]
# A pyarrow Table or RecordBatch, a pandas or polars DataFrame, any object with
# ``__arrow_c_stream__`` or ``__arrow_c_array__``, or a list of dicts.
_TableInput = Union[Any, list[dict[str, Any]]]

class OkoError(Exception):
    """Base class of every oko error (``code``, ``location``, ``errors``)."""

    code: str
    location: Optional[dict[str, Any]]
    errors: list[dict[str, Any]]

class DataError(OkoError):
    """Bad input data (codes ``data.*``)."""

class RuleError(OkoError):
    """A rule or scale that cannot be used (codes ``rule.*``)."""

class LimitError(OkoError):
    """A configured size limit was exceeded (codes ``limit.*``)."""

@final
class Dataset:
    """A validated dataset."""

    @staticmethod
    def from_tables(
        *,
        municipalities: Optional[_TableInput] = None,
        schools: Optional[_TableInput] = None,
        classes: Optional[_TableInput] = None,
        teachers: Optional[_TableInput] = None,
        assignments: Optional[_TableInput] = None,
        students: Optional[_TableInput] = None,
        procedures: Optional[_TableInput] = None,
        results: Optional[_TableInput] = None,
        marks: Optional[_TableInput] = None,
        trainings: Optional[_TableInput] = None,
        competency_tests: Optional[_TableInput] = None,
        policy: _Policy = "strict",
    ) -> Dataset:
        """Builds a dataset from tables with oko's canonical columns."""

    @property
    def counts(self) -> dict[str, int]:
        """Rows kept in each table."""

    @property
    def rejected(self) -> list[dict[str, Any]]:
        """Rows skipped under the lenient policy."""

    @property
    def ignored_columns(self) -> dict[str, list[str]]:
        """Columns present in the input that oko does not read, by table."""

    @property
    def context_fields(self) -> list[str]:
        """Names of the schools' context fields."""

    def tables(self) -> dict[str, pyarrow.Table]:
        """The data as pyarrow Tables with the canonical columns."""

@final
class Indicators:
    """Indicator values at every level and scope."""

    def to_arrow(self) -> pyarrow.Table:
        """All values as a pyarrow Table."""

    def to_pandas(self) -> Any:
        """All values as a pandas DataFrame."""

    def to_polars(self) -> Any:
        """All values as a polars DataFrame."""

    def value(
        self, level: str, entity_id: str, scope_label: str, indicator: str
    ) -> Optional[Decimal]:
        """The exact value of an indicator for an entity in a scope."""

    @property
    def scopes(self) -> list[str]:
        """The scope labels."""

    @property
    def min_sample(self) -> int:
        """The minimum sample used."""

    def __len__(self) -> int: ...
    def _repr_html_(self) -> str:
        """An HTML summary for notebooks."""

@final
class Generated:
    """A generated dataset with what was planted in it."""

    @property
    def dataset(self) -> Dataset:
        """The generated dataset."""

    @property
    def truth(self) -> dict[str, Any]:
        """What was planted."""

    @property
    def config(self) -> dict[str, Any]:
        """The generator's configuration."""

    def tables(self) -> dict[str, pyarrow.Table]:
        """The generated data as pyarrow Tables."""

def aggregate(dataset: Dataset, min_sample: int = 10) -> Indicators:
    """Aggregates every indicator of a dataset at every level and scope."""

def generate(
    preset: _Preset = "district", seed: int = 1, **overrides: Union[bool, int, float]
) -> Generated:
    """Generates a synthetic district with planted anomalies."""

def indicator_catalogue() -> list[dict[str, str]]:
    """The built-in indicators."""
