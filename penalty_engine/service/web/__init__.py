"""The officers' page (issue #18): ``penalty serve`` answers ``/`` with a page that searches the
violations, asks the facts of the chosen one in a form made from its fact table, evaluates the case
through ``POST /v1/evaluate`` with the officer's API key, and shows the recommendation with its
reasons; docs/web.md tells how it is used, ADR 0013 why it is built this way.

The page is server-rendered HTML (jinja2 templates in ``templates``, words from the text catalog's
``web`` area) with one small script and one style sheet of our own (``static``); no CDN, no build
step. Fragments of it (the rule list, a rule's form, a decision's result) are rendered by
``/web/…`` endpoints that check the same API keys as ``/v1``.
"""

from __future__ import annotations

from .views import STATIC, web_router

__all__ = ["STATIC", "web_router"]
