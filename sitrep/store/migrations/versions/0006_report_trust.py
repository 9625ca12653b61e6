"""report trust: claims, datasets, figures not recorded, lower bounds, ungraded sources

Adds the ``dataset`` table and ``incident.dataset_key`` (where imported incidents came
from), ``incident.harm_unrecorded`` (figures the data does not record, in the covering
index), ``casualty.at_least`` (a figure that is a lower bound) and ``source.graded``.

Repairs stored projects:
- casualty rows of incidents recorded as "claim not independently verifiable" become
  party claims, and those incidents' totals are recomputed, so no claim is counted as
  fact any more;
- rows whose note says "at least" are marked as lower bounds;
- incidents imported from UCDP GED and ACLED get their dataset, the figures those
  datasets do not record (UCDP: injuries, abductions; ACLED: the civilian share,
  injuries, abductions), and their sources are marked as not graded (the importer had
  stored them as F6). ACLED deaths of events targeting civilians had been stored as
  civilian deaths, which ACLED does not say: they become deaths of unknown affiliation.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_INDEX = [
    "admin1_id",
    "date_start",
    "event_type",
    "killed",
    "civilians_killed",
    "injured",
    "abducted_detained",
    "killed_claimed",
    "admin2_id",
    "admin3_id",
]
NEW_INDEX = [*OLD_INDEX, "harm_unrecorded"]

# sitrep.model.harm.Unrecorded, as numbers: a migration must not import the app's model
KILLED, CIVILIANS, INJURED, ABDUCTED = 1, 2, 4, 8
CLAIM = "claim not independently verifiable"

DATASETS = {
    "ucdp": (
        "ucdp-ged",
        "UCDP GED",
        "UCDP Georeferenced Event Dataset (GED). Sundberg, Ralph and Erik Melander (2013). "
        "Introducing the UCDP Georeferenced Event Dataset. Journal of Peace Research 50(4): "
        "523–532. Uppsala Conflict Data Program, ucdp.uu.se.",
        "CC BY 4.0",
        "https://ucdp.uu.se/downloads/",
        INJURED | ABDUCTED,
    ),
    "acled": (
        "acled",
        "ACLED",
        "Armed Conflict Location & Event Data (ACLED), acleddata.com. Raleigh, Clionadh, "
        "Andrew Linke, Håvard Hegre and Joakim Karlsen (2010). Introducing ACLED: An Armed "
        "Conflict Location and Event Dataset. Journal of Peace Research 47(5): 651–660.",
        "ACLED Terms of Use and Attribution Policy",
        "https://acleddata.com/",
        CIVILIANS | INJURED | ABDUCTED,
    ),
}


def upgrade() -> None:
    op.create_table(
        "dataset",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("licence", sa.String(length=200), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("unrecorded", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_dataset")),
    )
    with op.batch_alter_table("incident") as batch:
        batch.add_column(sa.Column("dataset_key", sa.String(length=120), nullable=True))
        batch.add_column(
            sa.Column("harm_unrecorded", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("casualty") as batch:
        batch.add_column(sa.Column("at_least", sa.Boolean(), server_default="0", nullable=False))
    with op.batch_alter_table("source") as batch:
        batch.add_column(sa.Column("graded", sa.Boolean(), server_default="1", nullable=False))
    op.drop_index("ix_incident_admin1_date", table_name="incident")
    op.create_index("ix_incident_admin1_date", "incident", NEW_INDEX)
    _repair()


def _repair() -> None:
    bind = op.get_bind()
    true, false = ("true", "false") if bind.dialect.name == "postgresql" else ("1", "0")
    execute = op.execute
    # lower bounds written in the note ("'at least 10', KIA claim")
    execute(f"UPDATE casualty SET at_least = {true} WHERE lower(note) LIKE '%at least%'")
    # datasets of imported incidents
    for scheme, (key, name, citation, licence, url, unrecorded) in DATASETS.items():
        ids = f"SELECT incident_id FROM external_id WHERE scheme = '{scheme}'"
        count = bind.execute(sa.text(f"SELECT count(*) FROM ({ids}) AS x")).scalar()
        if not count:
            continue
        bind.execute(
            sa.text(
                "INSERT INTO dataset (key, name, citation, licence, url, unrecorded, "
                "created_at) VALUES (:key, :name, :citation, :licence, :url, :unrecorded, "
                "CURRENT_TIMESTAMP)"
            ),
            {
                "key": key,
                "name": name,
                "citation": citation,
                "licence": licence,
                "url": url,
                "unrecorded": unrecorded,
            },
        )
        if scheme == "acled":
            execute(
                "UPDATE casualty SET affiliation = 'unknown' WHERE outcome = 'killed' "
                f"AND affiliation = 'civilian' AND incident_id IN ({ids})"
            )
        execute(f"UPDATE incident SET dataset_key = '{key}' WHERE id IN ({ids})")
        execute(
            f"UPDATE source SET graded = {false} WHERE reliability = 'F' AND credibility = 6 "
            f"AND incident_id IN ({ids})"
        )
        mask = " + ".join(
            f"(CASE WHEN EXISTS (SELECT 1 FROM casualty c WHERE c.incident_id = incident.id "
            f"AND {cond}) THEN 0 ELSE {flag} END)"
            for flag, cond in (
                (INJURED, "c.outcome = 'injured'"),
                (ABDUCTED, "c.outcome IN ('abducted', 'detained')"),
                (CIVILIANS, "c.outcome = 'killed' AND c.affiliation <> 'unknown'"),
            )
            if unrecorded & flag
        )
        execute(f"UPDATE incident SET harm_unrecorded = {mask} WHERE id IN ({ids})")
    # claims are never counted as fact: every row of a claim incident is a claim
    claim_ids = f"SELECT id FROM incident WHERE verification = '{CLAIM}'"
    execute(f"UPDATE casualty SET is_party_claim = {true} WHERE incident_id IN ({claim_ids})")
    # totals of the incidents repaired above from their rows (claims apart), as the app
    # computes them
    touched = f"id IN ({claim_ids}) OR dataset_key = 'acled'"
    rows = "SELECT coalesce(sum(c.best), 0) FROM casualty c WHERE c.incident_id = incident.id"
    fact = f"c.is_party_claim = {false}"
    execute(
        "UPDATE incident SET "
        f"killed = ({rows} AND {fact} AND c.outcome = 'killed'), "
        f"civilians_killed = ({rows} AND {fact} AND c.outcome = 'killed' "
        "AND c.affiliation = 'civilian'), "
        f"injured = ({rows} AND {fact} AND c.outcome = 'injured'), "
        f"abducted_detained = ({rows} AND {fact} AND c.outcome IN ('abducted', 'detained')), "
        f"killed_claimed = ({rows} AND c.is_party_claim = {true} AND c.outcome = 'killed') "
        f"WHERE {touched}"
    )


def downgrade() -> None:
    op.drop_index("ix_incident_admin1_date", table_name="incident")
    op.create_index("ix_incident_admin1_date", "incident", OLD_INDEX)
    with op.batch_alter_table("source") as batch:
        batch.drop_column("graded")
    with op.batch_alter_table("casualty") as batch:
        batch.drop_column("at_least")
    with op.batch_alter_table("incident") as batch:
        batch.drop_column("harm_unrecorded")
        batch.drop_column("dataset_key")
    op.drop_table("dataset")
