"""core.pdf: A4 with the CJK font embedded, extractable Chinese, and a fetcher that serves
only static files."""

import logging
import shutil
import subprocess

import pytest

from core.pdf import FetchRefused, render_pdf, url_fetcher

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_fonts(content: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout


class NotdefCatcher(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record.getMessage())


@pytest.fixture
def notdef():
    """Fails the test when WeasyPrint draws a glyph it has no font for (a box)."""
    catcher = NotdefCatcher()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(catcher)
    yield catcher
    logger.removeHandler(catcher)
    assert not [m for m in catcher.records if "notdef" in m.lower()], catcher.records


@pytest.fixture
def simple_template(settings, tmp_path):
    folder = tmp_path / "tpl"
    (folder / "pdf").mkdir(parents=True)
    (folder / "pdf" / "sample.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>凯益荟测试报告</h1>'
        "<p>南肖埠陆号邻里服务社 总分 888.00 等级 4A</p>{% endblock %}",
        encoding="utf-8",
    )
    options = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**options, "DIRS": [folder, *options["DIRS"]]}]
    # Changing TEMPLATES through the settings fixture reloads the engines.
    return "pdf/sample.html"


@needs_poppler
def test_it_renders_a4_with_the_cjk_font_embedded_and_extractable(
    simple_template, tmp_path, notdef
):
    content = render_pdf(simple_template, {})
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path)
    assert "凯益荟测试报告" in text and "南肖埠陆号邻里服务社" in text
    assert "1/1" in text.replace(" ", "")  # page numbers in the footer
    fonts = pdf_fonts(content, tmp_path)
    assert "CJK" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip())
    path = tmp_path / "info.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "(A4)" in info


def test_the_fetcher_serves_static_files_only(tmp_path):
    fetcher = url_fetcher()
    served = fetcher.fetch("static:/css/site.css")
    body = served.read()
    assert served.content_type == "text/css" and body
    assert fetcher.fetch("file:///static/css/site.css").read() == body
    assert fetcher.fetch("/static/css/site.css").read() == body
    for url in (
        "https://example.com/x.png",
        "file:///etc/passwd",
        "static:/../../etc/passwd",
        "file:///static/../etc/passwd",
        "static:/nope.css",
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
