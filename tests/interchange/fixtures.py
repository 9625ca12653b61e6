"""Small ACLED/UCDP files the tests write themselves (real exports are never committed)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from sitrep.interchange import acled, ucdp

ACLED_CURRENT_ROWS: list[dict[str, str]] = [
    {
        "event_id_cnty": "MMR1001",
        "event_date": "2024-03-05",
        "year": "2024",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "Military Forces of Myanmar (2021-)",
        "assoc_actor_1": "Police Forces of Myanmar (2021-)",
        "inter1": "1",
        "actor2": "KIA: Kachin Independence Army",
        "assoc_actor_2": "",
        "inter2": "2",
        "interaction": "12",
        "civilian_targeting": "",
        "iso": "104",
        "region": "Southeast Asia",
        "country": "Myanmar",
        "admin1": "Kachin",
        "admin2": "Mohnyin",
        "admin3": "Hpakant",
        "location": "Hpakant",
        "latitude": "25.6128",
        "longitude": "96.3121",
        "geo_precision": "1",
        "source": "Kachin News Group; Myitkyina News Journal",
        "source_scale": "Subnational",
        "notes": "On 5 March 2024, the KIA clashed with the military near Hpakant.",
        "fatalities": "4",
        "tags": "",
        "timestamp": "1710000000",
    },
    {
        "event_id_cnty": "MMR1002",
        "event_date": "2024-03-09",
        "year": "2024",
        "time_precision": "2",
        "disorder_type": "Political violence",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "actor1": "Military Forces of Myanmar (2021-)",
        "assoc_actor_1": "",
        "inter1": "State forces",
        "actor2": "Civilians (Myanmar)",
        "assoc_actor_2": "",
        "inter2": "Civilians",
        "interaction": "17",
        "civilian_targeting": "Civilian targeting",
        "iso": "104",
        "region": "Southeast Asia",
        "country": "Myanmar",
        "admin1": "Kachin State",
        "admin2": "Bhamo",
        "admin3": "Momauk",
        "location": "Lone Khin",
        "latitude": "25.6564",
        "longitude": "96.3568",
        "geo_precision": "2",
        "source": "Irrawaddy",
        "source_scale": "National",
        "notes": "Air strike on a village;\nthree civilians killed.",
        "fatalities": "3",
        "tags": "",
        "timestamp": "1710000001",
    },
    {
        "event_id_cnty": "MMR1003",
        "event_date": "2024-03-10",
        "year": "2024",
        "time_precision": "1",
        "disorder_type": "Demonstrations",
        "event_type": "Protests",
        "sub_event_type": "Peaceful protest",
        "actor1": "Protesters (Myanmar)",
        "assoc_actor_1": "",
        "inter1": "6",
        "actor2": "",
        "assoc_actor_2": "",
        "inter2": "",
        "interaction": "60",
        "civilian_targeting": "",
        "iso": "104",
        "region": "Southeast Asia",
        "country": "Myanmar",
        "admin1": "kachin state",
        "admin2": "Myitkyina",
        "admin3": "Myitkyina",
        "location": "Myitkyina",
        "latitude": "25.3833",
        "longitude": "97.3964",
        "geo_precision": "1",
        "source": "Myitkyina News Journal",
        "source_scale": "Local partner-Other",
        "notes": "Residents marched against forced recruitment.",
        "fatalities": "0",
        "tags": "crowd size=around 200",
        "timestamp": "1710000002",
    },
]

OLD_COLUMNS = (
    "GWNO", "EVENT_ID_CNTY", "EVENT_ID_NO_CNTY", "EVENT_DATE", "YEAR", "TIME_PRECISION",
    "EVENT_TYPE", "ACTOR1", "ALLY_ACTOR_1", "INTER1", "ACTOR2", "ALLY_ACTOR_2", "INTER2",
    "INTERACTION", "COUNTRY", "ADMIN1", "ADMIN2", "ADMIN3", "LOCATION", "LATITUDE",
    "LONGITUDE", "GEO_PRECISION", "SOURCE", "NOTES", "FATALITIES",
)  # fmt: skip


def old_row(event_id: str, date: str, event_type: str, notes: str, **extra: str) -> list[str]:
    values = {
        "GWNO": "775",
        "EVENT_ID_CNTY": event_id,
        "EVENT_ID_NO_CNTY": event_id[3:],
        "EVENT_DATE": date,
        "YEAR": date[-4:],
        "TIME_PRECISION": "1",
        "EVENT_TYPE": event_type,
        "ACTOR1": "Military Forces of Myanmar (1988-2011)",
        "ALLY_ACTOR_1": "",
        "INTER1": "1",
        "ACTOR2": "KIA: Kachin Independence Army",
        "ALLY_ACTOR_2": "",
        "INTER2": "2",
        "INTERACTION": "12",
        "COUNTRY": "Myanmar",
        "ADMIN1": "Kachin",
        "ADMIN2": "Myitkyina",
        "ADMIN3": "Waingmaw",
        "LOCATION": "Waingmaw",
        "LATITUDE": "25.35",
        "LONGITUDE": "97.43",
        "GEO_PRECISION": "1",
        "SOURCE": "Kachin News Group",
        "NOTES": notes,
        "FATALITIES": "2",
    }
    values.update(extra)
    return [values[c] for c in OLD_COLUMNS]


OLD_ROWS = [
    old_row("MMR1", "01-January-2015", "Battle-No change of territory", "Fighting.\r\nTwo killed."),
    old_row("MMR2", "02-January-2015", "Remote violence", "The military carried out an airstrike."),
    old_row("MMR3", "03-January-2015", "Remote violence", "Unclear incident at a checkpoint."),
    old_row(
        "MMR4",
        "04-January-2015",
        "Violence Against Civilians",
        "Villagers were abducted.",
        ALLY_ACTOR_1="Pyu Saw Htee militia",
        ACTOR2="Civilians (Myanmar)",
        INTER2="7",
    ),
    old_row("MMR5", "05-January-2015", "Riots/Protests", "Protest in town.", ACTOR1="Protesters (Myanmar)", ACTOR2="", INTER1="6", INTER2="", FATALITIES="0"),
    old_row("MMR6", "06-January-2015", "Strategic development", "Troops arrested two men."),
]  # fmt: skip


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    lineterminator: str = "\r\n",
) -> Path:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_acled(path: Path, rows: list[dict[str, str]] | None = None, **kw: str) -> Path:
    rows = ACLED_CURRENT_ROWS if rows is None else rows
    header = list(acled.EXPORT_COLUMNS)
    return write_csv(path, header, [[r.get(c, "") for c in header] for r in rows], **kw)


def write_acled_old(path: Path, rows: list[list[str]] | None = None) -> Path:
    return write_csv(path, OLD_COLUMNS, OLD_ROWS if rows is None else rows)


def ucdp_row(event_id: str, **values: str) -> dict[str, str]:
    row = {c: "" for c in ucdp.COLUMNS}
    row.update(
        id=event_id,
        relid=f"MYA-2021-1-{event_id}",
        year="2021",
        active_year="True",
        code_status="Clear",
        type_of_violence="1",
        conflict_name="Myanmar (Burma): Kachin",
        dyad_name="Government of Myanmar (Burma) - KIO",
        side_a="Government of Myanmar (Burma)",
        side_b="KIO",
        number_of_sources="2",
        source_article='Irrawaddy, 2021-05-04, "Fighting in Hpakant";BBC Burmese 2021-05-05',
        source_office="Irrawaddy;BBC",
        source_date="2021-05-04;2021-05-05",
        source_headline="Fighting in\nHpakant;Clashes continue",
        source_original="residents",
        where_prec="1",
        where_coordinates="Hpakant town",
        where_description="Hpakant town,\r\nKachin state",
        adm_1="Kachin state",
        adm_2="Mohnyin district",
        latitude="25.6128",
        longitude="96.3121",
        geom_wkt="POINT (96.3121 25.6128)",
        priogrid_gid="1",
        country="Myanmar (Burma)",
        country_id="775",
        region="Asia",
        event_clarity="1",
        date_prec="1",
        date_start="2021-05-03",
        date_end="2021-05-03",
        deaths_a="2",
        deaths_b="3",
        deaths_civilians="1",
        deaths_unknown="0",
        best="6",
        high="9",
        low="5",
        gwnoa="775",
    )
    row.update(values)
    return row


def write_ucdp(path: Path, rows: list[dict[str, str]]) -> Path:
    return write_csv(path, ucdp.COLUMNS, [[r[c] for c in ucdp.COLUMNS] for r in rows])
