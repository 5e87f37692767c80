"""The generation pipeline run by Celery workers: figures, verification of everything a
path states, podcast audio (see ``content.services``). It depends on ``learning``, never
the reverse; it shows figures in the article through ``learning.extensions``."""
