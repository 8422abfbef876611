"""`{% plan_tool task as tool %}`: the link a plan task offers to the page that does its work."""

from __future__ import annotations

from typing import Any, NamedTuple

from django import template

from springboard.programmes.models import PlanItem
from springboard.programmes.tools import TOOLS, tool_url

register = template.Library()


class ToolLink(NamedTuple):
    label: Any
    url: str


@register.simple_tag
def plan_tool(task: PlanItem, agency_slug: str) -> ToolLink | None:
    url = tool_url(task.tool, agency_slug) if task.tool else None
    return ToolLink(TOOLS[task.tool].label, url) if url else None


@register.filter
def tool_name(key: str) -> Any:
    """What a template task opens, in the viewer's language ("" for a plain task)."""
    tool = TOOLS.get(key)
    return tool.name if tool else ""
