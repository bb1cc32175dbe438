"""The one answer type of permission predicates (core.decisions)."""

import pytest
from django.core.exceptions import PermissionDenied

from core.decisions import ALLOWED, Decision, deny, refuse_unless
from core.errors import ActionRefused


def test_it_is_falsy_when_refused_and_keeps_the_reason():
    decision = deny("Only street staff may do this.")
    assert not decision
    assert decision.reason == "Only street staff may do this."
    allowed, reason = decision
    assert (allowed, reason) == (False, "Only street staff may do this.")


def test_it_is_truthy_when_allowed():
    assert ALLOWED
    assert Decision(True, "why").reason == "why"


def test_it_raises_the_reason_as_action_refused_or_the_given_error():
    with pytest.raises(ActionRefused, match="no way"):
        refuse_unless(deny("no way"))
    with pytest.raises(PermissionDenied, match="no way"):
        refuse_unless(deny("no way"), PermissionDenied)
    refuse_unless(ALLOWED)


def test_it_rejects_a_bare_tuple_that_would_always_pass():
    with pytest.raises(TypeError):
        refuse_unless((False, "refused"))


@pytest.mark.parametrize(
    "predicate",
    [
        "incubation.permissions.can_exempt_checksum",
        "incubation.permissions.can_override_checkpoint",
        "incubation.permissions.can_manage_street_records",
        "evaluation.permissions.can_run_evaluation",
        "partybuilding.services.members.can_see_personal_data",
    ],
)
def test_it_is_what_every_predicate_answers(predicate, django_user_model, db):
    from django.utils.module_loading import import_string

    nobody = django_user_model.objects.create_user(username="nobody", password="x")
    decision = import_string(predicate)(nobody)
    assert isinstance(decision, Decision)
    assert not decision and decision.reason
