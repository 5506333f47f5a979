"""Rendering decisions for people (text, Markdown; JSON is the model's own dump), and the one jinja2
set-up every document uses."""

from __future__ import annotations

from .decision import render_any, render_decision
from .templating import environment

__all__ = ["environment", "render_any", "render_decision"]
