"""The class's pictures for the HTML page, drawn with matplotlib as inline SVG: every student's test accuracy
and loss against the reference's range and margins, each check's PASS/FAIL/REVIEW counts, the points.

matplotlib is imported here only, when the page is written (plain `grade` never imports it). Figures are
made with matplotlib.figure.Figure, without pyplot's global state; text stays text (svg.fonttype none:
smaller, the browser's own sans-serif, no font embedded or fetched). No student's name goes into a
picture: a point links to its student's row (#s-N), and the page's script titles it from that row.
"""

from __future__ import annotations

import io
import math
import re

from fashion_tools.grading.check.expected import Expected
from fashion_tools.grading.check.result import Grade

# One colour per verdict, shared with the page's table (html_page writes them as CSS variables). Okabe and
# Ito's palette, told apart with colour blindness; every verdict also has its own marker and hatching.
COLOURS = {"PASS": "#009E73", "FAIL": "#D55E00", "REVIEW": "#0072B2"}
MARKERS = {"PASS": "o", "FAIL": "X", "REVIEW": "D"}
HATCHES = {"PASS": "", "FAIL": "//", "REVIEW": "\\\\"}  # lines: matplotlib draws dots as 144 circles a tile
BAND, MARGIN = "#c8c8c8", "#ececec"
GOLDEN = (math.sqrt(5) - 1) / 2  # spreads the points of a strip evenly up and down, the same every time


def figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def svg(fig, name: str, label: str) -> str:
    """The figure as an inline <svg> that scales with the page, labelled for screen readers."""
    import matplotlib

    out = io.StringIO()
    # the salt makes the ids in each figure its own, as the page holds several
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    text = text[text.index("<svg"):]
    # smaller: no metadata, no group ids (the same in every figure, and nothing refers to them), no indents
    text = re.sub(r"<metadata>.*?</metadata>", "", text, count=1, flags=re.DOTALL)
    text = re.sub(r'<g id="[^"]*"', "<g", text)
    text = re.sub(r" ?\n\s*", "\n", text)
    # coordinates to a tenth of a point, within tags only (a tick label's digits stay): a third fewer bytes
    text = re.sub(r"<[^>]*>", lambda tag: re.sub(r"(\d\.\d)\d+", r"\1", tag.group()), text)
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', rf'<svg\1 role="img" aria-label="{label}"', text,
                  count=1)


def band_of(exp: Expected, check: str, margin: float) -> tuple[float, float, float]:
    """(low, high, pass bound): the reference's range over its seeds (a single value without a spread), and
    the bound past which the check fails, its margin beyond the range."""
    if check == "accuracy":
        low, high = exp.spread.accuracy[:2] if exp.spread else (exp.accuracy, exp.accuracy)
        return low, high, low - margin
    low, high = exp.spread.loss[:2] if exp.spread else (exp.loss, exp.loss)
    return low, high, high + margin


def view(values: list[float], low: float, high: float, bound: float, margin: float) -> tuple[float, float]:
    """The axis' range: the band, its bound and the values, but not so wide that one wild value (a run that
    learnt nothing) shrinks the band to a line; such values are drawn at the edge."""
    reach = max(8 * margin, 4 * (high - low), 0.01)
    near_low, near_high = min(low, bound) - reach, max(high, bound) + reach
    lo = max(min([*values, low, bound]), near_low)
    hi = min(max([*values, high, bound]), near_high)
    pad = (hi - lo) * 0.04 or 0.01
    return lo - pad, hi + pad


def strip(ax, grades: list[Grade], exp: Expected, check: str, margin: float) -> None:
    """One check's value per student as points on a strip, over the reference's band and margin."""
    low, high, bound = band_of(exp, check, margin)
    points = [(i, getattr(g.submission.log, check), verdict_of(g, check)) for i, g in enumerate(grades)]
    points = [(i, v, verdict) for i, v, verdict in points if v is not None and math.isfinite(v)]
    lo, hi = view([v for _, v, _ in points], low, high, bound, margin)
    ax.axvspan(min(bound, low), max(bound, high), color=MARGIN, label=f"margin {margin:g}")
    seeds = f"{len(exp.spread.seeds)} seeds' range" if exp.spread else "the reference"
    if high > low:
        ax.axvspan(low, high, color=BAND, label=seeds)
    else:  # a plain results.json: one run, no range
        ax.axvline(low, color=BAND, lw=3, label=seeds)
    ax.axvline(bound, color="#555555", ls="--", lw=1, label="pass bound")
    groups: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for i, v, verdict in points:
        side = "<" if v < lo else ">" if v > hi else ""
        groups.setdefault((verdict, side), []).append((i, min(max(v, lo), hi)))
    for (verdict, side), members in sorted(groups.items()):
        dots = ax.scatter([v for _, v in members], [(i * GOLDEN) % 1 for i, _ in members], s=28, zorder=3,
                          marker=side or MARKERS[verdict], color=COLOURS[verdict], edgecolors="white", linewidths=0.5,
                          label=verdict + (" (off the scale)" if side else ""))
        dots.set_urls([f"#s-{i}" for i, _ in members])
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.08, 1.08)
    ax.set_yticks([])
    ax.xaxis.get_major_locator().set_params(nbins=6)
    missing = len(grades) - len(points)
    ax.set_xlabel(f"test {check}" + (f" ({missing} printed none)" if missing else ""))
    ax.legend(fontsize=7, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.3), frameon=False)


def verdict_of(grade: Grade, check: str) -> str:
    return next((r.verdict for r in grade.results if r.check == check), "FAIL")


def values_chart(grades: list[Grade], exp: Expected, tolerance: float, loss_tolerance: float) -> str:
    fig = figure(9, 3.2)
    left, right = fig.subplots(1, 2)
    strip(left, grades, exp, "accuracy", tolerance)
    strip(right, grades, exp, "loss", loss_tolerance)
    return svg(fig, "values", "each student's test accuracy and loss against the reference's range")


def verdict_counts(grades: list[Grade]) -> dict[str, dict[str, int]]:
    """check -> verdict -> how many students got it, the checks in the lecture's order."""
    counts: dict[str, dict[str, int]] = {}
    for g in grades:
        for r in g.results:
            verdicts = counts.setdefault(r.check, dict.fromkeys(COLOURS, 0))
            verdicts[r.verdict] += 1
    return counts


def checks_chart(grades: list[Grade]) -> str:
    """A bar per check, its PASS, FAIL and REVIEW counts; a FAIL or REVIEW part links to that check's reasons."""
    counts = verdict_counts(grades)
    checks = list(counts)[::-1]  # the first check on top
    fig = figure(9, 0.3 * len(checks) + 0.9)
    ax = fig.subplots()
    left = [0] * len(checks)
    for verdict, colour in COLOURS.items():
        widths = [counts[c][verdict] for c in checks]
        bars = ax.barh(checks, widths, left=left, color=colour, hatch=HATCHES[verdict], edgecolor="white",
                       label=verdict)
        for bar, check, width, start in zip(bars, checks, widths, left, strict=True):
            if verdict != "PASS" and width:
                bar.set_url(f"#r-{check}")
            if width and width >= 0.04 * len(grades):
                ax.text(start + width / 2, bar.get_y() + bar.get_height() / 2, str(width), ha="center",
                        va="center", fontsize=7, color="white")
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_xlim(0, max(len(grades), 1))
    ax.set_xlabel("students")
    ax.tick_params(axis="y", labelsize=8)
    ax.legend(fontsize=7, ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    return svg(fig, "checks", "for each check, how many students passed, failed and need a look")


def points_chart(grades: list[Grade]) -> str:
    """The points histogram; a student with checks that need a look counts with the points so far."""
    most = max((g.points[1] for g in grades), default=0) or 1
    whole = all(float(g.points[0]).is_integer() for g in grades) and most <= 40
    bins = [b - 0.5 for b in range(int(most) + 2)] if whole else [most * k / 20 for k in range(21)]
    done = [g.points[0] for g in grades if not g.reviews]
    pending = [g.points[0] for g in grades if g.reviews]
    fig = figure(9, 2.2)
    ax = fig.subplots()
    ax.hist([done, pending], bins=bins, stacked=True, color=[COLOURS["PASS"], COLOURS["REVIEW"]],
            hatch=None, edgecolor="white", label=["graded", "needs a look (points so far)"])
    ax.set_xlabel(f"points (of {most:g})")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=7)
    return svg(fig, "points", "how many students got each number of points")
