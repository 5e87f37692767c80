"""Markdown and LaTeX to safe HTML with MathML."""

import pytest
from django.core.cache import cache

from learning import rendering
from learning.rendering import render_markdown


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def test_inline_math_is_mathml():
    html = render_markdown(r"The sigmoid $\sigma(z) = \frac{1}{1+e^{-z}}$ squashes.")
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert "<mfrac>" in html and "<msup>" in html
    assert "squashes." in html
    assert "$" not in html


def test_display_math_is_a_block():
    html = render_markdown("Sum:\n\n$$\\sum_{i=1}^n x_i$$\n")
    assert 'display="block"' in html
    assert "<munderover>" in html


def test_tables_and_code_fences():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1 < 2 $a$\n```\n")
    assert "<table>" in html and "<td>2</td>" in html
    assert '<pre><code class="language-python">x = 1 &lt; 2 $a$\n</code></pre>' in html


@pytest.mark.parametrize("latex", [r"\begin{foo}", r"a^{", r"\left( x"])
def test_bad_latex_is_shown_as_escaped_code(latex):
    html = render_markdown(f"before ${latex}$ after <b>")
    assert f'<code class="math-error">{latex.replace("<", "&lt;")}</code>' in html
    assert "<math" not in html
    assert "after" in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        '<a href="JaVaScRiPt:alert(1)" onclick="alert(1)">x</a>',
        '<math><mi onmouseover="alert(1)" href="javascript:alert(1)">x</mi></math>',
        '<svg onload="alert(1)"><script>alert(1)</script></svg>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        r"$\href{javascript:alert(1)}{x}$",
        '<iframe src="https://example.org"></iframe>',
    ],
)
def test_nothing_executable_survives(text):
    html = render_markdown(text).lower()
    assert "<script" not in html
    assert "javascript:" not in html or "<a" not in html and "href" not in html
    assert " on" not in html.replace("<p>", "")  # no on*= attribute
    assert "<iframe" not in html and "<svg" not in html and "style=" not in html


def test_links_keep_safe_urls():
    html = render_markdown("[paper](https://example.org/p)")
    assert 'href="https://example.org/p"' in html


def test_renders_are_cached_by_text(monkeypatch):
    text = "Cached $x$"
    first = render_markdown(text)
    monkeypatch.setattr(rendering, "_render", lambda text: pytest.fail("rendered twice"))
    assert render_markdown(text) == first
    assert rendering.render_markdown_many([text, text]) == [first, first]


def test_empty_text_renders_empty():
    assert render_markdown("") == ""
    assert render_markdown("") == ""
