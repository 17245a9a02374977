"""Type stubs of the native module ``oko._oko`` (checked by ``mypy.stubtest``)."""

from decimal import Decimal
from os import PathLike
from typing import Any, Literal, Optional, Union, final

import pyarrow

__version__: str
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

_Preset = Literal["tiny", "district", "region"]
_Policy = Literal["strict", "lenient"]
# A pyarrow Table or RecordBatch, a pandas or polars DataFrame, any object with
# ``__arrow_c_stream__`` or ``__arrow_c_array__``, or a list of dicts.
_TableInput = Union[Any, list[dict[str, Any]]]
_Lang = Literal["ru", "en"]
_Format = Literal["toml", "json"]
_TableName = Literal[
    "findings", "labels", "undetermined", "summary", "warnings", "rejected_rows"
]
_Level = Literal["class", "grade", "teacher", "school", "municipality", "region"]
# A rule file path, a ruleset as a dict, or compiled Rules.
_RuleInput = Union[str, "PathLike[str]", dict[str, Any], "Rules"]

class OkoError(Exception):
    """Base class of every oko error (``code``, ``location``, ``errors``).

    ``location`` is ``{"table", "row", "column"}`` for data errors and
    ``{"file", "line", "column", "path"}`` for rule errors.
    """

    code: str
    location: Optional[dict[str, Any]]
    errors: list[dict[str, Any]]

class DataError(OkoError):
    """Bad input data (codes ``data.*``)."""

class RuleError(OkoError):
    """A rule file that cannot be used (codes ``rule.*``); ``errors`` lists every problem."""

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
        muko_evidence: Optional[_TableInput] = None,
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

@final
class Rules:
    """Compiled rulesets, ready for :func:`evaluate`."""

    @staticmethod
    def from_path(path: Union[str, PathLike[str]]) -> Rules:
        """Loads one rule file (JSON when it ends in ``.json``, TOML otherwise)."""

    @staticmethod
    def from_string(
        text: str,
        name: str = "<string>",
        format: _Format = "toml",
        base: Optional[Rules] = None,
    ) -> Rules:
        """Compiles rule text."""

    @staticmethod
    def from_dict(d: dict[str, Any], name: str = "<dict>") -> Rules:
        """Compiles a ruleset given as a dict (serialised to JSON)."""

    @property
    def rulesets(self) -> list[dict[str, Any]]:
        """The rulesets, in load order, with their parameters."""

    @property
    def rules(self) -> list[dict[str, Any]]:
        """Rules and classifications in evaluation order."""

    @property
    def warnings(self) -> list[dict[str, Any]]:
        """Warnings of the compiler (``lint.*``)."""

    @property
    def sources(self) -> list[dict[str, str]]:
        """The sources compiled: ``name``, ``format``, ``text``."""

    def __add__(self, other: Rules, /) -> Rules:
        """Both sets loaded together, this one first."""

    def __radd__(self, other: Rules, /) -> Rules:
        """Both sets loaded together, ``other`` first."""

    def _repr_html_(self) -> str:
        """The rulesets as an HTML table."""

@final
class Evaluation:
    """The result of :func:`evaluate`: findings, labels, undetermined outcomes, evidence."""

    @property
    def findings(self) -> pyarrow.Table:
        """Findings, one row each."""

    @property
    def labels(self) -> pyarrow.Table:
        """Labels given by classifications, one row each."""

    @property
    def undetermined(self) -> pyarrow.Table:
        """Outcomes that could not be decided, and why."""

    @property
    def summary(self) -> pyarrow.Table:
        """Per-rule counts."""

    @property
    def warnings(self) -> pyarrow.Table:
        """Rule warnings."""

    @property
    def rejected_rows(self) -> pyarrow.Table:
        """Data rows skipped under the lenient policy."""

    @property
    def indicators(self) -> Indicators:
        """Every indicator value of the evaluated dataset."""

    @property
    def min_sample(self) -> int:
        """The minimum sample used."""

    def table(self, name: _TableName) -> pyarrow.Table:
        """A table by name."""

    def to_pandas(self, name: _TableName = "findings") -> Any:
        """A table by name as a pandas DataFrame."""

    def to_polars(self, name: _TableName = "findings") -> Any:
        """A table by name as a polars DataFrame."""

    def explain(
        self, level: _Level, entity_id: str, scope: Optional[str] = None
    ) -> dict[str, Any]:
        """An entity's findings, labels and undetermined outcomes with their evidence."""

    def to_json(self) -> str:
        """The report as the core serialises it."""

    def view(
        self, name: _TableName = "findings", lang: Optional[_Lang] = None, limit: int = 50
    ) -> View:
        """A table for notebooks."""

    def to_html(self, lang: Optional[_Lang] = None, limit: int = 20) -> str:
        """The evaluation as HTML."""

    def _repr_html_(self) -> str:
        """An HTML summary for notebooks."""

@final
class View:
    """One table of an evaluation, displayed as HTML in notebooks."""

    @property
    def name(self) -> str:
        """The table's name."""

    @property
    def table(self) -> pyarrow.Table:
        """The rows as a pyarrow Table."""

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame."""

    def to_polars(self) -> Any:
        """The rows as a polars DataFrame."""

    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object:
        """The Arrow PyCapsule stream of the rows."""

    def to_html(self) -> str:
        """The HTML table."""

    def _repr_html_(self) -> str:
        """The HTML table."""

    def __len__(self) -> int: ...

def load_rules(*sources: _RuleInput) -> Rules:
    """Loads rule files, dicts and Rules together, in order, as one set."""

def shipped_rules() -> Rules:
    """The rulesets shipped with oko."""

def evaluate(
    rules: Rules,
    dataset: Dataset,
    min_sample: int = 10,
    *,
    pseudonymise_key: Optional[bytes] = None,
) -> Evaluation:
    """Evaluates rules over a dataset."""

def set_language(lang: _Lang) -> None:
    """Sets the language of notebook tables."""

def get_language() -> _Lang:
    """The language of notebook tables."""
