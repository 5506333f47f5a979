"""One jinja2 setup for every document the package renders (decisions, benchmark, replay report)."""

from __future__ import annotations

import jinja2


def environment(package: str, *, strict: bool = True) -> jinja2.Environment:
    """Templates of ``package``'s ``templates`` folder; HTML (``*.html``, ``*.html.j2``) is always
    autoescaped, and with ``strict`` a name the template does not get is an error, not a blank."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined if strict else jinja2.Undefined,
    )
