"""Prose a pack writes for people, checked for its Chinese (``missing_zh``).

Chinese is the first language of every text an officer, a party or the public reads (issue #12): a
pack's prose (assumptions, a benchmark's reasons, labels, titles, names) is a plain text, which is
the Chinese, or ``{zh: …, en: …}`` with ``zh`` required. This module walks the data a pack file
wrote and reports each such text whose Chinese is missing: ``{en: …}`` alone, or a text that is not
Chinese (more Latin letters than Chinese characters: an English sentence quoting a Chinese term
still counts as English). Quoted law (``text`` beside ``law``) is not prose the pack writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..yamlio import Loc, Located

#: keys whose value is prose: a text or {zh, en}
PROSE_KEYS = frozenset(
    {
        "assumption",
        "factor_start_assumption",
        "weighted_clamp_assumption",
        "benchmark",
        "label",
        "title",
        "name",
        "authority",
        "reason",
        "notes",
    }
)
#: keys whose value is {zh, en} only (bilingual labels): the same check
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def is_chinese(text: str) -> bool:
    """Whether ``text`` reads as Chinese: it has Chinese characters, and no more Latin letters than them."""
    cjk = len(_CJK.findall(text))
    return cjk > 0 and len(_LATIN.findall(text)) <= cjk


def _texts(value: Any, loc: Loc) -> Iterator[tuple[Loc, str | None]]:
    """The Chinese of a prose value at ``loc`` (``None`` when it has none), with its location."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict) and ("zh" in value or "en" in value) and set(value) <= {"zh", "en"}:
        zh = value.get("zh")
        yield ((*loc, "zh") if zh is not None else loc), zh if isinstance(zh, str) else None


def untranslated(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str | None]]:
    """Each prose text in ``data`` whose Chinese is missing: its location and its text (``None``:
    no ``zh`` at all)."""
    if isinstance(data, dict):
        for key, value in data.items():
            here = (*loc, key)
            if key in PROSE_KEYS:
                for where, zh in _texts(value, here):
                    if zh is None or not is_chinese(zh):
                        yield where, zh
                if isinstance(value, dict) and not set(value) <= {"zh", "en"}:
                    yield from untranslated(value, here)
            elif key == "assumptions" and isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, dict) and "text" in item:
                        item_loc: Loc = (*here, i, "text")
                        item = item["text"]
                    else:
                        item_loc = (*here, i)
                    for where, zh in _texts(item, item_loc):
                        if zh is None or not is_chinese(zh):
                            yield where, zh
            else:
                yield from untranslated(value, here)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from untranslated(item, (*loc, i))


def prose_problems(source: Located) -> Iterator[tuple[Loc, str]]:
    """Each missing Chinese text of a pack file, with a message saying what is wrong."""
    for loc, zh in untranslated(source.data):
        if zh is None:
            yield loc, "has no Chinese text: write it as {zh: 中文, en: English} (zh is required)"
        else:
            shown = zh if len(zh) <= 60 else zh[:57] + "…"
            yield loc, f"is not in Chinese ({shown!r}): write it as {{zh: 中文, en: English}}"
