"""The employer report's stored rollup per engagement, and the PostgreSQL triggers that mark it
stale (docs/outcomes.md, "Benchmark P5").

Every table whose rows the report counts gets statement-level triggers (one per event, each with
its transition tables) that raise the version of each engagement the statement touched, in the
writer's own transaction: `INSERT … ON CONFLICT DO UPDATE SET version = version + 1`. An
update bumps only when a column the report reads changed (the daily reminder run updates
check-ins' `sent_at`, which the report never reads). On SQLite nothing is installed: the report
computes directly there.
"""

from django.db import migrations, models

BUMP = """
CREATE FUNCTION outcomes_rollup_bump(engagements bigint[]) RETURNS void
LANGUAGE sql AS $$
    -- In id order, so two writers bumping the same engagements lock them in the same order.
    INSERT INTO outcomes_reportrollup AS r (engagement_id, version)
    SELECT DISTINCT e, 1 FROM unnest(engagements) AS e WHERE e IS NOT NULL ORDER BY e
    ON CONFLICT (engagement_id) DO UPDATE SET version = r.version + 1
$$;
"""

# table → (how to reach the engagement from a changed row `x`, the columns the report reads,
# an extra condition on the rows that matter)
SOURCES: dict[str, tuple[str, list[str], str]] = {
    "employers_enrolment": (
        "SELECT x.engagement_id FROM {rows} x",
        ["engagement_id", "cohort_id", "candidate_id", "public_id", "agency_id"],
        "",
    ),
    "programmes_programme": (
        "SELECT e.engagement_id FROM {rows} x JOIN employers_enrolment e ON e.id = x.enrolment_id",
        ["enrolment_id", "agency_id", "status", "start_date"],
        "",
    ),
    "outcomes_outcome": (
        "SELECT e.engagement_id FROM {rows} x"
        " JOIN programmes_programme p ON p.id = x.programme_id"
        " JOIN employers_enrolment e ON e.id = p.enrolment_id",
        ["programme_id", "kind", "confirmed_at", "pay_compared", "start_date"],
        "",
    ),
    "outcomes_checkin": (
        "SELECT e.engagement_id FROM {rows} x"
        " JOIN programmes_programme p ON p.id = x.programme_id"
        " JOIN employers_enrolment e ON e.id = p.enrolment_id",
        ["programme_id", "months", "answered_at", "in_work", "satisfaction"],
        "",
    ),
    # The funnel counts, per cell, the people who let the employer see their status
    # (employers.consents.employer_may_see_status: a granted consent scoped to the enrolment).
    "privacy_consent": (
        "SELECT e.engagement_id FROM {rows} x JOIN employers_enrolment e ON e.public_id = x.scope",
        ["membership_id", "purpose", "scope", "granted"],
        "x.purpose = 'employer_named_reporting'",
    ),
}


def _function(table: str) -> str:
    reach, columns, condition = SOURCES[table]
    where = f" WHERE {condition}" if condition else ""
    changed = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in columns)
    # Updated rows, before and after, whose read columns changed.
    moved = (
        f"(SELECT o.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {changed}"  # noqa: S608
        f" UNION ALL SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {changed})"
    )
    return f"""
CREATE FUNCTION outcomes_rollup_{table}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM outcomes_rollup_bump(ARRAY({reach.format(rows="new_rows")}{where}));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM outcomes_rollup_bump(ARRAY({reach.format(rows="old_rows")}{where}));
    ELSE
        PERFORM outcomes_rollup_bump(ARRAY({reach.format(rows=moved)}{where}));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER outcomes_rollup_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION outcomes_rollup_{table}();
CREATE TRIGGER outcomes_rollup_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION outcomes_rollup_{table}();
CREATE TRIGGER outcomes_rollup_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION outcomes_rollup_{table}();
"""


# A deleted engagement's row goes with it (statements after the deletion cannot name it).
ENGAGEMENT_GONE = """
CREATE FUNCTION outcomes_rollup_engagement_gone() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM outcomes_reportrollup WHERE engagement_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END
$$;
CREATE TRIGGER outcomes_rollup_delete AFTER DELETE ON employers_engagement
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION outcomes_rollup_engagement_gone();
"""


def install_sql() -> list[str]:
    return [BUMP, *(_function(table) for table in SOURCES), ENGAGEMENT_GONE]


def uninstall_sql() -> list[str]:
    statements = [
        "DROP TRIGGER IF EXISTS outcomes_rollup_delete ON employers_engagement;",
        "DROP FUNCTION IF EXISTS outcomes_rollup_engagement_gone();",
    ]
    for table in SOURCES:
        for event in ("insert", "update", "delete"):
            statements.append(f"DROP TRIGGER IF EXISTS outcomes_rollup_{event} ON {table};")
        statements.append(f"DROP FUNCTION IF EXISTS outcomes_rollup_{table}();")
    statements.append("DROP FUNCTION IF EXISTS outcomes_rollup_bump(bigint[]);")
    return statements


def install(apps: object, schema_editor: object) -> None:
    connection = schema_editor.connection  # type: ignore[attr-defined]
    if connection.vendor != "postgresql":
        return
    for statement in install_sql():
        schema_editor.execute(statement)  # type: ignore[attr-defined]


def uninstall(apps: object, schema_editor: object) -> None:
    connection = schema_editor.connection  # type: ignore[attr-defined]
    if connection.vendor != "postgresql":
        return
    for statement in uninstall_sql():
        schema_editor.execute(statement)  # type: ignore[attr-defined]


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0001_initial"),
        # The tables the triggers are on, in their current shape.
        ("employers", "0012_remove_enrolment_employer_may_see_status"),
        ("programmes", "0008_remove_wellbeingconsent"),
        ("privacy", "0005_consents"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportRollup",
            fields=[
                ("engagement_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
                ("computed_version", models.BigIntegerField(blank=True, null=True)),
                ("data", models.JSONField(blank=True, null=True)),
            ],
        ),
        migrations.RunPython(install, uninstall),
    ]
