"""Extension points: what other apps add to learning's pages without learning importing them.

``learning`` may never import ``content`` (the import contracts in pyproject.toml), yet the
article shows the figures ``content`` generates. So ``content`` registers a provider here
from its ``AppConfig.ready()``, and the article asks every registered provider.

An *article figure provider* is a callable ``(path) -> {section_uid: [figure, ...]}``, each
figure a dict ``{kernel, title, svg_url, png_url}`` and ``section_uid`` the ``origin_uid``
of the article section it belongs beside.
"""

from collections.abc import Callable

ArticleFigureProvider = Callable[[object], dict[str, list[dict]]]

_article_figure_providers: list[ArticleFigureProvider] = []


def article_figure_provider_register(provider: ArticleFigureProvider) -> ArticleFigureProvider:
    """Add ``provider`` (once, however often ``ready()`` runs); returns it, so it decorates."""
    if provider not in _article_figure_providers:
        _article_figure_providers.append(provider)
    return provider


def article_figure_provider_unregister(provider: ArticleFigureProvider) -> None:
    if provider in _article_figure_providers:
        _article_figure_providers.remove(provider)


def article_figures(path) -> dict[str, list[dict]]:
    """Every provider's figures for ``path``, merged by section ``origin_uid``."""
    merged: dict[str, list[dict]] = {}
    for provider in _article_figure_providers:
        for section_uid, figures in provider(path).items():
            merged.setdefault(str(section_uid), []).extend(figures)
    return merged
