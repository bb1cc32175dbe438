"""PDFs from HTML templates: one helper around WeasyPrint.

PDF templates extend ``templates/pdf/base.html`` (A4, margins, page numbers, the CJK font
family on ``html`` and in ``@page`` so margin boxes print in it too). The URL fetcher
serves only our static files and ``data:`` URIs: a template can never make the renderer
fetch from the network or read other files.

WeasyPrint is not thread-safe: render in processes (Celery prefork), not threads.
"""

import gc
import logging
import mimetypes
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Fonts tried in order; Noto Sans CJK SC comes with Debian's fonts-noto-cjk.
CJK_FONT_FAMILY = '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", sans-serif'
# Relative URLs in PDF templates resolve under /static/ (served by the fetcher from the
# staticfiles finders).
STATIC_BASE = "file:///static/"


class FetchRefused(ValueError):
    pass


def static_path(url: str) -> str | None:
    """The file behind a ``static:/…`` or ``/static/…`` URL, found by the staticfiles
    finders (never a path outside them)."""
    parsed = urlparse(url)
    if parsed.scheme == "static":
        relative = parsed.path
    elif parsed.scheme in ("", "file") and parsed.path.startswith(
        "/" + settings.STATIC_URL.strip("/") + "/"
    ):
        relative = parsed.path[len(settings.STATIC_URL.strip("/")) + 2 :]
    else:
        return None
    relative = unquote(relative).lstrip("/")
    if not relative or ".." in relative.split("/"):
        return None
    return finders.find(relative)


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves ``data:`` URIs and our static files; refuses everything else."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_path(url)
            if path is None:
                logger.warning("pdf: refused to fetch %s", url)
                raise FetchRefused(f"not a static file: {url}")
            mime_type, _encoding = mimetypes.guess_type(path)
            with open(path, "rb") as handle:
                body = handle.read()
            return URLFetcherResponse(
                url, body, {"Content-Type": mime_type or "application/octet-stream"}
            )

    return StaticOnlyFetcher


def url_fetcher():
    """A fresh fetcher for one rendering."""
    return _fetcher_class()()


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    """Render ``template_name`` with ``context`` to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template_name, {"cjk_font_family": CJK_FONT_FAMILY, **context})
    document = HTML(string=html, base_url=base_url or STATIC_BASE, url_fetcher=url_fetcher())
    content = document.write_pdf()
    # A rendering leaves reference cycles holding the subset CJK font buffers (tens of MB);
    # collected only now and then, a batch worker climbs past 440 MB. Collecting after
    # each PDF keeps it near 250 MB for a few milliseconds.
    del document
    gc.collect()
    return content
