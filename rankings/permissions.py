"""Who may do what with schemes and rankings. Every predicate returns a ``Decision``."""

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_leader_of, is_street_staff_of
from core.decisions import ALLOWED, Decision, deny
from rankings.models import Objection, RankingRow
from rankings.workflows import ObjectionStatus, RankingStatus


def can_manage_rankings(user, street) -> Decision:
    """Schemes, computing, publishing and finalizing are the street staff's."""
    if is_street_staff_of(user, street):
        return ALLOWED
    return deny(_("Only the street's staff manage its scoring schemes and rankings."))


def can_object(user, ranking, organization, *, now=None) -> Decision:
    """May ``user`` object to ``organization``'s place in ``ranking`` now? Only the
    organization's own leader, only while the ranking is on public notice (公示) and not
    superseded, only when the organization is in the ranking, one open objection at a
    time. The portal shows the form exactly when this allows it; the service asks again
    with the ranking locked."""
    if not is_leader_of(user, organization):
        return deny(_("Only the organization's own leader may object to its place in a ranking."))
    if getattr(ranking, "superseded_by", None) is not None:
        return deny(_("This ranking was superseded after a review; object to the new one."))
    if ranking.status == RankingStatus.COMPUTED:
        return deny(_("This ranking is not on public notice yet; objections open when it is."))
    if ranking.status == RankingStatus.FINAL:
        return deny(_("This ranking is final; objections are no longer accepted."))
    now = now or timezone.now()
    if ranking.notice_until is None or now >= ranking.notice_until:
        until = timezone.localtime(ranking.notice_until) if ranking.notice_until else None
        return deny(
            _("The public notice ended at %(until)s; objections are no longer accepted.")
            % {"until": until.strftime("%Y-%m-%d %H:%M") if until else "—"}
        )
    if not RankingRow.objects.filter(ranking=ranking, organization=organization).exists():
        return deny(_("Your organization is not in this ranking."))
    if Objection.objects.filter(
        status=ObjectionStatus.FILED, ranking=ranking, organization=organization
    ).exists():
        return deny(
            _("Your organization already has an objection to this ranking awaiting a decision.")
        )
    return ALLOWED
