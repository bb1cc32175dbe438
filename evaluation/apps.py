from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        from evaluation import exports, jobs, providers, reminders, todos, visibility

        providers.register()
        reminders.register_kinds()
        # Evaluators see the organizations of the reviews assigned to them.
        visibility.register()
        jobs.register()
        # The results of a cycle in Excel are a background export (jobs.exports).
        exports.register()
        todos.register()
        from evaluation.services import laggards

        laggards.register_kinds()
