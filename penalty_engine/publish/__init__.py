"""Publishing a pack as the public benchmark document (行政处罚法 Art. 34), HTML or Markdown."""

from __future__ import annotations

from .document import publication, publish, render_publication

__all__ = ["publication", "publish", "render_publication"]
