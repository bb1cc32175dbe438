"""The public API's endpoints: anonymous GET (and HEAD, OPTIONS) only — every viewset is
read-only, so POST, PUT, PATCH and DELETE answer 405. Authentication, throttling and paging
come from ``REST_FRAMEWORK`` in the settings; filters are query parameters checked here
(a bad one is a 400 that says which)."""

from __future__ import annotations

import datetime
import hashlib

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.public_cache import cached_public
from rankings.api import selectors
from rankings.api.serializers import (
    ActivitySessionSerializer,
    HonourSerializer,
    NeedSerializer,
    OrganizationSerializer,
    ProjectSerializer,
    RankingRowSerializer,
    RankingSerializer,
    ResourceSerializer,
    WishSerializer,
)
from rankings.choices import PeriodKind, ScopeKind

_LARGEST_ID = 2**31 - 1

COMMUNITY = OpenApiParameter(
    "community", OpenApiTypes.INT, description=_("Only rows of this community (its id).")
)


def _positive_int(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if raw.isdigit() and 0 < int(raw) <= _LARGEST_ID:
        return int(raw)
    raise ValidationError({name: [_("Give the id as a positive whole number.")]})


def _date(request, name: str) -> datetime.date | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2100 or len(raw) != 10:
        raise ValidationError({name: [_("Give the date as YYYY-MM-DD.")]})
    return day


def _choice(request, name: str, choices) -> str | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if raw not in choices.values:
        raise ValidationError({name: [_("Unknown value.")]})
    return raw


# The query parameters that change an answer; any other is ignored, so odd input cannot
# make new cache entries.
_ANSWER_PARAMS = (
    "community",
    "organization",
    "period_kind",
    "scope_kind",
    "from",
    "before",
    "page",
    "page_size",
)


class PublicViewSet(viewsets.ReadOnlyModelViewSet):
    """Answers are cached for a minute (``core.public_cache``) after the throttle let the
    request in: a crowd costs the database one set of queries per page and minute. Only
    successful answers are kept; a 400 or 404 is worked out again."""

    lookup_value_converter = "int"

    def get_object(self):
        # An id beyond the 32-bit columns is nobody's: the same 404 as a missing one.
        if not 0 < self.kwargs[self.lookup_field] <= _LARGEST_ID:
            raise Http404
        return super().get_object()

    def _answer_params(self) -> list[str]:
        params = {name: self.request.query_params.get(name, "") for name in _ANSWER_PARAMS}
        # One key per page whatever its spelling (01, 001, …) and per page size used.
        if params["page"].isdigit() or not params["page"]:
            params["page"] = str(int(params["page"] or 1))
        params["page_size"] = str(self.paginator.get_page_size(self.request))
        return [f"{name}={value}" for name, value in params.items()]

    def _cached(self, answer) -> Response:
        # The next and previous links carry the host; parameters are hashed (any text).
        asked = "&".join([get_language() or "", self.request.get_host(), *self._answer_params()])
        digest = hashlib.sha256(asked.encode()).hexdigest()[:32]
        pk = self.kwargs.get(self.lookup_field, "")
        key = f"api:{self.basename}:{self.action}:{pk}:{digest}"
        return Response(cached_public(key, lambda: answer().data))

    def list(self, request, *args, **kwargs):
        return self._cached(lambda: super(PublicViewSet, self).list(request, *args, **kwargs))

    def retrieve(self, request, *args, **kwargs):
        return self._cached(lambda: super(PublicViewSet, self).retrieve(request, *args, **kwargs))


@extend_schema_view(
    list=extend_schema(
        summary=_("Organizations"),
        description=_("Organizations on the register, by name."),
        parameters=[COMMUNITY],
    ),
    retrieve=extend_schema(summary=_("An organization")),
)
class OrganizationViewSet(PublicViewSet):
    serializer_class = OrganizationSerializer

    def get_queryset(self):
        if self.action == "list":
            return selectors.organizations(community_id=_positive_int(self.request, "community"))
        return selectors.organizations()


@extend_schema_view(
    list=extend_schema(
        summary=_("Rankings"),
        description=_(
            "Rankings on public notice or final, newest period first; a ranking replaced "
            "by a re-run is left out of the list."
        ),
        parameters=[
            OpenApiParameter(
                "period_kind", enum=PeriodKind.values, description=_("Monthly or yearly")
            ),
            OpenApiParameter(
                "scope_kind",
                enum=ScopeKind.values,
                description=_("Street-wide, per community or per growth level"),
            ),
            COMMUNITY,
        ],
    ),
    retrieve=extend_schema(summary=_("A ranking")),
)
class RankingViewSet(PublicViewSet):
    serializer_class = RankingSerializer

    def get_queryset(self):
        if self.action == "list":
            return selectors.rankings(
                period_kind=_choice(self.request, "period_kind", PeriodKind),
                scope_kind=_choice(self.request, "scope_kind", ScopeKind),
                community_id=_positive_int(self.request, "community"),
            )
        return selectors.rankings(current=False)

    @extend_schema(
        summary=_("A ranking's rows"),
        description=_("The organizations of a ranking in order, with their scores."),
        responses=RankingRowSerializer(many=True),
    )
    @action(detail=True, serializer_class=RankingRowSerializer)
    def rows(self, request, pk=None):
        def answer():
            page = self.paginate_queryset(selectors.ranking_rows(self.get_object()))
            return self.get_paginated_response(self.get_serializer(page, many=True).data)

        return self._cached(answer)


@extend_schema_view(
    list=extend_schema(
        summary=_("Needs"),
        description=_("Listed needs of the needs list, soonest deadline first."),
        parameters=[COMMUNITY],
    ),
    retrieve=extend_schema(summary=_("A need")),
)
class NeedViewSet(PublicViewSet):
    serializer_class = NeedSerializer

    def get_queryset(self):
        community = _positive_int(self.request, "community") if self.action == "list" else None
        return selectors.needs(community_id=community)


@extend_schema_view(
    list=extend_schema(summary=_("Resources"), description=_("Listed resources, newest first.")),
    retrieve=extend_schema(summary=_("A resource")),
)
class ResourceViewSet(PublicViewSet):
    serializer_class = ResourceSerializer

    def get_queryset(self):
        return selectors.resources()


@extend_schema_view(
    list=extend_schema(
        summary=_("Projects"),
        description=_("Matched projects with the social funds committed, newest first."),
        parameters=[COMMUNITY],
    ),
    retrieve=extend_schema(summary=_("A project")),
)
class ProjectViewSet(PublicViewSet):
    serializer_class = ProjectSerializer

    def get_queryset(self):
        community = _positive_int(self.request, "community") if self.action == "list" else None
        return selectors.projects(community_id=community)


@extend_schema_view(
    list=extend_schema(
        summary=_("Micro-wishes"),
        description=_("The wish wall, newest first: an alias and an age band, never a name."),
        parameters=[COMMUNITY],
    ),
    retrieve=extend_schema(summary=_("A micro-wish")),
)
class WishViewSet(PublicViewSet):
    serializer_class = WishSerializer

    def get_queryset(self):
        community = _positive_int(self.request, "community") if self.action == "list" else None
        return selectors.wishes(community_id=community)


@extend_schema_view(
    list=extend_schema(
        summary=_("Activities"),
        description=_(
            "Sessions of published and finished public-benefit activities, in order of their start."
        ),
        parameters=[
            COMMUNITY,
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description=_("Sessions starting on or after")
            ),
            OpenApiParameter(
                "before", OpenApiTypes.DATE, description=_("Sessions starting before")
            ),
        ],
    ),
    retrieve=extend_schema(summary=_("An activity session")),
)
class ActivityViewSet(PublicViewSet):
    serializer_class = ActivitySessionSerializer

    def get_queryset(self):
        if self.action != "list":
            return selectors.sessions()
        return selectors.sessions(
            community_id=_positive_int(self.request, "community"),
            starts_from=_date(self.request, "from"),
            starts_before=_date(self.request, "before"),
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("Honours"),
        description=_(
            "Honours awarded by the hub's award campaigns (评选), newest first; a person's "
            "name is masked."
        ),
        parameters=[
            OpenApiParameter(
                "organization", int, description=_("Only this organization's own honours")
            )
        ],
    ),
    retrieve=extend_schema(summary=_("An honour")),
)
class HonourViewSet(PublicViewSet):
    serializer_class = HonourSerializer

    def get_queryset(self):
        if self.action == "list":
            return selectors.honours(organization_id=_positive_int(self.request, "organization"))
        return selectors.honours()
