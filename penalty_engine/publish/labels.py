"""The words of the benchmark document: the ``publish`` area of the text catalog (``penalty_engine/text``).

``labels(lang)`` is kept for the modules that look labels up by key (``conditions``); a key the
catalog lacks raises ``MissingText``, it is never printed in place of its text.
"""

from __future__ import annotations

from ..text import Scope, words


def labels(lang: str) -> Scope:
    """The lookup of the document's texts in ``lang``: ``labels("zh")("doc")`` is ``行政处罚裁量基准``."""
    return words(lang).scope("publish")
