"""Rendering decisions for people (text, Markdown; JSON is the model's own dump), the case-file
document (.docx, .html, .md: ``render_document``), and the one jinja2 set-up every document uses."""

from __future__ import annotations

from .decision import decision_data, render_any, render_decision, result_data
from .document import SUFFIXES, DocFormat, render_document
from .quotes import law_texts
from .templating import environment

__all__ = [
    "SUFFIXES",
    "DocFormat",
    "decision_data",
    "environment",
    "law_texts",
    "render_any",
    "render_decision",
    "render_document",
    "result_data",
]
