from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Content generation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The article shows the generated figures through learning's extension point
        # (learning may not import content).
        from content.selectors import article_figures_of
        from learning.extensions import article_figure_provider_register

        article_figure_provider_register(article_figures_of)
