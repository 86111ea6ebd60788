"""Validation reports as static HTML (the project's Data Docs), one page per validated load.

Pages go to ``<SDG87_HOME>/gx/validations/<source>/<run_id>.html``; ``<SDG87_HOME>/gx/index.html`` lists every
page, newest first. Each page says which suite ran on which file, whether the gate passed, and every failed
rule with its column, detail and example rows. Written with Jinja2 (autoescaped): file names and cell values
from a rejected file are shown as text, never as markup.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, select_autoescape

from pipelines.quality.gx_validate import ValidationReport

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))

PAGE = _ENV.from_string(
    """<!doctype html><html><head><meta charset="utf-8"><title>{{ source }} · {{ status }}</title>
<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px}
.fail{color:#a00}.pass{color:#070}</style></head><body>
<h1>{{ source }}: <span class="{{ 'pass' if report.success else 'fail' }}">{{ status }}</span></h1>
<p>Suite <code>{{ report.suite }}</code>, run <code>{{ run_id }}</code>, {{ rows }} staging rows,
{{ report.evaluated }} expectations evaluated, {{ report.failed|length }} failed.</p>
<p>Input: <code>{{ file }}</code></p>
{% for f in report.failed %}<h2 class="fail">{{ f.rule }} — {{ f.column }}</h2><p>{{ f.detail }}</p>
{% if f.examples %}<table><tr>{% for k in f.examples[0] %}<th>{{ k }}</th>{% endfor %}</tr>
{% for e in f.examples %}<tr>{% for v in e.values() %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}</table>
{% endif %}{% endfor %}</body></html>
"""
)
INDEX = _ENV.from_string(
    """<!doctype html><html><head><meta charset="utf-8"><title>sdg87 validation reports</title></head><body>
<h1>Validation reports</h1><ul>{% for rel in pages %}<li><a href="{{ rel }}">{{ rel }}</a></li>{% endfor %}</ul>
</body></html>
"""
)


def write_validation_html(
    report: ValidationReport, gx_dir: Path, *, source: str, run_id: str, file: str, status: str, rows: int
) -> Path:
    """Write the page of one validation and refresh the index; returns the page path."""
    page = Path(gx_dir) / "validations" / source / f"{run_id}.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(
        PAGE.render(report=report, source=source, run_id=run_id, file=file, status=status, rows=rows),
        encoding="utf-8",
    )
    pages = sorted(Path(gx_dir).glob("validations/*/*.html"), key=lambda p: p.stat().st_mtime, reverse=True)
    index = Path(gx_dir) / "index.html"
    index.write_text(INDEX.render(pages=[p.relative_to(gx_dir).as_posix() for p in pages]), encoding="utf-8")
    return page
