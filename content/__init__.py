"""The generation pipeline run by Celery workers (figures, verification, podcast audio):
still to come. It depends on ``learning``, never the reverse."""
