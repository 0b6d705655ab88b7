"""Dashboard panels of the training module (portal.dashboard's registry):

- for the heads of SPOC (and needs delegates): the open needs rounds, answered or not;
- for the heads: the nominations waiting for their approval (approve from the panel), and
  their country's coming participants;
- for the trainers: the sessions to staff (training.summaries.sessions_to_staff: coming
  sessions without a trainer, and those whose deadline is within 14 days with seats left),
  and the evaluations due (training.summaries.evaluations_due: opened in the last 30 days,
  with the answers received).

Each panel shows only when it has something to say, at most five rows with a count of the
rest, and costs a fixed number of queries (pinned in tests/training/test_panels.py)."""

from django.urls import reverse
from django.utils import timezone

from portal.dashboard import DashboardPanel
from training import permissions, summaries


class NeedsRoundsPanel(DashboardPanel):
    name = "training-needs"
    title = "Training needs to report"
    template_name = "training/panels/needs_rounds.html"
    order = 30

    def is_visible(self, request):
        self.rounds = summaries.open_needs_rounds(user=request.user)
        return bool(self.rounds)

    def get_context(self, request):
        return {
            "rounds": self.rounds,
            "country": permissions.needs_country(request.user),
            "list_url": reverse("training:needs_round_list"),
        }


class NominationApprovalsPanel(DashboardPanel):
    name = "training-approvals"
    title = "Nominations waiting for your approval"
    template_name = "training/panels/approvals.html"
    order = 31

    def is_visible(self, request):
        self.nominations, self.count = summaries.nominations_to_approve(user=request.user)
        return bool(self.count)

    def get_context(self, request):
        now = timezone.now()
        for nomination in self.nominations:
            nomination.can_approve = not (
                nomination.session.is_cancelled or nomination.session.has_started(now)
            )
        return {
            "nominations": self.nominations,
            "count": self.count,
            "more": self.count - len(self.nominations),
            "list_url": reverse("training:nominations_list"),
        }


class CountryParticipantsPanel(DashboardPanel):
    name = "training-participants"
    title = "Your country's coming training"
    template_name = "training/panels/participants.html"
    order = 32

    def is_visible(self, request):
        self.nominations, self.count = summaries.country_participants(user=request.user)
        return bool(self.count)

    def get_context(self, request):
        return {
            "nominations": self.nominations,
            "count": self.count,
            "more": self.count - len(self.nominations),
            "country": permissions.head_country(request.user),
            "list_url": reverse("training:nominations_list"),
        }


class SessionsToStaffPanel(DashboardPanel):
    name = "training-staffing"
    title = "Training sessions to staff"
    template_name = "training/panels/sessions_to_staff.html"
    order = 33

    def is_visible(self, request):
        self.sessions, self.count = summaries.sessions_to_staff(user=request.user)
        return bool(self.count)

    def get_context(self, request):
        return {
            "sessions": self.sessions,
            "count": self.count,
            "more": self.count - len(self.sessions),
            "days": summaries.STAFFING_DAYS,
            "plan_url": reverse("training:plan_index"),
        }


class EvaluationsDuePanel(DashboardPanel):
    name = "training-evaluations"
    title = "Training evaluations due"
    template_name = "training/panels/evaluations_due.html"
    order = 34

    def is_visible(self, request):
        self.rows, self.count = summaries.evaluations_due(user=request.user)
        return bool(self.count)

    def get_context(self, request):
        return {
            "rows": self.rows,
            "count": self.count,
            "more": self.count - len(self.rows),
            "days": summaries.EVALUATIONS_DUE_DAYS,
        }
