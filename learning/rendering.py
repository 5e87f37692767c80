"""Markdown with ``$…$``/``$$…$$`` LaTeX to safe HTML, the math as server-side MathML.

Sections are written in CommonMark (plus tables); their formulas are converted by
latex2mathml, so pages need no JavaScript to show them. Whatever the author wrote, the
output passes through nh3 with an allow-list (HTML plus the MathML latex2mathml emits),
so no script, event handler or ``javascript:`` URL reaches a page. Renders are cached by
the text's SHA-256: a section renders once per distinct body, whoever asks.
"""

import hashlib
from html import escape

import nh3
from django.core.cache import cache
from latex2mathml.converter import convert as latex_to_mathml
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

#: Bump when the output of the renderer changes, so cached renders are not reused.
RENDERER_VERSION = 1
CACHE_TTL = 60 * 60 * 24 * 7

MATHML_TAGS = {
    "math", "mrow", "mi", "mn", "mo", "ms", "msup", "msub", "msubsup", "mfrac", "msqrt",
    "mroot", "mtext", "mspace", "mtable", "mtr", "mtd", "mstyle", "mover", "munder",
    "munderover", "semantics", "annotation", "mpadded", "menclose", "mphantom", "merror",
    "mfenced", "mlabeledtr", "mmultiscripts", "mprescripts", "none",
}  # fmt: skip
MATHML_ATTRIBUTES = {
    "xmlns", "display", "mathvariant", "mathsize", "mathcolor", "mathbackground", "stretchy",
    "fence", "separator", "separators", "lspace", "rspace", "accent", "accentunder",
    "columnalign", "columnlines", "columnspacing", "rowalign", "rowlines", "rowspacing",
    "linethickness", "width", "height", "depth", "notation", "encoding", "scriptlevel",
    "displaystyle", "movablelimits", "largeop", "symmetric", "minsize", "maxsize", "form",
    "open", "close", "voffset", "frame", "framespacing", "equalrows", "equalcolumns",
}  # fmt: skip
ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | MATHML_TAGS
ALLOWED_ATTRIBUTES = {
    tag: set(attributes) for tag, attributes in nh3.ALLOWED_ATTRIBUTES.items()
} | {tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS}
# The class names the renderer itself writes: "math inline", "math block", "language-…".
for _tag in ("span", "div", "code", "pre"):
    ALLOWED_ATTRIBUTES.setdefault(_tag, set()).add("class")
URL_SCHEMES = {"http", "https", "mailto"}


def _math(latex: str, options: dict) -> str:
    """MathML for one formula; LaTeX it cannot read is shown as code, never an error."""
    try:
        return latex_to_mathml(latex, display="block" if options.get("display_mode") else "inline")
    except Exception:  # noqa: BLE001 - latex2mathml raises many kinds on bad input
        return f'<code class="math-error">{escape(latex)}</code>'


_markdown = (
    MarkdownIt("commonmark")
    .enable("table")
    .use(dollarmath_plugin, double_inline=True, renderer=_math)
)


def render_formula(latex: str) -> str:
    """One inline formula as sanitized MathML (the quiz page's formula preview)."""
    return sanitize(_math(latex, {}))


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def _render(text: str) -> str:
    return sanitize(_markdown.render(text))


def _cache_key(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"md:{RENDERER_VERSION}:{digest}"


def render_markdown(text: str) -> str:
    """Safe HTML for a Markdown text with ``$…$`` (inline) and ``$$…$$`` (block) math."""
    return render_markdown_many([text])[0]


def render_markdown_many(texts: list[str]) -> list[str]:
    """Like :func:`render_markdown` for many texts, with one cache round trip each way."""
    keys = [_cache_key(text) for text in texts]
    cached = cache.get_many(set(keys))
    fresh = {}
    for key, text in zip(keys, texts):
        if key not in cached and key not in fresh:
            fresh[key] = _render(text)
    if fresh:
        cache.set_many(fresh, CACHE_TTL)
    return [cached[key] if key in cached else fresh[key] for key in keys]
