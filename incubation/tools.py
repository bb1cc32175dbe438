"""Buttons that higher apps add to an organization's pages — its admin change page and its
documents page — without incubation importing them (e.g. kaiyihui's audit dossier). A
tool names a URL taking the organization's id and a predicate saying who sees it; the
view behind the URL checks again."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class OrganizationTool:
    code: str
    label: object  # a lazy translation
    url_name: str
    allowed: Callable  # (user, organization) -> bool
    method: str = "post"  # a POST button (it starts work), or "get" for a link
    # "tool": a button of the page; "related": a link to the organization's records kept
    # by a higher app (its reviews, grants, party coverage), shown in the admin's panel.
    group: str = "tool"
    # A list URL filtered to the organization ("organization__id__exact={pk}") instead
    # of a URL taking its id.
    query: str = ""

    def url_for(self, organization) -> str:
        if self.query:
            return f"{reverse(self.url_name)}?{self.query.format(pk=organization.pk)}"
        return reverse(self.url_name, args=[organization.pk])


ORGANIZATION_TOOLS: dict[str, OrganizationTool] = {}


def register_organization_tool(tool: OrganizationTool) -> None:
    ORGANIZATION_TOOLS[tool.code] = tool


def tools_for(user, organization, group: str = "tool") -> list[dict]:
    return [
        {"label": tool.label, "url": tool.url_for(organization), "method": tool.method}
        for tool in ORGANIZATION_TOOLS.values()
        if tool.group == group and tool.allowed(user, organization)
    ]
