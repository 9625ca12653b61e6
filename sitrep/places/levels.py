"""What each admin level is called in a country: township in Myanmar, upazila in Bangladesh.

A report that says "Townships affected" must count townships, and a Bangladesh report
must not call its upazilas townships. The names come, in this order, from the project
setting ``admin_levels.<ISO3>`` (``division|district|upazila|union``), the names the
common operational datasets (OCHA COD boundary packs) use for the country, the kind
words the project's own data uses ("Bhamo district" -> district), and otherwise the
neutral "admin-3 area".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitrep.model import AdminArea, ProjectSetting
from sitrep.places.canonical import split_kind

# Level names used by the countries' common operational datasets (levels 1..4).
KNOWN_LEVELS: dict[str, tuple[str, ...]] = {
    "MMR": ("state/region", "district", "township", "village tract"),
    "BGD": ("division", "district", "upazila", "union"),
    "AFG": ("province", "district"),
    "BFA": ("region", "province", "department"),
    "CAF": ("prefecture", "sub-prefecture", "commune"),
    "COD": ("province", "territory", "chiefdom"),
    "ETH": ("region", "zone", "woreda"),
    "IRQ": ("governorate", "district", "sub-district"),
    "MLI": ("region", "cercle", "commune"),
    "MEX": ("state", "municipality"),
    "NER": ("region", "department", "commune"),
    "NGA": ("state", "local government area", "ward"),
    "SDN": ("state", "locality"),
    "SOM": ("region", "district"),
    "SSD": ("state", "county", "payam"),
    "SYR": ("governorate", "district", "sub-district", "community"),
    "UKR": ("oblast", "raion", "hromada"),
    "YEM": ("governorate", "district", "sub-district"),
}
SETTING_PREFIX = "admin_levels."


def generic(level: int) -> str:
    return "country" if level == 0 else f"admin-{level} area"


def plural(name: str) -> str:
    """``township`` -> ``townships``; ``state/region`` -> ``states/regions``."""
    return "/".join(part if part.endswith("s") else part + "s" for part in name.split("/"))


def level_name(session: Session | None, level: int, countries: Iterable[str] = ()) -> str:
    """The singular name of ``level`` for the countries (one name only if they agree)."""
    if level == 0:
        return "country"
    isos = {c.upper() for c in countries if c}
    if len(isos) != 1:
        return generic(level)
    iso = isos.pop()
    if session is not None:
        custom = session.get(ProjectSetting, SETTING_PREFIX + iso)
        if custom is not None and custom.value.strip():
            names = [n.strip() for n in custom.value.split("|")]
            if level <= len(names) and names[level - 1]:
                return names[level - 1]
    known = KNOWN_LEVELS.get(iso, ())
    if level <= len(known):
        return known[level - 1]
    if session is not None:
        from_data = _from_data(session, level, iso)
        if from_data:
            return from_data
    return generic(level)


def _from_data(session: Session, level: int, iso: str) -> str | None:
    """The kind word most areas of the level carry in the data, if most carry one."""
    words: Counter[str] = Counter()
    total = 0
    for name, aliases in session.execute(
        select(AdminArea.name, AdminArea.aliases).where(
            AdminArea.level == level, AdminArea.country_iso == iso
        )
    ):
        total += 1
        for spelling in [name, *(aliases or [])]:
            _base, word, word_level = split_kind(spelling)
            if word is not None and word_level == level:
                words[word.casefold()] += 1
                break
    if not words or total == 0:
        return None
    word, count = words.most_common(1)[0]
    return word if count * 2 >= total else None
