"""Publishing a pack as the public benchmark document (行政处罚法 Art. 34), HTML or Markdown.

``publish_checked`` is the policy every caller goes through: a pack with errors from the static
check is not published unless forced (``NotPublished``); ``publish`` renders without checking.
"""

from __future__ import annotations

from .conditions import condition_view
from .document import publication, publish, render_publication
from .gate import NotPublished, publish_checked

__all__ = ["NotPublished", "condition_view", "publication", "publish", "publish_checked", "render_publication"]
