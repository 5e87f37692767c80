"""The learner's web pages: server-rendered Django views over the same selectors and
services as the API, one module per noun (``catalog``, ``paths``, ``clones``,
``accounts``), their templates under ``learning/templates/web/`` and one stylesheet."""
