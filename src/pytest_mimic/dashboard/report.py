"""One self-contained HTML page per failing test: what the code under test asked the cloud,
as a timeline, so a CI artifact shows it without the server.

Everything that came from a request or a test (paths, bodies, names, the failure text) is
escaped: a server named ``<script>`` is shown, never run. The page has no script at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import re
from typing import TYPE_CHECKING

from pytest_mimic.clock import isoformat_z

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from pytest_mimic.journal import Call

__all__ = ["report_name", "write_report"]

#: Characters of each body the report shows (bodies are kept up to 64 KiB in the journal).
BODY_CHARS = 16_000

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1d2330; }
h1 { font-size: 1.3em; } h1 code { font-size: 0.9em; }
pre { background: #f4f5f8; padding: 0.6em; overflow-x: auto; white-space: pre-wrap; }
ol.timeline { list-style: none; padding: 0; border-left: 3px solid #c9cede; }
ol.timeline > li { margin: 0 0 0.8em 0; padding-left: 1em; position: relative; }
ol.timeline > li::before { content: ""; position: absolute; left: -0.5em; top: 0.45em;
  width: 0.7em; height: 0.7em; border-radius: 50%; background: #5a6a8a; }
ol.timeline > li.error::before { background: #c0392b; }
ol.timeline > li.fault::before { background: #d68910; }
.when { color: #5a6a8a; font-variant-numeric: tabular-nums; }
.status { font-weight: 600; } .error .status { color: #c0392b; }
.fault-note { color: #b9770e; }
.bar { display: inline-block; height: 0.5em; background: #8aa0c8; vertical-align: middle; }
details { margin-top: 0.2em; } summary { cursor: pointer; color: #3b4a6b; }
"""


def report_name(nodeid: str) -> str:
    """A file name for ``nodeid``'s report: readable, safe on every file system, and
    distinct for test ids that differ only in characters it replaces.
    """
    digest = hashlib.sha1(nodeid.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    readable = _UNSAFE.sub("_", nodeid).strip("._")[:100] or "test"
    return f"{readable}-{digest}.html"


def write_report(folder: Path, nodeid: str, calls: Sequence[Call], failure: str = "") -> Path:
    """Write ``nodeid``'s report into ``folder`` (made if missing) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / report_name(nodeid)
    path.write_text(render_report(nodeid, calls, failure), encoding="utf-8")
    return path


def render_report(nodeid: str, calls: Sequence[Call], failure: str = "") -> str:
    """The report page as text (see the module docstring)."""
    e = html.escape
    start = calls[0].time if calls else 0.0
    longest = max((call.duration for call in calls), default=0.0) or 1.0
    items = []
    for call in calls:
        kind = "fault" if call.fault else "error" if call.status >= 400 or call.status == 0 else ""
        target = call.path + (f"?{call.query}" if call.query else "")
        width = max(1, round(120 * call.duration / longest))
        fault = f' <span class="fault-note">fault: {e(call.fault)}</span>' if call.fault else ""
        items.append(
            f'<li class="{kind}">'
            f'<span class="when">+{call.time - start:.3f}s ({e(isoformat_z(call.time, digits=3))})'
            f"</span> <b>{e(call.service)}.{e(call.operation)}</b> "
            f"<code>{e(call.method)} {e(target)}</code> "
            f'&rarr; <span class="status">{call.status or "dropped"}</span>{fault} '
            f'<span class="bar" style="width:{width}px"></span> '
            f'<span class="when">{call.duration * 1000:.1f} ms</span>'
            f"{_body('request body', call.request_body)}"
            f"{_body('response body', call.response_body)}"
            "</li>"
        )
    timeline = (
        '<ol class="timeline">' + "".join(items) + "</ol>"
        if items
        else "<p>The test made no call to the fake cloud.</p>"
    )
    failed = f"<h2>Failure</h2><pre>{e(failure)}</pre>" if failure else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>pytest-mimic: {e(nodeid)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>pytest-mimic calls of <code>{e(nodeid)}</code></h1>"
        f"<p>{len(calls)} call(s), in the order the fake cloud answered them; times are the "
        "cloud's simulated clock, durations real.</p>"
        f"{timeline}{failed}</body></html>\n"
    )


def _body(label: str, body: bytes) -> str:
    if not body:
        return ""
    text = body.decode("utf-8", "replace")
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    if len(text) > BODY_CHARS:
        text = text[:BODY_CHARS] + "\n...[cut]"
    return f"<details><summary>{label}</summary><pre>{html.escape(text)}</pre></details>"
