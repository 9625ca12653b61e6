"""Map names benchmark: how long one view's place and boundary names take to answer.

    python bench/labels.py [--places 60000] [--areas 330]

A project with a village-level gazetteer pack (``--places`` points over Myanmar) and a
township boundary pack (``--areas`` squares with their geometry), then 20 views at each
of several zooms, as the map page asks on every move. The gazetteer's arrays are read
once per process (timed separately). The names do not depend on the number of
incidents, so none are made. Target: a view's names well under the 300 ms of a filter
update.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sitrep.mapping import labels
from sitrep.model import AdminArea, Place
from sitrep.places.names import fold
from sitrep.store import create_project

MYANMAR = (92.5, 10.0, 101.0, 28.0)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--places", type=int, default=60_000)
    ap.add_argument("--areas", type=int, default=330)
    args = ap.parse_args()
    rng = random.Random(15)
    west, south, east, north = MYANMAR
    with tempfile.TemporaryDirectory() as tmp:
        project = create_project(Path(tmp) / "bench.sitrep", name="Bench", user="bench")
        with project.session() as s:
            for i in range(args.places):
                name = f"Village {i}"
                s.add(
                    Place(
                        name=name,
                        name_norm=fold(name),
                        lat=rng.uniform(south, north),
                        lon=rng.uniform(west, east),
                        origin="pack",
                    )
                )
            for i in range(args.areas):
                lon, lat = rng.uniform(west, east - 0.5), rng.uniform(south, north - 0.5)
                ring = [[lon, lat], [lon + 0.5, lat], [lon + 0.5, lat + 0.5], [lon, lat + 0.5]]
                geom = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
                s.add(
                    AdminArea(
                        name=f"Township {i}",
                        name_norm=f"township {i}",
                        level=3,
                        geometry=json.dumps(geom),
                        min_lon=lon,
                        min_lat=lat,
                        max_lon=lon + 0.5,
                        max_lat=lat + 0.5,
                    )
                )
        started = time.perf_counter()
        labels._gazetteer()
        print(f"gazetteer arrays read once: {time.perf_counter() - started:.2f} s")
        print(f"{args.places:,} project places, {args.areas} township boundaries")
        print("zoom | names (median) | median ms | worst ms")
        for zoom in (5, 8, 10, 12, 14):
            span = 360 / 2**zoom * 3  # about a 768-px-wide view
            times, counts = [], []
            for _ in range(20):
                lon, lat = rng.uniform(west, east), rng.uniform(south, north)
                with project.session() as s:
                    t = time.perf_counter()
                    got = labels.view_labels(
                        s, lon - span / 2, lat - span / 3, lon + span / 2, lat + span / 3, zoom
                    )
                    times.append((time.perf_counter() - t) * 1000)
                counts.append(len(got))
            print(
                f"{zoom:4} | {statistics.median(counts):14.0f} | "
                f"{statistics.median(times):9.1f} | {max(times):8.1f}"
            )
        project.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
