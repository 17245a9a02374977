"""The Python example of the repository's README.md runs and prints what the README shows."""

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n## The Python package\n")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end >= 0 else None]


def fenced(text: str, lang: str) -> str:
    m = re.search("```" + lang + r"\n(.*?)```", text, re.S)
    assert m, f"a ```{lang} block"
    return m.group(1)


def test_readme_example_prints_what_the_readme_shows() -> None:
    s = section()
    code = fenced(s, "python")
    assert len([line for line in code.splitlines() if line.strip()]) <= 10, "about ten lines"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout
    assert out == fenced(s[s.index("```python") :], "text")
