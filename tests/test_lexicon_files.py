"""The word lists the planner and the catalog reader load are words: YAML 1.1 reads a bare ``on``,
``off``, ``yes`` or ``no`` as a boolean, and a cue read as ``False`` silently never matches ("on the
reef" as a place, "no" as a negation cue). Every list item in every lexicon file is a string."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

_ROOT = Path(__file__).resolve().parents[1]
_FILES = sorted(
    [
        *(_ROOT / "assistant" / "plan" / "lexicons").glob("*.yaml"),
        *(_ROOT / "retrieval" / "data").glob("*.yaml"),
    ]
)


def _not_words(node: object, path: str) -> list[str]:
    if isinstance(node, dict):
        return [bad for key, value in node.items() for bad in _not_words(value, f"{path}.{key}")]
    if isinstance(node, list):
        found: list[str] = []
        for i, item in enumerate(node):
            if isinstance(item, (bool, type(None))):
                found.append(f"{path}[{i}]={item!r}")
            else:
                found.extend(_not_words(item, f"{path}[{i}]"))
        return found
    return []


def test_there_are_lexicon_files() -> None:
    assert len(_FILES) >= 5


@pytest.mark.parametrize("path", _FILES, ids=lambda p: p.name)
def test_every_listed_item_is_a_word(path: Path) -> None:
    assert _not_words(yaml.safe_load(path.read_text("utf-8")), path.name) == []
