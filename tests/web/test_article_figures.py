"""The article's figures: ``content`` places them through ``learning.extensions`` (learning
never imports content), each beside its section; none when nothing was generated."""

import re

import pytest

from learning.extensions import (
    article_figure_provider_register,
    article_figure_provider_unregister,
    article_figures,
)
from learning.models import Section
from tests.helpers import item, uid

pytestmark = pytest.mark.django_db


def text(answer) -> str:
    assert answer.status_code == 200, answer.status_code
    return answer.content.decode()


def section_html(page: str, section: Section) -> str:
    """The markup of ``section`` up to its first subsection or its end."""
    start = page.index(f'<section id="section-{section.pk}"')
    ends = [page.find(mark, start + 1) for mark in ("<section", "</section>")]
    return page[start : min(end for end in ends if end != -1)]


@pytest.fixture
def provider():
    def figures_of(path):
        return {
            uid("s2"): [
                {
                    "kernel": "relu",
                    "title": "ReLU and its derivative",
                    "svg_url": f"/media/test/{path.slug}-relu.svg",
                    "png_url": f"/media/test/{path.slug}-relu.png",
                }
            ]
        }

    article_figure_provider_register(figures_of)
    yield figures_of
    article_figure_provider_unregister(figures_of)


def test_a_registered_providers_figures_appear_in_their_section(client, clone, learner, provider):
    client.force_login(learner)
    page = text(client.get(f"/paths/{clone.slug}/article/"))
    second = section_html(page, item(Section, clone, "s2"))
    assert re.search(
        rf'<figure class="figure">\s*<img src="/media/test/{clone.slug}-relu\.svg" '
        r'alt="ReLU and its derivative: plot of relu and its derivative"',
        second,
    )
    assert "<figcaption>ReLU and its derivative" in second
    assert page.count("<figure") == 1  # beside that section only
    assert "<figure" not in section_html(page, item(Section, clone, "s1"))


def test_the_preview_shows_no_figure_of_a_locked_section(client, source, provider):
    page = text(client.get(f"/paths/{source.slug}/article/"))
    assert "<figure" not in page  # s2's body is locked in the preview


def test_no_figures_no_figure_markup(client, clone, learner):
    assert article_figures(clone) == {}  # content's provider: nothing generated yet
    client.force_login(learner)
    assert "<figure" not in text(client.get(f"/paths/{clone.slug}/article/"))


def test_generated_figures_show_in_the_article_and_their_urls_answer(client, clone, learner):
    from content.services import GeneratePath, job_run

    job = GeneratePath(clone, learner).execute(enqueue=False)
    job_run(job_id=job.pk)
    client.force_login(learner)
    page = text(client.get(f"/paths/{clone.slug}/article/"))
    sources = re.findall(r'<figure class="figure">\s*<img src="([^"]+\.svg)"', page)
    assert sources, "no generated figure in the article"
    svg = client.get(sources[0])
    assert svg.status_code == 200
    assert b"<svg" in b"".join(svg.streaming_content if svg.streaming else [svg.content])
