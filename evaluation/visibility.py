"""What evaluation adds to tenant scoping: an evaluator sees the organizations whose
reviews are assigned to them (the review form shows the organization's profile).
Registered on incubation's queryset from EvaluationConfig.ready()."""

from django.db.models import Q

from accounts.roles import Role
from accounts.scoping import NOTHING


def assigned_organizations(user, roles) -> Q:
    if Role.EVALUATOR not in roles:
        return NOTHING
    from evaluation.models import EvaluatorAssignment
    from evaluation.workflows import AssignmentStatus

    assigned = EvaluatorAssignment.objects.filter(evaluator=user).exclude(
        status=AssignmentStatus.CONFLICT
    )
    return Q(pk__in=assigned.values("review__organization"))


def register() -> None:
    from incubation.models import OrganizationQuerySet

    OrganizationQuerySet.extend_visibility(assigned_organizations)
