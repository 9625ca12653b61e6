"""Kachin State admin areas and places for the demo project.

P-codes follow MIMU's public scheme; coordinates are those of the township towns.
No boundary geometry is shipped (MIMU boundaries may not be redistributed inside the
product); users import a boundary pack for maps with township outlines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COUNTRY = ("Myanmar", "MMR")
STATE = ("Kachin", "MMR001", ["Kachin State", "ကချင်ပြည်နယ်"])

DISTRICTS: dict[str, str] = {
    "MMR001D001": "Myitkyina",
    "MMR001D002": "Mohnyin",
    "MMR001D003": "Bhamo",
    "MMR001D004": "Puta-O",
}


@dataclass(frozen=True)
class Township:
    pcode: str
    name: str
    district: str
    town: str
    town_mm: str
    lat: float
    lon: float
    aliases: tuple[str, ...] = field(default=())


TOWNSHIPS: tuple[Township, ...] = (
    Township("MMR001001", "Myitkyina", "MMR001D001", "Myitkyina", "မြစ်ကြီးနား", 25.38749, 97.39036),
    Township("MMR001002", "Waingmaw", "MMR001D001", "Waingmaw", "ဝိုင်းမော်", 25.35099, 97.44281),
    Township(
        "MMR001003", "Injangyang", "MMR001D001", "Injangyang", "အင်ဂျန်းယန်", 25.82991, 97.72671
    ),
    Township("MMR001004", "Tanai", "MMR001D001", "Tanai", "တနိုင်း", 26.35797, 96.71655),
    Township("MMR001005", "Chipwi", "MMR001D001", "Chipwi", "ချီဖွေ", 25.88635, 98.12976),
    Township("MMR001006", "Tsawlaw", "MMR001D001", "Tsawlaw", "ဆော့လော်", 26.15419, 98.27049),
    Township("MMR001007", "Mohnyin", "MMR001D002", "Mohnyin", "မိုးညှင်း", 24.77711, 96.36493),
    Township("MMR001008", "Mogaung", "MMR001D002", "Mogaung", "မိုးကောင်း", 25.30274, 96.94038),
    Township(
        "MMR001009",
        "Hpakant",
        "MMR001D002",
        "Hpakant",
        "ဖားကန့်",
        25.61280,
        96.31212,
        ("Hpakan", "Phakant", "Hpākān"),
    ),
    Township("MMR001010", "Bhamo", "MMR001D003", "Bhamo", "ဗန်းမော်", 24.25493, 97.23441),
    Township("MMR001011", "Shwegu", "MMR001D003", "Shwegu", "ရွှေကူ", 24.20695, 96.80606),
    Township("MMR001012", "Momauk", "MMR001D003", "Momauk", "မိုးမောက်", 24.25095, 97.34653),
    Township("MMR001013", "Mansi", "MMR001D003", "Mansi", "မံစီ", 24.11962, 97.29311),
    Township(
        "MMR001014", "Puta-O", "MMR001D004", "Puta-O", "ပူတာအို", 27.29934, 97.41590, ("Putao",)
    ),
    Township("MMR001015", "Sumprabum", "MMR001D004", "Sumprabum", "ဆွမ်ပရာဘွမ်", 26.54373, 97.56770),
    Township("MMR001016", "Machanbaw", "MMR001D004", "Machanbaw", "မချမ်းဘော", 27.28395, 97.58937),
    Township("MMR001017", "Nawngmun", "MMR001D004", "Nawngmun", "နောင်မွန်း", 27.50532, 97.81785),
    Township(
        "MMR001018",
        "Khaunglanhpu",
        "MMR001D004",
        "Khaunglanhpu",
        "ခေါင်လန်ဖူး",
        27.06043,
        98.36034,
        ("Khaunglanphu",),
    ),
)


@dataclass(frozen=True)
class DemoPlace:
    name: str
    township: str  # township pcode
    lat: float
    lon: float
    alt_names: tuple[str, ...] = ()
    kind: str = "town"
    origin: str = "gazetteer"
    note: str = ""


# Places named in the seed report that are not township towns.
EXTRA_PLACES: tuple[DemoPlace, ...] = (
    DemoPlace("Kamaing", "MMR001009", 25.52260, 96.71153, ("ကာမိုင်း",)),
    DemoPlace("Nam Mun", "MMR001007", 25.00470, 96.35480, ("Nammun", "နန့်မွန်း")),
    DemoPlace("Inn Taw Gyi", "MMR001007", 25.09290, 96.28760, ("Indawgyi", "Indawgi")),
    DemoPlace("Sadung", "MMR001002", 25.39709, 97.89996, ("Sadone", "ဆဒုံး")),
    DemoPlace("Kan Paik Ti", "MMR001002", 25.40319, 98.11739, ("Kanpiketi", "ကန်ပိုက်တီ")),
    DemoPlace("Pang War", "MMR001005", 25.59866, 98.37863, ("Pangwa", "ပန်ဝါ")),
    DemoPlace("Hopin", "MMR001007", 24.99183, 96.53019),
    # Lone Khin is in no public gazetteer: added by the information officer, with the
    # coordinates ACLED uses for it.
    DemoPlace(
        "Lone Khin",
        "MMR001009",
        25.6564,
        96.3568,
        ("Long Hkin", "Lonekhin"),
        kind="village tract",
        origin="user",
        note="Not in GeoNames or MIMU towns; position as coded by ACLED.",
    ),
    # Lamyan lies on the Waingmaw–Sadung road; position estimated from the road.
    DemoPlace(
        "Lamyan",
        "MMR001002",
        25.39,
        97.70,
        ("Lamyang",),
        kind="village",
        origin="user",
        note="Estimated on the Waingmaw–Sadung road; check before relying on it.",
    ),
)

LONE_KHIN_TRACT = ("Lone Khin", "MMR001009001", ["Long Hkin", "Lonekhin"])

# "Special Region 1" (former NDA-K area): a saved custom region of three townships.
SPECIAL_REGION_1 = ("Special Region 1", ("MMR001005", "MMR001006", "MMR001002"))
