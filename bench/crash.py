"""Crash test of encrypted sharing: SIGKILL at random points, then look for plaintext.

    python bench/crash.py [--trials 120] [--seed 11]

Each trial copies the demo project, starts an encrypted export or an encrypted merge
in a child process and kills it (SIGKILL) after a random delay within the run's usual
duration. Then it checks:
- no plaintext anywhere: no file in the output folder or the child's temporary folder
  (``TMPDIR``) starts with the SQLite header or holds a known sentence of the demo; the
  output file, if any, is age ciphertext;
- the project: after an export, its incidents are unchanged; after a merge, they are
  either as before or fully merged (one transaction), and SQLite's integrity check passes.
Prints the tally. Exit status 1 if any trial failed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSPHRASE = "crash-test-2025"
# sentences of the demo project: any of them in a file means plaintext reached the disk
KNOWN = [b"SQLite format 3", b"Kamaing column", b"Battalion 33", b"Lone Khin"]

CHILD = """
import sys
from pathlib import Path
from sitrep.store import open_project
from sitrep.model.enums import Sensitivity
kind, project, other = sys.argv[1:4]
p = open_project(project, user="crash")
if kind == "export":
    from sitrep.sharing.export import export_project
    export_project(p, Path(other), level=Sensitivity.INTERNAL, passphrase="{secret}")
else:
    from sitrep.sharing.merge import merge_project
    merge_project(p, Path(other), passphrase="{secret}")
p.close()
print("done", flush=True)
""".replace("{secret}", PASSPHRASE)


BOOKKEEPING = {"created_at", "updated_at", "updated_by", "version", "id"}


def content_digest(path: Path) -> str:
    """A digest of the incidents and their child rows (what a user would see; not the
    time stamps and version counters a merge sets)."""
    conn = sqlite3.connect(path)
    try:
        parts = []
        for table in ("incident", "source", "casualty", "incident_actor", "external_id"):
            names = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            wanted = [n for n in names if n not in BOOKKEEPING or table == "incident"]
            wanted = [n for n in wanted if n not in BOOKKEEPING - {"id"}]
            cols = ", ".join(f'"{n}"' for n in wanted)
            rows = sorted(conn.execute(f"SELECT {cols} FROM {table}").fetchall(), key=repr)
            parts.append(json.dumps(rows, default=str))
        return hashlib.sha256("".join(parts).encode()).hexdigest()
    finally:
        conn.close()


def integrity(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def copy_db(src: Path, dst: Path) -> None:
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    a.backup(b)
    b.close()
    a.close()


def plaintext_files(folders: list[Path]) -> list[str]:
    found = []
    for path in [p for folder in folders for p in folder.rglob("*") if p.is_file()]:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if data.startswith(b"age-encryption.org/v1"):
            continue  # ciphertext (perhaps cut short): no plaintext
        if any(k in data for k in KNOWN):
            found.append(str(path))
    return found


def prepare(work: Path) -> tuple[Path, Path]:
    """The demo project, and an encrypted colleague's file with changes to merge."""
    from sqlalchemy import select

    from sitrep.demo import build_demo
    from sitrep.model import Incident, Source
    from sitrep.model.enums import Sensitivity, SourceType
    from sitrep.sharing.export import export_project
    from sitrep.store import open_project

    demo = work / "demo.sitrep"
    build_demo(demo, synthetic=300).close()
    colleague_plain = work / "colleague" / "c.sitrep"
    colleague_plain.parent.mkdir()
    project = open_project(demo, user="bench")
    export_project(project, colleague_plain, level=Sensitivity.INTERNAL)
    project.close()
    colleague = open_project(colleague_plain, user="colleague")
    with colleague.session() as s:
        for inc in s.scalars(select(Incident).limit(60)):
            inc.title = inc.title + " (checked by colleague)"
            inc.sources.append(Source(name="Colleague's call", source_type=SourceType.OWN_STAFF))
    other = work / "colleague.sitrep"
    export_project(colleague, other, level=Sensitivity.INTERNAL, passphrase=PASSPHRASE)
    colleague.close()
    shutil.rmtree(colleague_plain.parent)
    # the project as it is after that export (its exchange recorded), as every trial starts
    return demo, other


def timed_run(kind: str, project: Path, other: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(project), str(other)],
        check=True,
        env=env,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=120)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="crash-bench-") as folder:
        work = Path(folder)
        demo, other = prepare(work)
        before = content_digest(demo)
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        # the merged state, and how long each run takes when not killed
        probe = work / "probe.sitrep"
        copy_db(demo, probe)
        durations = {"merge": timed_run("merge", probe, other, env)}
        merged = content_digest(probe)
        out_probe = work / "probe-out"
        out_probe.mkdir()
        durations["export"] = timed_run("export", probe, out_probe / "x.sitrep", env)
        print(
            f"uninterrupted: encrypted export {durations['export']:.1f} s, "
            f"encrypted merge {durations['merge']:.1f} s (process start included)"
        )
        tally = {
            "trials": 0,
            "killed": 0,
            "finished before the kill": 0,
            "plaintext found": 0,
            "project changed by an export": 0,
            "project half-merged": 0,
            "integrity failures": 0,
            "merge rolled back": 0,
            "merge complete": 0,
            "output: complete ciphertext": 0,
            "output: none": 0,
            "ciphertext .part left in output folder": 0,
        }
        failures = []
        for trial in range(args.trials):
            kind = "export" if trial % 2 == 0 else "merge"
            project = work / f"t{trial}.sitrep"
            copy_db(demo, project)
            out_dir = work / f"out{trial}"
            child_tmp = work / f"tmp{trial}"
            out_dir.mkdir()
            child_tmp.mkdir()
            target = out_dir / "shared.sitrep" if kind == "export" else other
            delay = rng.uniform(0.0, durations[kind] * 1.1)
            proc = subprocess.Popen(
                [sys.executable, "-c", CHILD, kind, str(project), str(target)],
                env=dict(env, TMPDIR=str(child_tmp)),
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(delay)
            finished = proc.poll() is not None
            if not finished:
                proc.send_signal(signal.SIGKILL)
                tally["killed"] += 1
            else:
                tally["finished before the kill"] += 1
            proc.wait()
            tally["trials"] += 1
            leaks = plaintext_files([out_dir, child_tmp])
            if leaks:
                tally["plaintext found"] += 1
                failures.append(f"trial {trial} ({kind}): plaintext in {leaks}")
            if not integrity(project):
                tally["integrity failures"] += 1
                failures.append(f"trial {trial}: integrity check failed")
            digest = content_digest(project)
            if kind == "export":
                if digest != before:
                    tally["project changed by an export"] += 1
                    failures.append(f"trial {trial}: export changed the project")
                outputs = [p for p in out_dir.iterdir()]
                if (out_dir / "shared.sitrep").exists():
                    tally["output: complete ciphertext"] += 1
                elif not outputs:
                    tally["output: none"] += 1
                if any(p.name.startswith(".shared.sitrep.part") for p in outputs):
                    tally["ciphertext .part left in output folder"] += 1
            elif digest == before:
                tally["merge rolled back"] += 1
            elif digest == merged:
                tally["merge complete"] += 1
            else:
                tally["project half-merged"] += 1
                failures.append(f"trial {trial}: merge left the project half-merged")
            for leftover in (project, out_dir, child_tmp):
                if leftover.is_dir():
                    shutil.rmtree(leftover)
                else:
                    for suffix in ("", "-wal", "-shm"):
                        Path(str(leftover) + suffix).unlink(missing_ok=True)
        width = max(len(k) for k in tally)
        for key, value in tally.items():
            print(f"{key:<{width}}  {value}")
        for failure in failures:
            print("FAIL", failure)
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
