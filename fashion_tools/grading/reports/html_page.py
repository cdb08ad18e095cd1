"""`grade --html FILE`: the class at a glance, one self-contained HTML page an instructor opens from the
file alone: what was graded and the counts, the pictures (charts), the most common reasons per check, and
a table of the students (sortable, filtered by a search box), each row opening to the student's report.

Self-contained and safe: the pictures are inline SVG, previews data: URIs, the style and the small script
inline (html_page.css, html_page.js beside this module); a Content-Security-Policy lets the page load
nothing and run only its own script (by its hash), so a name or a log line that slipped past escaping
still could not run. Every string from a submission is escaped here, in esc() and lines().
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import hashlib
import html
import re
import statistics
import subprocess
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path, PurePosixPath

from fashion_tools.atomic import atomic_write_text
from fashion_tools.grading.check.expected import Expected
from fashion_tools.grading.check.result import RULES, Grade
from fashion_tools.grading.reports.feedback import grade_feedback
from fashion_tools.grading.reports.grades import diagnosis, looks, notes, tally
from fashion_tools.grading.reports.previews import Preview

HERE = Path(__file__).parent
MAX_GROUPS = 6  # reasons shown per check; the rest are counted
SHOWN_NAMES = 12  # students named with a reason before the rest are folded
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MAX_TEXT = 4000  # characters of one name, file name or reason: a reason quoting a log is a few hundred


def esc(text: object) -> str:
    """One line from a submission (or anywhere) as HTML text: control characters out, markup escaped, at most
    MAX_TEXT characters (the terminal's table cuts reasons shorter; the page is the full report)."""
    return lines(str(text)[:MAX_TEXT], keep="")


def lines(text: str, keep: str = "\n") -> str:
    """Text as HTML for a <pre>: control characters (but newlines) out, markup escaped."""
    return html.escape("".join(c if c.isprintable() or c in keep else "?" for c in text), quote=True)


def tool_version() -> str:
    """The tool's commit as git describes its checkout, or 'unknown' outside one."""
    try:
        out = subprocess.run(["git", "-C", str(HERE), "describe", "--always", "--dirty"], capture_output=True,
                             text=True, timeout=5, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else "unknown"


# The head: what was graded, the counts, the points

def graded_against(exp: Expected, args: argparse.Namespace) -> str:
    """The expected file, the reference's seeds and range, the margins."""
    what = f"<b>{esc(exp.path)}</b>, {exp.epochs} epochs"
    if exp.spread:
        s = exp.spread
        seeds = ", ".join(map(str, s.seeds)) if len(s.seeds) <= 6 else f"{s.seeds[0]} ... {s.seeds[-1]}"
        what += (f"; {len(s.seeds)} seeds ({seeds}): test accuracy {s.accuracy[0]:.4f}-{s.accuracy[1]:.4f}, "
                 f"loss {s.loss[0]:.4f}-{s.loss[1]:.4f}")
    else:
        what += f"; one run: test accuracy {exp.accuracy:.4f}, loss {exp.loss:.4f}"
    what += f"; margins: accuracy {args.tolerance:g} below, loss {args.loss_tolerance:g} above"
    return what + (f"; the reference trained on {esc(exp.device)}" if exp.device else "")


def expectations(grades: list[Grade]) -> dict[str, str]:
    """What each check expects, as most students' results say it (the same for all: it comes from the
    expected file and the tolerances)."""
    seen: dict[str, Counter[str]] = {}
    for g in grades:
        for r in g.results:
            seen.setdefault(r.check, Counter())[r.expected] += 1
    return {check: counts.most_common(1)[0][0] for check, counts in seen.items()}


def rules(grades: list[Grade]) -> str:
    """Each check with what it expects and its rule, folded."""
    rule = dict(RULES)
    rows = "".join(f"<tr><td>{esc(check)}</td><td>{esc(want)}</td><td>{esc(rule.get(check, ''))}</td></tr>"
                   for check, want in expectations(grades).items())
    return ("<details><summary>What each check expects</summary><table class=\"checks\"><thead><tr><th>check</th>"
            f"<th>expected</th><th>passes when</th></tr></thead><tbody>{rows}</tbody></table></details>")


def head(grades: list[Grade], exp: Expected, args: argparse.Namespace) -> str:
    counts = tally(grades)
    earned = [g.points[0] for g in grades]
    most = max((g.points[1] for g in grades), default=0)
    items = [(counts["passed"], "passed every check", "PASS"), (counts["failed"], "failed some", "FAIL"),
             (counts["look"], "need a look", "REVIEW"), (counts["late"], "late", ""),
             (counts["copies"], "printed the very same numbers as another", "")]
    shown = "".join(f'<li class="{v}"><b>{n}</b> {what}</li>' for n, what, v in items)
    spread = (f"mean {statistics.fmean(earned):.2f}, median {statistics.median(earned):g}, "
              f"lowest {min(earned):g}, highest {max(earned):g} of {most:g}" if earned else "none")
    when = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return (f'<header><h1>Grades of {len(grades)} submission{"s" * (len(grades) != 1)}</h1>'
            f"<p>Against {graded_against(exp, args)}.</p>"
            f'<p class="small">Graded {when} by fashion_items {esc(tool_version())}.</p>'
            f'<ul class="counts">{shown}</ul><p>Points: {spread}'
            + (" (those who need a look: points so far)" if counts["look"] else "") + f".</p>{rules(grades)}</header>")


# The most common reasons per check

def student_links(indices: Iterable[int], grades: list[Grade]) -> str:
    """Links to the students' rows; past the first SHOWN_NAMES folded, so a reason of half the class stays short."""
    links = [f'<a href="#s-{i}">{esc(grades[i].submission.name)}</a>' for i in indices]
    if len(links) <= SHOWN_NAMES + 2:
        return ", ".join(links)
    return (", ".join(links[:SHOWN_NAMES]) + f"<details><summary>and {len(links) - SHOWN_NAMES} more</summary>"
            + ", ".join(links[SHOWN_NAMES:]) + "</details>")


def reason_groups(grades: list[Grade]) -> dict[str, dict[tuple[str, str], list[tuple[int, str]]]]:
    """check -> (verdict, the reason with its numbers blanked) -> [(student, reason)], for the checks not
    passed; a hand-in not read at all is one group of its own (its reason is the same on every check)."""
    groups: dict[str, dict[tuple[str, str], list[tuple[int, str]]]] = {}
    for i, g in enumerate(grades):
        log = g.submission.log
        for r in g.results:
            if r.passed:
                continue
            check, reason = r.check, r.reason
            if not log.readable and r.check != "model":
                check, reason = "the whole hand-in", f"{'needs a look' if log.review else 'unreadable'}: {log.problem}"
            members = groups.setdefault(check, {}).setdefault((r.verdict, NUMBER.sub("#", reason)), [])
            if not members or members[-1][0] != i:
                members.append((i, reason))
    return groups


def reasons(grades: list[Grade]) -> str:
    """Per check, most failed first, its reasons grouped, each with its students."""
    groups = reason_groups(grades)
    if not groups:
        return '<section id="reasons"><h2>Reasons</h2><p>Every check passed for every student.</p></section>'
    out = ['<section id="reasons"><h2>The most common reasons per check</h2>']
    for check, by_reason in sorted(groups.items(), key=lambda kv: -sum(map(len, kv[1].values()))):
        ranked = sorted(by_reason.items(), key=lambda kv: -len(kv[1]))
        verdicts = {}
        for (verdict, _), members in ranked:
            verdicts[verdict] = verdicts.get(verdict, 0) + len(members)
        counts = ", ".join(f"{n} {v}" for v, n in verdicts.items())
        anchor = "r-" + re.sub(r"\W+", "-", check)  # the checks chart links here
        out.append(f'<h3 id="{anchor}">{esc(check)}: {counts}</h3><ul class="reasons">')
        for (verdict, _), members in ranked[:MAX_GROUPS]:
            first = members[0][1]
            alike = "" if all(reason == first for _, reason in members) else "such as: "
            n = len(members)
            out.append(f'<li><span class="v {verdict}">{verdict}</span> <b>{n} student{"s" * (n != 1)}</b>: '
                       f'{alike}{esc(first)}<br><span class="who">{student_links((i for i, _ in members), grades)}'
                       "</span></li>")
        if len(ranked) > MAX_GROUPS:
            rest = ranked[MAX_GROUPS:]
            n = sum(len(m) for _, m in rest)
            out.append(f"<li>{len(rest)} other reasons, {n} students: open their rows below</li>")
        out.append("</ul>")
    return "".join(out) + "</section>"


# The table

def checks_in(grades: list[Grade]) -> list[str]:
    """The checks any student got, in the lecture's order (the model check only where a model was handed in)."""
    seen: dict[str, None] = {}
    for g in grades:
        seen.update(dict.fromkeys(r.check for r in g.results))
    return list(seen)


def table_head(checks: list[str]) -> str:
    names = ["student", "id", "late", "file graded", "points", *checks]
    cells = "".join(f'<th scope="col"><button type="button" data-col="{i}">{esc(name).replace("_", "_<wbr>")}'
                    "</button></th>" for i, name in enumerate(names))
    return f"<thead><tr>{cells}</tr></thead>"


def search_words(g: Grade) -> str:
    """What the search box matches: name, id, file, 'late', 'copy', each verdict and each check:verdict."""
    sub = g.submission
    verdicts = sorted({r.verdict for r in g.results}) + [f"{r.check}:{r.verdict}" for r in g.results]
    words = [sub.name, sub.identifier or "", sub.shown(sub.log_path), "late" if sub.late else "",
             "copy" if g.same_as else "", *verdicts]
    return esc(" ".join(w for w in words if w).lower())


def reason_id(i: int, k: int) -> str:
    """The id of student i's reason for their k-th check, in the report under the row."""
    return f"r{i}-{k}"


def verdict_cell(i: int, g: Grade, check: str) -> str:
    """The verdict, written and coloured; its reason, said once in the report under the row, is its description
    for screen readers and its tooltip (the script sets that from the description)."""
    k = next((k for k, r in enumerate(g.results) if r.check == check), None)
    if k is None:
        return "<td>-</td>"
    v = g.results[k].verdict
    return f'<td class="v {v}" aria-describedby="{reason_id(i, k)}">{v}</td>'


def student_row(i: int, g: Grade, checks: list[str]) -> str:
    sub = g.submission
    tags = "".join(f' <span class="tag {cls}">{word}</span>' for cls, word, on in
                   (("late", "late", sub.late), ("copy", "copy", g.same_as), ("REVIEW", "look", g.reviews)) if on)
    earned, most = g.points
    graded = sub.shown(sub.log_path)  # the file's name in the cell, where it was in the download on hover
    return (f'<tr id="s-{i}"><th scope="row"><button type="button" class="who" aria-expanded="false" '
            f'aria-controls="d-{i}">{esc(sub.name)}</button>{tags}</th>'
            f"<td>{esc(sub.identifier or '')}</td><td>{'late' if sub.late else ''}</td>"
            f'<td class="file" title="{esc(graded)}">{esc(PurePosixPath(graded).name)}</td>'
            f'<td data-v="{earned:g}">{earned:g}/{most:g}</td>'
            + "".join(verdict_cell(i, g, c) for c in checks) + "</tr>")


def look_summary(g: Grade) -> str:
    """What needs a look, short: the whole hand-in's reason, or the first check's with the others named (each
    check's reason is in the report under the row)."""
    review = [r for r in g.results if r.review]
    if g.submission.log.problem or len(review) == 1:
        return looks(g)
    others = ", ".join(r.check for r in review[1:])
    return f"{review[0].check}: {review[0].reason}; and {others} (their reasons in the report)"


def look_row(i: int, g: Grade, shown: list[Preview], width: int) -> str:
    """What the grader could not read, in the row itself: the reason, and the picture or the lines."""
    parts = [f'<p><span class="v REVIEW">REVIEW</span> <b>needs a look:</b> {esc(look_summary(g))}</p>']
    for p in shown:
        if p.image:
            parts.append(f'<figure><img src="{p.image}" alt="{esc(p.caption)}"><figcaption>{esc(p.caption)}'
                         "</figcaption></figure>")
        elif p.lines is not None:
            parts.append(f"<figure><pre>{lines(p.lines)}</pre><figcaption>{esc(p.caption)}</figcaption></figure>")
        else:
            parts.append(f"<p>{esc(p.caption)}</p>")
    return f'<tr class="look"><td colspan="{width}">{"".join(parts)}</td></tr>'


def report(i: int, g: Grade, grades: list[Grade], points: dict[str, float], expected: dict[str, str],
           width: int) -> str:
    """The student's full report, opened from the row: files, notes, copies both ways, checks (what each
    expects is said once, in the head), feedback."""
    sub = g.submission
    files = f"<b>graded:</b> {esc(sub.shown(sub.log_path)) or '-'}" + (
        f" (read as {esc(sub.log.source)})" if sub.log.source else "")
    if sub.model_path:
        files += f"; <b>model:</b> {esc(sub.shown(sub.model_path))}"
    parts = [f"<p>{files}</p>"]
    said = notes(dataclasses.replace(g, same_as=[]))  # the copies follow as links
    if said:
        parts.append(f"<p><b>notes:</b> {esc(said)}</p>")
    if g.diagnoses:
        parts.append(f"<p><b>advice, not a verdict: the numbers look like</b> {esc(diagnosis(g))}</p>")
    if g.same_as:
        others = [j for j, other in enumerate(grades) if j != i and other.submission.name in g.same_as]
        parts.append(f'<p class="copies"><b>printed the very same numbers as:</b> {student_links(others, grades)}</p>')
    rows = "".join(f'<tr><td>{esc(r.check)}</td><td class="v {r.verdict}">{r.verdict}</td><td>{esc(r.found)}'
                   + (f" (expected {esc(r.expected)})" if r.expected != expected.get(r.check) else "")
                   + f'</td><td id="{reason_id(i, k)}">{esc(r.reason)}</td></tr>' for k, r in enumerate(g.results))
    parts.append('<table class="checks"><thead><tr><th>check</th><th>verdict</th><th>found</th><th>reason</th></tr>'
                 f"</thead><tbody>{rows}</tbody></table>")
    text = grade_feedback(g, points)
    parts.append(f"<p><b>feedback the student gets:</b></p><pre>{lines(text)}</pre>")
    return f'<tr class="more" id="d-{i}" hidden><td colspan="{width}">{"".join(parts)}</td></tr>'


def students(grades: list[Grade], points: dict[str, float], shown: dict[int, list[Preview]]) -> str:
    checks = checks_in(grades)
    expected = expectations(grades)
    width = 5 + len(checks)
    bodies = []
    for i, g in enumerate(grades):
        look = look_row(i, g, shown.get(i, []), width) if g.reviews else ""
        bodies.append(f'<tbody data-s="{search_words(g)}">{student_row(i, g, checks)}{look}'
                      f"{report(i, g, grades, points, expected, width)}</tbody>")
    return ('<section id="table"><h2>Students</h2><p class="controls"><label>Search (a name, PASS, FAIL, REVIEW, '
            'late, copy, or check:verdict such as accuracy:fail) <input type="search" id="search" '
            f'autocomplete="off"></label> <output id="shown">{len(grades)} of {len(grades)} students</output></p>'
            '<p class="small">Click a column\'s name to sort by it, a student\'s name for the full report; '
            "hover a verdict for its reason.</p>"
            f'<div class="wrap"><table id="students">{table_head(checks)}{"".join(bodies)}</table></div></section>')


# The page

def pictures(grades: list[Grade], exp: Expected, args: argparse.Namespace) -> str:
    from fashion_tools.grading.reports import charts  # matplotlib: only when a page is written

    figures = [(charts.values_chart(grades, exp, args.tolerance, args.loss_tolerance),
                "Each student's test accuracy and loss (a point; click it for the student's row) against the "
                "reference's range (dark band) and margin (light band) up to the pass bound (dashed)."),
               (charts.checks_chart(grades), "Each check's PASS, FAIL and REVIEW counts; click a bar's FAIL or "
                                             "REVIEW part for its reasons."),
               (charts.points_chart(grades), "How many students got each number of points.")]
    return '<section id="pictures"><h2>The class</h2>' + "".join(
        f"<figure>{svg}<figcaption>{caption}</figcaption></figure>" for svg, caption in figures) + "</section>"


def page(grades: list[Grade], exp: Expected, args: argparse.Namespace, points: dict[str, float],
         shown: dict[int, list[Preview]]) -> str:
    """The whole page as one string."""
    from fashion_tools.grading.reports.charts import COLOURS

    script = (HERE / "html_page.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-{digest}'"
    colours = ":root{" + "".join(f"--{v.lower()}:{c};" for v, c in COLOURS.items()) + "}"
    style = colours + (HERE / "html_page.css").read_text(encoding="utf-8")
    return ("<!DOCTYPE html>\n"
            f'<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" '
            f'content="{policy}"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Grades of {len(grades)} submissions</title><style>{style}</style></head><body>"
            + head(grades, exp, args) + pictures(grades, exp, args) + reasons(grades)
            + students(grades, points, shown) + f"<script>{script}</script></body></html>\n")


def write_page(path: str, grades: list[Grade], exp: Expected, args: argparse.Namespace, points: dict[str, float],
               shown: dict[int, list[Preview]]) -> str:
    """Write the page atomically; returns the line that says so."""
    text = page(grades, exp, args, points, shown)
    atomic_write_text(path, text)
    return f"HTML report: {path} ({len(text.encode()) / 1e6:.2f} MB)"
