"""Who may receive a grant: every unmet rule, named — never only the first one."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import human_date
from funding.choices import AcceptanceResult, TrackKind
from funding.workflows import FAILED_PROJECT_BLOCK_YEARS, OPEN_GRANT_STATUSES
from incubation.choices import AnnualReviewResult
from incubation.rules import add_years
from incubation.selectors import blocking_reasons


def track_for(organization) -> str:
    return TrackKind.REGISTERED if organization.is_registered else TrackKind.FILED


def same_project(title: str) -> str:
    """Titles are compared without spaces and case: the same project under a new call."""
    return "".join(title.split()).casefold()


def eligibility_reasons(organization, call, *, application=None, today=None) -> list[str]:
    """Why ``organization`` may not receive a grant of ``call`` (empty: eligible).

    Rules: the last 年检 was 合格; not on a credit list (and still in the hub); no project
    accepted as 不合格 in the past two years; no other open grant for the same project; the
    call has a track for the organization's legal status.
    """
    from funding.models import Application

    today = today or timezone.localdate()
    reasons = []
    if not call.tracks.filter(kind=track_for(organization)).exists():
        reasons.append(
            _("this call has no track for %(track)s")
            % {"track": TrackKind(track_for(organization)).label}
        )
    if organization.last_annual_review_result != AnnualReviewResult.PASSED:
        if organization.last_annual_review_year is None:
            reasons.append(_("no annual review (年检) result is recorded"))
        else:
            reasons.append(
                _("the last annual review (%(year)s) was not passed but %(result)s")
                % {
                    "year": organization.last_annual_review_year,
                    "result": organization.get_last_annual_review_result_display(),
                }
            )
    reasons.extend(blocking_reasons(organization, "grant"))
    since = add_years(today, -FAILED_PROJECT_BLOCK_YEARS)
    failed = Application.objects.filter(
        organization=organization,
        acceptance_result=AcceptanceResult.FAILED,
        accepted_on__gte=since,
    ).order_by("-accepted_on")
    for project in failed:
        reasons.append(
            _("the project “%(title)s” failed its acceptance on %(date)s (within %(years)d years)")
            % {
                "title": project.title,
                "date": human_date(project.accepted_on),
                "years": FAILED_PROJECT_BLOCK_YEARS,
            }
        )
    title = application.title if application is not None else ""
    if title:
        running = Application.objects.filter(
            organization=organization, status__in=OPEN_GRANT_STATUSES
        )
        if application.pk:
            running = running.exclude(pk=application.pk)
        for other in running.select_related("call"):
            if same_project(other.title) == same_project(title):
                reasons.append(
                    _("the same project already has an open grant (%(call)s)")
                    % {"call": other.call.title}
                )
    return reasons
