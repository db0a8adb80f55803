"""The admin's review queue of suggested rules: trials with proposals waiting, and one trial's proposals.

Registered as the admin of `RuleSuggestion`: its list is the queue (Trials > Rule suggestions). A
trial's page shows each criterion's text with the justifying words marked beside the proposed
rules in plain words, with accept, edit, reject and "accept all". Staff with the change permission
decide; every decision is a POST (CSRF-checked) handled by one service call in a transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from trials.admin.suggestion_forms import SuggestionRuleForm
from trials.registry.models import Intervention, Trial
from trials.review.models import RuleSuggestion
from trials.review.selectors import trial_review, trials_pending_review
from trials.review.services import (
    ReviewError,
    suggestion_accept,
    suggestion_reject,
    trial_suggestions_accept_all,
)
from trials.review.wording import marked, rule_in_words


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@admin.register(RuleSuggestion)
class RuleSuggestionAdmin(admin.ModelAdmin[RuleSuggestion]):
    """The review queue; suggestions are made by the structurer, never added or deleted by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: RuleSuggestion | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("", view(self.queue_view), name="trials_rulesuggestion_changelist"),
            path("trial/<int:trial_id>/", view(self.trial_view), name="trials_rulesuggestion_trial"),
            path(
                "trial/<int:trial_id>/accept-all/",
                view(require_POST(self.accept_all_view)),
                name="trials_rulesuggestion_accept_all",
            ),
            path("<int:pk>/accept/", view(require_POST(self.accept_view)), name="trials_rulesuggestion_accept"),
            path("<int:pk>/reject/", view(require_POST(self.reject_view)), name="trials_rulesuggestion_reject"),
            path("<int:pk>/edit/", view(self.edit_view), name="trials_rulesuggestion_edit"),
        ]

    def _context(self, request: HttpRequest, title: str, **extra: Any) -> dict[str, Any]:
        return {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **extra}

    def _may_decide(self, request: HttpRequest) -> None:
        if not self.has_change_permission(request):
            raise PermissionDenied

    def queue_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = self._context(request, "Suggested rules to review", trials=list(trials_pending_review()[:200]))
        return TemplateResponse(request, "admin/trials/rulesuggestion/queue.html", context)

    def trial_view(self, request: HttpRequest, trial_id: int) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        trial = get_object_or_404(Trial.objects.only("slug", "title", "acronym", "nct_id", "isrctn"), pk=trial_id)
        criteria = trial_review(trial=trial)
        context = self._context(
            request,
            f"Suggested rules: {trial.acronym or trial.title}",
            trial=trial,
            criteria=criteria,
            pending=sum(len(review.pending) for review in criteria),
            may_decide=self.has_change_permission(request),
        )
        return TemplateResponse(request, "admin/trials/rulesuggestion/trial.html", context)

    def _back(self, trial_id: int) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:trials_rulesuggestion_trial", args=[trial_id]))

    def _suggestion(self, pk: int) -> RuleSuggestion:
        return get_object_or_404(RuleSuggestion.objects.select_related("criterion__trial"), pk=pk)

    def accept_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._may_decide(request)
        suggestion = self._suggestion(pk)
        try:
            suggestion_accept(suggestion=suggestion, user=_user(request))
        except ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Accepted: “{suggestion.words}”. The rule now counts in verdicts.")
        return self._back(suggestion.criterion.trial_id)

    def reject_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._may_decide(request)
        suggestion = self._suggestion(pk)
        try:
            suggestion_reject(suggestion=suggestion, user=_user(request))
        except ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Rejected: “{suggestion.words}”. It will not be proposed again.")
        return self._back(suggestion.criterion.trial_id)

    def accept_all_view(self, request: HttpRequest, trial_id: int) -> HttpResponse:
        self._may_decide(request)
        trial = get_object_or_404(Trial, pk=trial_id)
        try:
            count = trial_suggestions_accept_all(trial=trial, user=_user(request))
        except ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Accepted {count} suggested rule(s); they now count in verdicts.")
        return self._back(trial.pk)

    def edit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._may_decide(request)
        suggestion = self._suggestion(pk)
        interventions = list(Intervention.objects.order_by("name").values_list("slug", "name"))
        data = request.POST if request.method == "POST" else None
        form = SuggestionRuleForm(data, rule=suggestion.rule, interventions=interventions)
        status = 200
        if data is not None:
            if form.is_valid() and form.rule is not None:
                try:
                    suggestion_accept(suggestion=suggestion, user=_user(request), rule=form.rule)
                except ReviewError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, "Accepted with your changes; the rule now counts in verdicts.")
                    return self._back(suggestion.criterion.trial_id)
            status = 400
        names = dict(interventions)
        context = self._context(
            request,
            "Edit a suggested rule",
            suggestion=suggestion,
            trial=suggestion.criterion.trial,
            form=form,
            marked_text=marked(suggestion.text, [(suggestion.start, suggestion.end)]),
            in_words=rule_in_words(suggestion.criterion.kind, suggestion.rule, names),
        )
        return TemplateResponse(request, "admin/trials/rulesuggestion/edit.html", context, status=status)
