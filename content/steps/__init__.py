"""The pipeline's steps, one module each, each a ``run(*, job, report)``.

A step reads the job's path, writes its output, and calls ``report(fraction)`` as it goes
(0 to 1 of its own work). Every step is idempotent: run twice, it leaves what one run
leaves, and output that already exists (a figure, an audio file) is reused, not redone.
A step that cannot finish raises; its message becomes the step's ``error``.
"""
