"""The generation pipeline run by Celery workers, and rendering of Markdown and LaTeX."""
