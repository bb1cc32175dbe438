"""Portal pages of volunteers and organizers.

Volunteers (any signed-in account) see the published activities of their street, sign up,
give a place up and sign in and out by the venue's QR code. Organizers (``can_organize``:
the organization's leaders, the branch's party workers, the street's and community's
staff) draft activities, keep the roster and show the QR codes. Every write goes through
``volunteering.services``; an activity outside these rules is the 404 of a missing one."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Community
from accounts.roles import Role, roles_of
from accounts.scoping import NOTHING
from core.errors import ActionRefused, refusal_text
from core.forms import add_refusal
from core.http import tell_outcome
from incubation.models import Organization
from marketplace.models import PartnerUnit
from partybuilding.models import PartyOrganization
from volunteering.choices import OrganizerKind
from volunteering.forms import (
    ActivityDraftForm,
    MarkAttendanceForm,
    SessionTimesForm,
    SupplementForm,
)
from volunteering.models import Activity, HoursSupplement, Place, Session, Volunteer
from volunteering.permissions import can_organize
from volunteering.services.activities import (
    activity_draft,
    activity_submit,
    session_add,
    session_renew_qr,
)
from volunteering.services.places import (
    cancel_place,
    close_session,
    mark_attendance,
    mark_attendance_of_new_person,
    scan,
    sign_up,
)
from volunteering.services.supplements import supplement_request
from volunteering.services.volunteers import volunteer_for_account
from volunteering.tokens import SIGN_IN, SIGN_OUT, make_token, qr_window, read_token
from volunteering.workflows import (
    LIVE_PLACE_STATUSES,
    PUBLIC_ACTIVITY_STATUSES,
    TAKEN_PLACE_STATUSES,
    ActivityStatus,
    PlaceStatus,
    SupplementStatus,
)

PER_PAGE = 20
ORGANIZER_ROWS = 30
MY_PLACES = 50
ORGANIZERS = ("organization", "party_org", "partner_unit", "community")
# Places the organizer may still mark as attended (not signed in, session not closed).
MARKABLE = (PlaceStatus.CONFIRMED, PlaceStatus.WAITING)


# --- Who sees what -----------------------------------------------------------------------------


def _street_id(user) -> int | None:
    """The street whose activities the person is offered: the account's, else the one
    their volunteer or party member record names. Read only: a GET makes no record."""
    if user.street_id:
        return user.street_id
    street = Volunteer.objects.filter(account=user).values_list("street_id", flat=True).first()
    if street:
        return street
    member = getattr(user, "party_member", None)
    return member.branch.street_id if member is not None else None


def organized_by(user) -> Q:
    """The activities ``can_organize`` lets the user run, as a filter (the same rules)."""
    if user.is_superuser:
        return Q()
    roles = roles_of(user)
    q = Q(organization__in=Organization.objects.filter(leader_accounts=user).values("pk"))
    if Role.PARTY_WORKER in roles:
        branches = PartyOrganization.objects.filter(worker_accounts=user).values("pk")
        q |= Q(party_org__in=branches)
    if Role.STREET_ADMIN in roles and user.street_id:
        q |= Q(street_id=user.street_id)
    if Role.COMMUNITY_STAFF in roles and user.community_id:
        q |= Q(community_id=user.community_id)
    return q


def _portal_activities(user):
    """Published (and finished) activities of the person's street, and those they run."""
    street_id = _street_id(user)
    public = Q(status__in=PUBLIC_ACTIVITY_STATUSES, street_id=street_id) if street_id else NOTHING
    return Activity.objects.filter(public | organized_by(user))


def _one_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _organized_activity(user, pk) -> Activity:
    qs = Activity.objects.filter(organized_by(user)).select_related(*ORGANIZERS, "street")
    return _one_or_404(qs, pk=pk)


def _organized_session(user, pk) -> Session:
    activities = Activity.objects.filter(organized_by(user)).values("pk")
    qs = Session.objects.filter(activity__in=activities).select_related(
        "activity__organization",
        "activity__party_org",
        "activity__partner_unit",
        "activity__street",
    )
    return _one_or_404(qs, pk=pk)


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


# --- Volunteers ---------------------------------------------------------------------------------


@require_GET
@login_required
def home(request):
    """What the person may sign up for in their street, and their places."""
    user, now = request.user, timezone.now()
    street_id = _street_id(user)
    activities = Activity.objects.none()
    if street_id:
        activities = (
            Activity.objects.filter(
                street_id=street_id, status=ActivityStatus.PUBLISHED, recruit_until__gt=now
            )
            .annotate(next_start=Min("sessions__starts_at", filter=Q(sessions__ends_at__gt=now)))
            .filter(next_start__isnull=False)
            .select_related(*ORGANIZERS)
            .order_by("next_start", "pk")
        )
    page = Paginator(activities, PER_PAGE).get_page(request.GET.get("page"))
    # How many wait before each of my waiting places (same session, earlier).
    ahead = (
        Place.objects.filter(session=OuterRef("session"), status=PlaceStatus.WAITING)
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    places = (
        Place.objects.filter(
            volunteer__account=user,
            status__in=MARKABLE,
            session__ends_at__gt=now,
        )
        .select_related("session__activity")
        .annotate(ahead=Coalesce(Subquery(ahead, output_field=IntegerField()), 0))
        .order_by("session__starts_at", "pk")[:MY_PLACES]
    )
    context = {"page": page, "places": places, "now": now, "has_street": bool(street_id)}
    return render(request, "volunteering/portal/home.html", context)


@require_GET
@login_required
def activity(request, pk):
    """An activity, its sessions with the places left, and a sign-up button per session."""
    user, now = request.user, timezone.now()
    activity = _one_or_404(_portal_activities(user).select_related(*ORGANIZERS), pk=pk)
    sessions = activity.sessions.annotate(
        taken=Count("places", filter=Q(places__status__in=TAKEN_PLACE_STATUSES)),
        waiting=Count("places", filter=Q(places__status=PlaceStatus.WAITING)),
    ).order_by("starts_at", "pk")
    mine = {
        place.session_id: place
        for place in Place.objects.filter(
            session__activity=activity, volunteer__account=user, status__in=LIVE_PLACE_STATUSES
        )
    }
    open_for_sign_up = activity.status == ActivityStatus.PUBLISHED and now <= activity.recruit_until
    rows = [
        {
            "session": session,
            "left": max(activity.capacity - session.taken, 0),
            "waiting": session.waiting,
            "mine": mine.get(session.pk),
            "may_sign_up": open_for_sign_up and session.ends_at > now and session.pk not in mine,
        }
        for session in sessions
    ]
    context = {
        "activity": activity,
        "rows": rows,
        "open_for_sign_up": open_for_sign_up,
        "organizes": bool(can_organize(user, activity)),
    }
    return render(request, "volunteering/portal/activity.html", context)


@require_POST
@login_required
def session_sign_up(request, pk):
    user = request.user
    activities = _portal_activities(user).values("pk")
    session = _one_or_404(
        Session.objects.filter(activity__in=activities).select_related(
            "activity__organization", "activity__party_org", "activity__partner_unit"
        ),
        pk=pk,
    )
    try:
        place = sign_up(session, volunteer_for_account(user), actor=user)
    except (ActionRefused, ValidationError) as exc:
        messages.error(request, refusal_text(exc))
    else:
        when = timezone.localtime(session.starts_at).strftime("%m-%d %H:%M")
        if place.status == PlaceStatus.WAITING:
            ahead = Place.objects.filter(
                session=session, status=PlaceStatus.WAITING, created_at__lt=place.created_at
            ).count()
            messages.warning(
                request,
                _(
                    "The session of %(time)s is full: you are number %(n)s on the waiting "
                    "list and move up when somebody gives a place up."
                )
                % {"time": when, "n": ahead + 1},
            )
        else:
            messages.success(
                request, _("You are signed up for the session of %(time)s.") % {"time": when}
            )
    return redirect("volunteering:activity", pk=session.activity_id)


@require_POST
@login_required
def place_cancel(request, pk):
    """Give one's own place up; the first on the waiting list moves up."""
    user = request.user
    place = _one_or_404(
        Place.objects.filter(volunteer__account=user).select_related(
            "session__activity", "volunteer"
        ),
        pk=pk,
    )
    tell_outcome(request, lambda: cancel_place(place, actor=user), _("Your place is given up."))
    return redirect("volunteering:home")


def _scan_plan(session, token, user) -> tuple[str, str]:
    """What scanning this code will do (``in`` / ``out``), or ``("", why not)``. Reads
    only."""
    try:
        parsed = read_token(token, session)
    except ActionRefused as exc:
        return "", refusal_text(exc)
    if session.activity.status != ActivityStatus.PUBLISHED:
        return "", _("This activity is not open.")
    place = (
        Place.objects.filter(
            session=session, volunteer__account=user, status__in=LIVE_PLACE_STATUSES
        )
        .only("signed_in_at", "signed_out_at")
        .first()
    )
    if parsed.act == SIGN_IN and place is not None and place.signed_in_at is not None:
        when = timezone.localtime(place.signed_in_at).strftime("%H:%M")
        return "", _("You signed in at %(time)s already.") % {"time": when}
    if parsed.act == SIGN_OUT:
        if place is None or place.signed_in_at is None:
            return "", _("Sign in first: there is no sign-in to close.")
        if place.signed_out_at is not None:
            when = timezone.localtime(place.signed_out_at).strftime("%H:%M")
            return "", _("You signed out at %(time)s already.") % {"time": when}
    return parsed.act, ""


@require_http_methods(["GET", "POST"])
@login_required
def session_scan(request, session_pk, token):
    """The page the venue's QR code opens. GET says what will happen and writes nothing;
    POST signs the account's volunteer in or out."""
    user = request.user
    activities = _portal_activities(user).values("pk")
    session = _one_or_404(
        Session.objects.filter(activity__in=activities).select_related(
            "activity__organization", "activity__party_org", "activity__partner_unit"
        ),
        pk=session_pk,
    )
    act, refusal = _scan_plan(session, token, user)
    context = {"session": session, "activity": session.activity, "act": act, "refusal": refusal}
    if request.method == "POST" and act:
        try:
            place = scan(session, token, volunteer_for_account(user), actor=user)
        except (ActionRefused, ValidationError) as exc:
            context["refusal"] = refusal_text(exc)
        else:
            context["done"] = place
    return render(request, "volunteering/portal/scan.html", context)


# --- Organizers ---------------------------------------------------------------------------------


def _organizer_choices(user) -> list[dict]:
    """Those the user may organize an activity for: led organizations, branches worked
    for, and for staff the hub and the street's partner units."""
    choices = [
        {
            "key": f"{OrganizerKind.ORGANIZATION}:{org.pk}",
            "label": org.name,
            "fields": {"organization": org},
            "street_id": org.community.street_id,
            "community_id": org.community_id,
        }
        for org in Organization.objects.filter(leader_accounts=user).select_related("community")
    ]
    if Role.PARTY_WORKER in roles_of(user):
        choices += [
            {
                "key": f"{OrganizerKind.PARTY_ORG}:{branch.pk}",
                "label": branch.name,
                "fields": {"party_org": branch},
                "street_id": branch.street_id,
                "community_id": branch.community_id,
            }
            for branch in PartyOrganization.objects.filter(worker_accounts=user)
        ]
    roles = roles_of(user)
    staff = Role.STREET_ADMIN in roles or Role.COMMUNITY_STAFF in roles or user.is_superuser
    if staff and user.street_id:
        choices.append(
            {
                "key": f"{OrganizerKind.HUB}:",
                "label": str(OrganizerKind.HUB.label),
                "fields": {},
                "street_id": user.street_id,
                "community_id": user.community_id,
            }
        )
        choices += [
            {
                "key": f"{OrganizerKind.PARTNER_UNIT}:{unit.pk}",
                "label": unit.name,
                "fields": {"partner_unit": unit},
                "street_id": user.street_id,
                "community_id": user.community_id,
            }
            for unit in PartnerUnit.objects.filter(street_id=user.street_id)
        ]
    return choices


def _draft_fields(form, chosen) -> dict:
    data = form.cleaned_data
    kind = chosen["key"].split(":", 1)[0]
    return {
        "title": data["title"],
        "series": data["series"],
        "description": data["description"],
        "organizer_kind": kind,
        **chosen["fields"],
        "street_id": chosen["street_id"],
        "community_id": data.get("community") or chosen["community_id"],
        "place": data["place"],
        "audience": data["audience"],
        "capacity": data["capacity"],
        "recruit_until": data["recruit_until"],
        "starts_at": data["starts_at"],
        "ends_at": data["ends_at"],
    }


@require_http_methods(["GET", "POST"])
@login_required
def organize(request):
    """The activities the user runs, and a draft of a new one with its first session."""
    user = request.user
    choices = _organizer_choices(user)
    activities = (
        Activity.objects.filter(organized_by(user))
        .select_related(*ORGANIZERS)
        .annotate(session_count=Count("sessions"), first_start=Min("sessions__starts_at"))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(activities, ORGANIZER_ROWS).get_page(request.GET.get("page"))
    if not choices and not page.object_list:
        raise Http404
    streets = {c["street_id"] for c in choices}
    communities = Community.objects.filter(street_id__in=streets).order_by("street_id", "name")
    form = ActivityDraftForm(
        request.POST or None,
        organizers=[(c["key"], c["label"]) for c in choices],
        communities=communities,
    )
    if request.method == "POST" and form.is_valid():
        chosen = next(c for c in choices if c["key"] == form.cleaned_data["organizer"])
        try:
            created = activity_draft(actor=user, **_draft_fields(form, chosen))
        except (ActionRefused, ValidationError) as exc:
            add_refusal(form, exc)
        else:
            messages.success(
                request,
                _("Draft saved. Check it, then submit it for approval: the staff publish it."),
            )
            return redirect("volunteering:roster", pk=created.pk)
    context = {"page": page, "form": form, "submittable": _SUBMITTABLE}
    return render(request, "volunteering/portal/organize.html", context)


_SUBMITTABLE = (ActivityStatus.DRAFT, ActivityStatus.REJECTED)


@require_POST
@login_required
def organize_submit(request, pk):
    activity = _organized_activity(request.user, pk)
    tell_outcome(
        request,
        lambda: activity_submit(activity, actor=request.user),
        _("Submitted: the staff approve and publish it."),
    )
    return redirect("volunteering:roster", pk=activity.pk)


# Activities that still take sessions (a submitted one waits for the staff's answer).
_GROWING = (ActivityStatus.DRAFT, ActivityStatus.REJECTED, ActivityStatus.PUBLISHED)


@require_http_methods(["GET", "POST"])
@login_required
def roster(request, pk):
    """Per session: every place with its times, hours and sources, and the organizer's
    buttons (close, mark attendance, supplement, QR codes); POST adds a session."""
    activity = _organized_activity(request.user, pk)
    new_session = SessionTimesForm(request.POST or None)
    if request.method == "POST" and new_session.is_valid():
        try:
            added = session_add(activity, actor=request.user, **new_session.cleaned_data)
        except (ActionRefused, ValidationError) as exc:
            add_refusal(new_session, exc)
        else:
            when = timezone.localtime(added.starts_at)
            messages.success(
                request, _("Session added: %(when)s.") % {"when": when.strftime("%Y-%m-%d %H:%M")}
            )
            return redirect("volunteering:roster", pk=activity.pk)
    pending = HoursSupplement.objects.filter(place=OuterRef("pk"), status=SupplementStatus.PENDING)
    places = (
        Place.objects.filter(status__in=LIVE_PLACE_STATUSES)
        .select_related("volunteer")
        .annotate(supplement_pending=Exists(pending))
        .order_by("created_at", "pk")
    )
    sessions = activity.sessions.prefetch_related(Prefetch("places", queryset=places)).order_by(
        "starts_at", "pk"
    )
    now = timezone.now()
    rows = []
    for session in sessions:
        session_places = list(session.places.all())
        rows.append(
            {
                "session": session,
                "places": session_places,
                "markable": [
                    p for p in session_places if p.status in MARKABLE and p.signed_in_at is None
                ],
                "ended": now >= session.ends_at,
                "taken": sum(p.status in TAKEN_PLACE_STATUSES for p in session_places),
            }
        )
    context = {
        "activity": activity,
        "rows": rows,
        "submittable": activity.status in _SUBMITTABLE,
        "new_session": new_session if activity.status in _GROWING else None,
    }
    return render(request, "volunteering/portal/roster.html", context)


@require_POST
@login_required
def organize_close(request, pk):
    """Close the session's attendance: those signed up who did not come are no-shows."""
    session = _organized_session(request.user, pk)
    try:
        absent = close_session(session, actor=request.user)
    except (ActionRefused, ValidationError) as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, _("Attendance closed: %(n)s no-shows recorded.") % {"n": absent})
    return redirect("volunteering:roster", pk=session.activity_id)


@require_POST
@login_required
def organize_mark(request, pk):
    """Mark attendance for somebody without a phone: a signed-up person or a new name."""
    user = request.user
    session = _organized_session(user, pk)
    candidates = list(
        session.places.filter(status__in=MARKABLE, signed_in_at__isnull=True).select_related(
            "volunteer"
        )
    )
    form = MarkAttendanceForm(request.POST, places=candidates)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("volunteering:roster", pk=session.activity_id)
    data = form.cleaned_data
    times = {"signed_in_at": data["signed_in_at"], "signed_out_at": data["signed_out_at"]}
    if data["place"]:
        volunteer = next(p.volunteer for p in candidates if p.pk == data["place"])
        name = volunteer.name

        def write():
            mark_attendance(session, volunteer, actor=user, **times)
    else:
        name = data["name"].strip()

        def write():
            mark_attendance_of_new_person(session, name=name, actor=user, **times)

    tell_outcome(request, write, _("Attendance of %(name)s recorded.") % {"name": name})
    return redirect("volunteering:roster", pk=session.activity_id)


@require_POST
@login_required
def organize_supplement(request, pk):
    """Ask for a supplement of a place's times; a second person approves it."""
    user = request.user
    activities = Activity.objects.filter(organized_by(user)).values("pk")
    place = _one_or_404(
        Place.objects.filter(session__activity__in=activities).select_related(
            "session__activity__organization", "session__activity__party_org", "volunteer"
        ),
        pk=pk,
    )
    form = SupplementForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        data = form.cleaned_data
        tell_outcome(
            request,
            lambda: supplement_request(
                place,
                signed_in_at=data["signed_in_at"],
                signed_out_at=data["signed_out_at"],
                reason=data["reason"],
                actor=user,
            ),
            _("Supplement requested: it counts once a second person approves it."),
        )
    return redirect("volunteering:roster", pk=place.session.activity_id)


def _qr_image(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=8, border=2)


@require_http_methods(["GET", "POST"])
@login_required
def session_qr(request, pk):
    """The session's two QR codes, to show on a screen or print; POST replaces them."""
    session = _organized_session(request.user, pk)
    if request.method == "POST":
        tell_outcome(
            request,
            lambda: session_renew_qr(session, actor=request.user),
            _("New QR codes: the ones shown or printed before no longer work."),
        )
        return redirect("volunteering:session_qr", pk=session.pk)
    codes = []
    for act, label in (
        (SIGN_IN, _("Sign in to the session")),
        (SIGN_OUT, _("Sign out of the session")),
    ):
        path = reverse(
            "volunteering:scan",
            kwargs={"session_pk": session.pk, "token": make_token(session, act)},
        )
        url = request.build_absolute_uri(path)
        codes.append({"act": act, "label": label, "url": url, "image": _qr_image(url)})
    opens, closes = qr_window(session)
    context = {
        "session": session,
        "activity": session.activity,
        "codes": codes,
        "opens": opens,
        "closes": closes,
    }
    return render(request, "volunteering/portal/session_qr.html", context)
