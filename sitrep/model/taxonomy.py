"""The event taxonomy a project is seeded with: ACLED's types plus local types.

ACLED's 6 event types and 25 sub-event types are the lingua franca of conflict data
exchange; organisations think in their own, finer words ("mine-site blast", "ambush").
Each local type maps onto one ACLED sub-type so exports stay ACLED-compatible.
"""

from __future__ import annotations

from dataclasses import dataclass

ACLED_TAXONOMY: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

SUB_TO_TYPE: dict[str, str] = {
    sub: event_type for event_type, subs in ACLED_TAXONOMY.items() for sub in subs
}


@dataclass(frozen=True)
class LocalTypeSpec:
    name: str
    sub_event_type: str
    hint: str


DEFAULT_LOCAL_TYPES: tuple[LocalTypeSpec, ...] = (
    LocalTypeSpec(
        "Ground attack",
        "Armed clash",
        "Armed, organised groups fighting each other on the ground.",
    ),
    LocalTypeSpec(
        "Ambush",
        "Armed clash",
        "An ambush is an armed clash even when only one side suffers losses.",
    ),
    LocalTypeSpec(
        "Siege / encirclement",
        "Armed clash",
        "Code each day of fighting around the besieged place as its own clash.",
    ),
    LocalTypeSpec(
        "Aircraft shot down",
        "Armed clash",
        "An armed group firing on military aircraft is a clash; intercepted "
        "drones or missiles are 'Disrupted weapons use'.",
    ),
    LocalTypeSpec(
        "Air strike",
        "Air/drone strike",
        "Bombing or strafing from aircraft; the attacker is side A.",
    ),
    LocalTypeSpec(
        "Drone strike",
        "Air/drone strike",
        "Armed drones, including dropped munitions from commercial drones.",
    ),
    LocalTypeSpec(
        "Artillery / shelling",
        "Shelling/artillery/missile attack",
        "Indirect fire from a distance, the attacker not at the scene.",
    ),
    LocalTypeSpec(
        "Mine-site blast",
        "Shelling/artillery/missile attack",
        "Explosion at a mining site caused by an attack; if the blast was a planted "
        "device use 'Remote explosive/landmine/IED' instead.",
    ),
    LocalTypeSpec(
        "Landmine / IED",
        "Remote explosive/landmine/IED",
        "Explosive devices set off remotely or by the victim.",
    ),
    LocalTypeSpec(
        "Attack on civilians",
        "Attack",
        "Armed violence against unarmed civilians with no armed opponent present.",
    ),
    LocalTypeSpec(
        "Abduction",
        "Abduction/forced disappearance",
        "Taking people by a non-state group, or by the state without legal process.",
    ),
    LocalTypeSpec(
        "Arrest",
        "Arrests",
        "Detention by state forces or an armed group controlling the area.",
    ),
    LocalTypeSpec(
        "Burning / destruction of property",
        "Looting/property destruction",
        "Destruction of homes, machinery or goods without armed clashes.",
    ),
    LocalTypeSpec(
        "Militia recruitment / arming",
        "Change to group/activity",
        "Recruitment, arming or reorganisation of an armed group.",
    ),
    LocalTypeSpec(
        "Troop movement",
        "Other",
        "Reinforcements, columns advancing or trapped, without fighting that day.",
    ),
    LocalTypeSpec(
        "Territory taken by armed group",
        "Non-state actor overtakes territory",
        "A non-state group takes a place by force.",
    ),
)


def event_type_of(sub_event_type: str) -> str | None:
    """The ACLED event type a sub-event type belongs to, or None if unknown."""
    return SUB_TO_TYPE.get(sub_event_type)
