"""Small server-rendered charts: inline SVG, no script, no stylesheet of its own.

The admin's analytics page draws shares (0 to 1) as horizontal bars. The markup is built
here from numbers and escaped labels only, so it can be inlined in a page whose
Content-Security-Policy forbids inline scripts (inline SVG is no script). Colours come
from ``currentColor`` and one fill, so the chart reads in light and dark admin themes.
"""

from html import escape

from django.utils.safestring import SafeString, mark_safe

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 220
BAR_WIDTH = 300
VALUE_WIDTH = 60
LABEL_CHARS = 34


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def share_bars_svg(bars: list[tuple[str, float | None]], *, title: str, fill: str) -> SafeString:
    """Horizontal bars of shares in [0, 1], one per ``(label, share)``; a ``None`` share
    (nothing measured) draws no bar and says "no data". Each bar has a ``<title>`` with
    the full label and value, and the chart a ``role="img"`` and ``aria-label``."""
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = max(len(bars), 1) * (BAR_HEIGHT + GAP) + GAP
    rows = []
    for index, (label, share) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        text_y = y + BAR_HEIGHT - 5
        value = "no data" if share is None else f"{share:.0%}"
        length = 0 if share is None else round(BAR_WIDTH * min(max(share, 0.0), 1.0), 1)
        rows.append(
            f'<g class="bar"><title>{escape(label)}: {value}</title>'
            f'<text x="{LABEL_WIDTH - 6}" y="{text_y}" text-anchor="end">'
            f"{escape(_short(label))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" '
            f'fill="none" stroke="currentColor" stroke-opacity="0.3"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" '
            f'fill="{escape(fill)}" data-share="{"" if share is None else f"{share:.4f}"}"/>'
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{text_y}">{value}</text></g>'
        )
    return mark_safe(  # noqa: S308 - numbers and escaped text only
        f'<svg xmlns="http://www.w3.org/2000/svg" class="share-chart" role="img" '
        f'aria-label="{escape(title)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" font-size="12" fill="currentColor"><title>{escape(title)}</title>'
        f"{''.join(rows)}</svg>"
    )
