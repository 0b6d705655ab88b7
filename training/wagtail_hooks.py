"""Admin wiring of the training module: the managed lists.

- Training topics (snippets): trainers add topics, rename them and retire them (`active`
  off). Nobody deletes one: needs answers and courses refer to it.
- Evaluation questionnaires (snippets): trainers write the ordered questions. A question
  that has answers is not deleted (PROTECT): the form says so instead of saving (retire the
  questionnaire and write a new one).
- Training delegates (read-only for administrators): who acts for which country; heads
  name them on /training/delegates/."""

from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal.wagtail_hooks import ReadMostlyPermissionPolicy
from training import demo, panels, report_sections, search
from training.models import EvaluationAnswer, Questionnaire, TrainingDelegate, TrainingTopic

register_permission_policy(
    TrainingTopic, ReadMostlyPermissionPolicy(TrainingTopic), exact_class=True
)
register_permission_policy(
    Questionnaire, ReadMostlyPermissionPolicy(Questionnaire), exact_class=True
)
register_permission_policy(
    TrainingDelegate,
    ReadMostlyPermissionPolicy(TrainingDelegate, denied_actions=("add", "change", "delete")),
    exact_class=True,
)


class TrainingTopicViewSet(SnippetViewSet):
    model = TrainingTopic
    icon = "tag"
    menu_label = "Training topics"
    url_prefix = "training/topics"
    list_display = ["name", "slug", "sort_order", "active"]
    list_filter = ["active"]
    search_fields = ["name", "description"]
    ordering = ["sort_order", "name"]
    form_fields = ["name", "slug", "description", "sort_order", "active"]
    copy_view_enabled = False


class TrainingDelegateViewSet(SnippetViewSet):
    model = TrainingDelegate
    icon = "user"
    menu_label = "Training delegates"
    url_prefix = "training/delegates"
    list_display = ["user", "country", "kind", "granted_by", "granted_at"]
    list_filter = ["country", "kind"]
    ordering = ["country", "kind"]
    form_fields = []
    inspect_view_enabled = True
    copy_view_enabled = False


class QuestionnaireForm(WagtailAdminModelForm):
    """Refuses to delete questions that participants have answered (the answers keep their
    question: EvaluationAnswer.question is PROTECT), with a message instead of an error
    page."""

    def is_valid(self):
        valid = super().is_valid()
        formset = self.formsets.get("questions")
        if formset is None or not valid:
            return valid
        deleted = [form.instance for form in formset.deleted_forms if form.instance.pk]
        answered = set(
            EvaluationAnswer.objects.filter(question__in=deleted)
            .values_list("question", flat=True)
            .distinct()
        )
        for question in deleted:
            if question.pk in answered:
                self.add_error(
                    None,
                    f"The question “{question.text}” has answers and cannot be deleted. "
                    "To change the questions, untick “active” on this questionnaire and "
                    "write a new one.",
                )
        return not answered


class QuestionnaireViewSet(SnippetViewSet):
    """Evaluation questionnaires (training/models/evaluations.py): trainers order the
    questions, Likert 1-5 or free text; retire one by unticking active."""

    model = Questionnaire
    icon = "list-ol"
    menu_label = "Evaluation questionnaires"
    url_prefix = "training/questionnaires"
    list_display = ["title", "kind", "active"]
    list_filter = ["kind", "active"]
    copy_view_enabled = False
    edit_handler = ObjectList(Questionnaire.panels, base_form_class=QuestionnaireForm)


class TrainingAdminGroup(SnippetViewSetGroup):
    menu_label = "Training"
    menu_icon = "group"
    menu_order = 320
    items = (TrainingTopicViewSet, QuestionnaireViewSet, TrainingDelegateViewSet)


register_snippet(TrainingAdminGroup)


# --- How training plugs into the portal (portal.plugins) --------------------------------------


@hooks.register("register_dashboard_panel")
def dashboard_panels():
    return [
        panels.NeedsRoundsPanel,
        panels.NominationApprovalsPanel,
        panels.CountryParticipantsPanel,
        panels.SessionsToStaffPanel,
        panels.EvaluationsDuePanel,
    ]


@hooks.register("register_report_section")
def report_section_types():
    return report_sections.sections()


@hooks.register("register_demo_seeder")
def demo_seeders():
    return [
        demo.seed_training_needs,
        demo.seed_training_courses,
        demo.seed_training_nominations,
        demo.seed_training_delivery,
    ]


@hooks.register("register_api_router")
def api_router():
    return ("/training", "training.api.router")


@hooks.register("register_search_source")
def search_sources():
    return search.sources()
