"""Pages of the export: a member's own ("Download all my data") and the admin's exports made
for members who asked. The ZIP is built by a task; the page polls its progress with htmx."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from springboard.lib.pagination import paginate
from springboard.privacy.exports import access, selectors, services
from springboard.privacy.exports.forms import MemberExportForm
from springboard.privacy.models import ExportJob


def _htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = access.exporter(request)
    if request.method == "POST":
        job = services.export_start(membership=viewer, requested_by=viewer.user)
        return redirect("exports:detail", agency_slug=agency_slug, export_id=job.public_id)
    context = {"page": paginate(request, selectors.exports_of(viewer)), "now": timezone.now()}
    return render(request, "privacy/exports/mine.html", context)


@require_GET
def detail(request: HttpRequest, agency_slug: str, export_id: UUID) -> HttpResponse:
    """An export's progress (polled with htmx while it is built) and its download link."""
    viewer, job = access.export_of(request, export_id)
    context = {"job": job, "own": job.membership_id == viewer.pk, "now": timezone.now()}
    if _htmx(request):
        return render(request, "privacy/exports/detail.html#export-state", context)
    return render(request, "privacy/exports/detail.html", context)


def _file_name(job: ExportJob) -> str:
    day = timezone.localdate(job.finished_at or job.created_at)
    return f"springboard-{job.agency.slug}-{day:%Y-%m-%d}.zip"


@require_GET
def download(request: HttpRequest, agency_slug: str, export_id: UUID) -> HttpResponseBase:
    viewer, job = access.export_of(request, export_id, contents=True)
    if not job.downloadable():
        # Gone for good (expired, failed) or not there yet: the page says which and what to do.
        return render(request, "privacy/exports/unavailable.html", {"job": job}, status=410)
    handle = services.export_open(job=job, actor=viewer.user)
    return FileResponse(
        handle, as_attachment=True, filename=_file_name(job), content_type="application/zip"
    )


@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, agency_slug: str) -> HttpResponse:
    admin = access.admin(request)
    form = MemberExportForm(request.POST or None, agency=admin.agency)
    if request.method == "POST" and form.is_valid() and form.membership is not None:
        job = services.export_start(membership=form.membership, requested_by=admin.user)
        return redirect("exports:detail", agency_slug=agency_slug, export_id=job.public_id)
    context = {
        "form": form,
        "page": paginate(request, selectors.exports_requested_by(admin)),
        "now": timezone.now(),
    }
    return render(request, "privacy/exports/members.html", context)


@require_POST
def member_start(request: HttpRequest, agency_slug: str, membership_id: UUID) -> HttpResponse:
    """Start from the member's page: a button posting here."""
    membership = access.member(request, membership_id)
    admin = access.admin(request)
    job = services.export_start(membership=membership, requested_by=admin.user)
    return redirect("exports:detail", agency_slug=agency_slug, export_id=job.public_id)
