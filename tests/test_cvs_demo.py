"""The demo CVs: built from the demo profiles, versioned, commented, idempotent."""

from __future__ import annotations

from springboard.cvs.demo import cvs_demo
from springboard.cvs.models import Cv, CvVersion, Letter, VersionComment
from springboard.profiles.models import CareerEntry
from springboard.profiles.services import profile_ensure
from tests.factories import World, make_programme


def test_demo_builds_versions_and_comments_once(world: World) -> None:
    make_programme(world.a, candidate=world.a.candidate, coaches=[world.a.coach])
    CareerEntry.objects.create(
        profile=profile_ensure(world.a.candidate),
        employer="Nordlager",
        title="Planner",
        start_year=2019,
    )
    candidates = [world.a.candidate, world.a.candidate2]
    cvs_demo(world.a.agency, candidates)
    cvs_demo(world.a.agency, candidates)
    cv = Cv.objects.get()  # candidate2 has no profile: nothing to build from
    assert cv.candidate == world.a.candidate
    assert list(CvVersion.objects.filter(cv=cv).values_list("number", flat=True)) == [2, 1]
    assert VersionComment.objects.get().author == world.a.coach
    assert Letter.objects.count() == 1
