"""The results of `retrofhir map check` for people: a plain-text summary and a self-contained HTML report."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, select_autoescape

from recordings.check import CheckReport, ElementCheck, write_screens

HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>map check: {{ report.source }}</title>
<style>body{font:14px sans-serif;margin:1em}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}table{border-collapse:collapse;margin-bottom:1em}
.ok{background:#dfd}.drift{background:#ffd}.missing{background:#fdd}
img{max-width:640px;border:1px solid #888}</style></head><body>
<h1>map check: {{ report.source }} &mdash; {{ "PASSED" if report.ok else "FAILED" }}</h1>
<p>{{ counts.ok }} ok, {{ counts.drift }} drifted, {{ counts.missing }} missing,
{{ counts["not checked"] }} not checked.</p>
{% if report.examples %}<h2>Examples</h2><table><tr><th>example</th><th>result</th></tr>
{% for x in report.examples %}<tr class="{{ 'ok' if x.passed else 'missing' }}"><td>{{ x.name }}</td>
<td>{{ "passed" if x.passed else x.detail }}</td></tr>{% endfor %}</table>{% endif %}
{% for screen, checks in screens.items() %}<h2 id="{{ screen }}">{{ screen }}</h2>
{% if screen in images %}<p><img src="{{ images[screen] }}" alt="{{ screen }}"></p>{% endif %}
<table><tr><th>element</th><th>status</th><th>rank</th><th>matched by</th><th>note</th></tr>
{% for c in checks %}<tr class="{{ c.status.replace(' ', '-') }}">
<td>{{ c.what }} {{ c.name }}</td><td>{{ c.status }}</td>
<td>{{ c.rank if c.rank is not none else "" }}</td><td>{{ c.matched or "" }}</td>
<td>{{ c.detail or "" }}</td></tr>{% endfor %}
</table>{% endfor %}</body></html>
"""


def counts(report: CheckReport) -> dict[str, int]:
    found = {"ok": 0, "drift": 0, "missing": 0, "not checked": 0}
    for check in report.elements:
        found[check.status] += 1
    return found


def summary_lines(report: CheckReport) -> list[str]:
    """One line per problem (drift, missing, failed example) and a last line with the totals."""
    lines = []
    for check in report.elements:
        if check.status == "drift":
            lines.append(
                f"DRIFT   {check.screen}.{check.name}: matched by #{check.rank} {check.matched}; {check.detail}"
            )
        elif check.status == "missing":
            lines.append(f"MISSING {check.screen}.{check.name}: {check.detail}")
    lines += [f"EXAMPLE {x.name}: {x.detail}" for x in report.examples if not x.passed]
    total = counts(report)
    verdict = "PASSED" if report.ok else "FAILED"
    lines.append(
        f"{verdict}: {total['ok']} ok, {total['drift']} drifted, {total['missing']} missing, "
        f"{total['not checked']} not checked; examples {sum(x.passed for x in report.examples)}/{len(report.examples)}"
    )
    return lines


def write_html(report: CheckReport, folder: Path) -> Path:
    """`report.html` plus one screenshot per recognised screen in `folder`."""
    images = write_screens(report, folder)
    screens: dict[str, list[ElementCheck]] = {}
    for check in report.elements:
        screens.setdefault(check.screen, []).append(check)
    template = Environment(autoescape=select_autoescape(default=True)).from_string(HTML)
    path = folder / "report.html"
    path.write_text(template.render(report=report, screens=screens, images=images, counts=counts(report)), "utf-8")
    return path
