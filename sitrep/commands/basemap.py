"""``sitrep basemap add|list|remove|move PROJECT …``: the project's offline basemaps."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sitrep.commands.common import add_project_argument, open_for_cli


def register(sub: Any) -> None:
    p = sub.add_parser(
        "basemap",
        help="add, list, reorder or remove offline basemaps (MBTiles, PMTiles)",
        description=(
            "Offline basemaps drawn under the incidents: MBTiles (raster PNG/JPEG/WebP or "
            "vector) and PMTiles files. The files stay where they are (keep them in a folder "
            "beside the project to carry both on a USB stick); the first one is shown when "
            "the map opens and used by reports and exported maps."
        ),
    )
    verbs = p.add_subparsers(dest="basemap_command", metavar="ACTION", required=True)
    add = verbs.add_parser("add", help="add a basemap file at the end of the list")
    add_project_argument(add)
    add.add_argument("file", metavar="FILE", type=Path)
    add.add_argument("--name", default="", help="name shown in the map (default: its own)")
    add.set_defaults(func=cmd_add)
    lst = verbs.add_parser("list", help="list the basemaps in order")
    add_project_argument(lst)
    lst.set_defaults(func=cmd_list)
    rm = verbs.add_parser("remove", help="forget a basemap (the file is left alone)")
    add_project_argument(rm)
    rm.add_argument("name", metavar="NAME")
    rm.set_defaults(func=cmd_remove)
    mv = verbs.add_parser("move", help="put a basemap at another position (1 = first)")
    add_project_argument(mv)
    mv.add_argument("name", metavar="NAME")
    mv.add_argument("--to", type=int, required=True, metavar="N")
    mv.set_defaults(func=cmd_move)


def cmd_add(args: argparse.Namespace) -> int:
    from sitrep.places import basemaps

    project = open_for_cli(args.project)
    try:
        project.require_writable()
        with project.session() as s:
            added = basemaps.add(s, args.file, basemaps.project_folder(project), args.name)
    finally:
        project.close()
    print(f"Added basemap '{added.name}' ({added.kind}, zoom {added.minzoom}–{added.maxzoom}).")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from sitrep.errors import SitrepError
    from sitrep.places import basemaps

    project = open_for_cli(args.project)
    try:
        with project.session() as s:
            items = basemaps.registered(s)
        folder = basemaps.project_folder(project)
    finally:
        project.close()
    if not items:
        print("No offline basemaps (add one with: sitrep basemap add PROJECT FILE).")
    for i, b in enumerate(items, 1):
        try:
            where = str(basemaps.locate(b, folder))
        except SitrepError as exc:
            where = f"NOT AVAILABLE: {exc}"
        print(f"{i}. {b.name} — {b.kind}, zoom {b.minzoom}–{b.maxzoom} — {where}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from sitrep.places import basemaps

    project = open_for_cli(args.project)
    try:
        project.require_writable()
        with project.session() as s:
            gone = basemaps.remove(s, args.name)
    finally:
        project.close()
    print(f"Removed basemap '{gone.name}' (the file {gone.path} was left alone).")
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    from sitrep.places import basemaps

    project = open_for_cli(args.project)
    try:
        project.require_writable()
        with project.session() as s:
            order = basemaps.move(s, args.name, args.to)
    finally:
        project.close()
    print("Basemaps now: " + ", ".join(f"{i}. {b.name}" for i, b in enumerate(order, 1)))
    return 0
