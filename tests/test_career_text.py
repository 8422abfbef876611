"""Career entries suggested from CV text (springboard.lib.career_text), in en/nl/da/nb."""

from __future__ import annotations

import random
import re
import time

import pytest

from springboard.lib.career_text import MAX_SUGGESTIONS, CareerSuggestion, suggest_career_entries
from springboard.lib.documents import document_text
from tests import document_corpus as corpus

DASH = "\u2013"  # en dash
EM_DASH = "\u2014"


def entries(text: str) -> list[tuple[str, str, str | None, str | None, bool]]:
    return [
        (entry.title, entry.employer, entry.start, entry.end, entry.current)
        for entry in suggest_career_entries(text)
    ]


def test_english_cv_with_dates_above_titles_and_bulleted_descriptions() -> None:
    text = "\n".join(
        [
            "Jane Doe",
            "jane@example.com | +44 20 7946 0958",
            "",
            "Profile",
            "Developer with ten years of experience, 2010-2024.",
            "",
            "Work experience",
            "03/2015 - present",
            "Senior Developer, Acme Ltd",
            "• Led a team of five",
            "• Migrated billing 2016-2017",
            f"2010 {DASH} 2015",
            "Developer at Widgets Inc",
            "Built the web shop.",
            "",
            "Education",
            "2006 - 2010 BSc Computer Science, University of Leeds",
        ]
    )
    suggestions = suggest_career_entries(text)
    assert suggestions == [
        CareerSuggestion(
            title="Senior Developer",
            employer="Acme Ltd",
            start="2015-03",
            end=None,
            current=True,
            description="Led a team of five\nMigrated billing 2016-2017",
            source_line=8,
        ),
        CareerSuggestion(
            title="Developer",
            employer="Widgets Inc",
            start="2010",
            end="2015",
            current=False,
            description="Built the web shop.",
            source_line=12,
        ),
    ]


def test_dutch_cv_with_titles_above_dates() -> None:
    text = "\n".join(
        [
            "Jan Jansen",
            "Werkervaring:",
            f"Projectleider {DASH} Gemeente Utrecht",
            f"jan. 2018 {DASH} heden",
            "- Verantwoordelijk voor de planning",
            "",
            "Medewerker klantenservice bij Coolblue",
            f"mrt. 2012 {DASH} okt. 2017",
            "OPLEIDING",
            "2008-2012 HBO Bedrijfskunde, Hogeschool Utrecht",
        ]
    )
    assert suggest_career_entries(text) == [
        CareerSuggestion(
            title="Projectleider",
            employer="Gemeente Utrecht",
            start="2018-01",
            end=None,
            current=True,
            description="Verantwoordelijk voor de planning",
            source_line=4,
        ),
        CareerSuggestion(
            title="Medewerker klantenservice",
            employer="Coolblue",
            start="2012-03",
            end="2017-10",
            current=False,
            description="",
            source_line=8,
        ),
    ]


def test_danish_cv_from_a_table() -> None:
    text = "\n".join(
        [
            "Søren Østergård",
            "Erhvervserfaring",
            "marts 2016 - nu\tLærer, Åby Skole",
            "aug 2012 \u2013 d.d.\tSkolebibliotekar",
            "2010-2014\tPædagog hos Aarhus Kommune",
            "maj 2008 - juni 2010\tVikar\tAarhus Kommune",
            "Uddannelse",
            f"2006 {DASH} 2010\tLæreruddannelsen, VIA University College",
        ]
    )
    assert entries(text) == [
        ("Lærer", "Åby Skole", "2016-03", None, True),
        ("Skolebibliotekar", "", "2012-08", None, True),
        ("Pædagog", "Aarhus Kommune", "2010", "2014", False),
        ("Vikar", "Aarhus Kommune", "2008-05", "2010-06", False),
    ]


def test_norwegian_cv_with_dates_after_the_title() -> None:
    text = "\n".join(
        [
            "Kari Nordmann",
            "ARBEIDSERFARING",
            "Sykepleier ved Oslo universitetssykehus, 2019\u2013nå",
            f"Helsefagarbeider, Bergen kommune, 2014 {DASH} 2019",
            "Butikkmedarbeider | Rema 1000 (mai 2010 \u2013 des. 2012)",
            "Utdanning",
            "2010-2014 Bachelor i sykepleie",
        ]
    )
    assert entries(text) == [
        ("Sykepleier", "Oslo universitetssykehus", "2019", None, True),
        ("Helsefagarbeider", "Bergen kommune", "2014", "2019", False),
        # "Employer | Title" is the rule, but "-medarbeider" is a job title.
        ("Butikkmedarbeider", "Rema 1000", "2010-05", "2012-12", False),
    ]


def test_two_header_lines_below_the_dates_take_the_employer_by_its_legal_form() -> None:
    text = "\n".join(
        [
            "Experience",
            "2018 - 2021",
            "Nordic Foods A/S",
            "Key account manager",
            "Grew sales by a third.",
            "2015 - 2018",
            "Sales assistant",
            "Acme Ltd",
        ]
    )
    assert entries(text) == [
        ("Key account manager", "Nordic Foods A/S", "2018", "2021", False),
        ("Sales assistant", "Acme Ltd", "2015", "2018", False),
    ]
    assert suggest_career_entries(text)[0].description == "Grew sales by a third."


def test_a_date_line_naming_only_the_employer_takes_the_title_below() -> None:
    text = "Work history\n2012 - 2016  Acme Ltd\nWarehouse lead\n• Ran the night shift"
    assert entries(text) == [("Warehouse lead", "Acme Ltd", "2012", "2016", False)]


@pytest.mark.parametrize(
    ("line", "start", "end", "current"),
    [
        ("2010-2014 Developer", "2010", "2014", False),
        (f"2015 {EM_DASH} 2019 Developer", "2015", "2019", False),
        ("2015 to 2019 Developer", "2015", "2019", False),
        ("fra 2015 til 2019 Udvikler", "2015", "2019", False),
        ("van 2015 tot 2019 Ontwikkelaar", "2015", "2019", False),
        ("01.03.2015 - 31.12.2019 Utvikler", "2015-03", "2019-12", False),
        ("2015-03 - 2019-11 Developer", "2015-03", "2019-11", False),
        ("3/2015 - 11/2019 Developer", "2015-03", "2019-11", False),
        ("Sept. 2015 - Feb 2019 Developer", "2015-09", "2019-02", False),
        ("mei 2015 - mrt 2019 Ontwikkelaar", "2015-05", "2019-03", False),
        ("januar 2015 - desember 2019 Utvikler", "2015-01", "2019-12", False),
        ("2019 - today Developer", "2019", None, True),
        ("2019 - Present Developer", "2019", None, True),
        ("2019 - nu Ontwikkelaar", "2019", None, True),
        ("2019 - tot heden Ontwikkelaar", "2019", None, True),
        ("maj 2011 - dags dato Udvikler", "2011-05", None, True),
        ("2019 - i dag Utvikler", "2019", None, True),
        ("2019 - nå Utvikler", "2019", None, True),
        ("Since 2019 Developer", "2019", None, True),
        ("Sinds maart 2019 Ontwikkelaar", "2019-03", None, True),
    ],
)
def test_date_range_shapes(line: str, start: str, end: str | None, current: bool) -> None:
    [suggestion] = suggest_career_entries(line)
    assert (suggestion.start, suggestion.end, suggestion.current) == (start, end, current)
    assert suggestion.title in {"Developer", "Udvikler", "Ontwikkelaar", "Utvikler"}
    assert suggestion.source_line == 1


def test_without_an_experience_heading_everything_but_education_counts() -> None:
    text = "\n".join(
        [
            "Ola Nordmann",
            "Lagermedarbeider, Posten Norge AS, 2016 - 2020",
            "Utdanning",
            "2012 - 2015 Fagbrev logistikk",
        ]
    )
    assert entries(text) == [("Lagermedarbeider", "Posten Norge AS", "2016", "2020", False)]


def test_with_an_experience_heading_other_sections_are_left_out() -> None:
    text = "\n".join(
        [
            "Courses",
            "2019 - 2020 Python for data analysis",
            "Work experience",
            "2016 - 2020 Analyst, Statistics Denmark",
            "Frivilligt arbejde",
            "2010 - 2015 Træner, Aarhus Håndboldklub",
        ]
    )
    assert entries(text) == [("Analyst", "Statistics Denmark", "2016", "2020", False)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("Jane Doe\nDeveloper at Acme Ltd\nSkills: Python, SQL", id="no dates"),
        pytest.param("Experience\n2019 Developer, Acme Ltd\n2015 Tester", id="single years"),
        pytest.param("Experience\n2019 - 2015 Developer", id="ends before it starts"),
        pytest.param("Experience\n1890 - 1895 Clerk", id="implausible years"),
        pytest.param("Experience\n13/2015 - 14/2016 Developer", id="no such months"),
        pytest.param("Education\n2010 - 2014 BSc, University of Oslo", id="education only"),
        pytest.param("Opleiding\n2010 - 2014 HBO", id="education only nl"),
        pytest.param("Uddannelse\n2010 - 2014 Cand.mag.", id="education only da"),
        pytest.param("Utdanning\n2010 - 2014 Bachelor", id="education only nb"),
        pytest.param(
            "Experience\n• Ran the 2016-2017 migration\n- Budget 2018-2019",
            id="bullets",
        ),
        pytest.param(
            "In the years 2015 - 2019 I worked on many projects for many different clients in "
            "several countries and learned a great deal about the trade.",
            id="a sentence",
        ),
        pytest.param("Phone 20152019, postcode 2015", id="numbers"),
    ],
)
def test_nothing_is_suggested_without_a_date_range_of_a_job(text: str) -> None:
    assert suggest_career_entries(text) == []


def test_at_most_thirty_suggestions() -> None:
    text = "\n".join(f"{year} - {year + 1} Job {year}" for year in range(1960, 2020))
    suggestions = suggest_career_entries(text)
    assert len(suggestions) == MAX_SUGGESTIONS
    assert suggestions[0].title == "Job 1960"


def test_long_text_is_handled_quickly() -> None:
    noise = "Lorem ipsum dolor sit amet, 2015 consectetur - adipiscing elit sed do.\n" * 30_000
    started = time.perf_counter()
    assert suggest_career_entries(noise + "-" * 100_000 + "\n") == []
    assert len(suggest_career_entries("Experience\n" + "2015 - 2019\n\n" * 60_000)) == 30
    assert time.perf_counter() - started < 3


def test_a_linkedin_export_with_employer_above_title_and_durations() -> None:
    text = "\n".join(
        [
            "Experience",
            "Maersk",
            "Logistics Coordinator",
            "March 2015 - Present (9 years 2 months)",
            "Copenhagen, Denmark",
            "Planned container flows.",
            "Acme Ltd",
            "Warehouse assistant",
            "January 2010 - February 2015 (5 years 1 month)",
        ]
    )
    assert entries(text) == [
        ("Logistics Coordinator", "Maersk", "2015-03", None, True),
        ("Warehouse assistant", "Acme Ltd", "2010-01", "2015-02", False),
    ]
    assert suggest_career_entries(text)[0].description == (
        "Copenhagen, Denmark\nPlanned container flows."
    )


def test_employer_pipe_title_is_the_default_order() -> None:
    assert entries("Experience\nRema 1000 | Kassa\t2010 - 2012") == [
        ("Kassa", "Rema 1000", "2010", "2012", False)
    ]


def test_a_duration_beside_the_dates_is_not_a_title() -> None:
    assert entries("Projectleider, Gemeente Utrecht\n2018 - 2021 (3 jaar)") == [
        ("Projectleider", "Gemeente Utrecht", "2018", "2021", False)
    ]
    assert entries("Lærer, Åby Skole · 2016 - 2020 · 4 år") == [
        ("Lærer", "Åby Skole", "2016", "2020", False)
    ]


def test_random_cv_like_text_never_breaks_the_rules() -> None:
    """Lines shuffled from CV vocabulary: whatever comes out starts on a line with a year, in a
    plausible order, and never from an education section."""
    headings = ["Experience", "Opleiding", "Erhvervserfaring", "Utdanning", "Skills"]
    words = "2015 2019 03/2015 jan. marts heden nu d.d. present since - to til tot | , at bij"
    pieces = [*headings, "", "•", "\t", DASH, EM_DASH, "Acme Ltd", "Developer", "Lærer"]
    pieces += [*words.split(), "Aarhus Kommune", "(3 years)", "2010-2014", "1890", "13/2020"]
    rng = random.Random(13)
    for _ in range(300):
        lines = [
            " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 7)))
            for _ in range(rng.randint(0, 25))
        ]
        for suggestion in suggest_career_entries("\n".join(lines)):
            line = lines[suggestion.source_line - 1]
            assert suggestion.start is not None
            assert re.search(r"(19|20)\d\d", line)
            assert suggestion.current == (suggestion.end is None)
            if suggestion.end is not None:
                assert suggestion.end[:4] >= suggestion.start[:4]
            above = [text for text in lines[: suggestion.source_line] if text in headings]
            assert not above or above[-1] in {"Experience", "Erhvervserfaring"}


def test_from_a_word_table_through_the_document_reader() -> None:
    body = (
        corpus.docx_paragraph("Arbeidserfaring")
        + corpus.docx_table(
            [
                ["jan. 2018 \u2013 d.d.", "Prosjektleder\nStatens vegvesen\nLedet anbud."],
                ["2012\u20132017", "Ingeniør, Norconsult AS"],
            ]
        )
        + corpus.docx_paragraph("Utdanning")
        + corpus.docx_table([["2007\u20132012", "Master, NTNU"]])
    )
    text = document_text(corpus.docx(body=body)).text
    assert entries(text) == [
        ("Prosjektleder", "Statens vegvesen", "2018-01", None, True),
        ("Ingeniør", "Norconsult AS", "2012", "2017", False),
    ]
    assert suggest_career_entries(text)[0].description == "Ledet anbud."
