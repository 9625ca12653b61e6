"""Crash test of encryption: SIGKILL at random points, then look for plaintext and halves.

    python bench/crash.py [--trials 120] [--seed 11] [--kinds export merge encrypt decrypt]

Each trial copies the demo project, starts an encrypted export, an encrypted merge, an
encryption of the project at rest or its decryption in a child process and kills it
(SIGKILL) after a random delay within the run's usual duration. Then it checks:
- no plaintext anywhere: no file in the output folder or the child's temporary folder
  (``TMPDIR``) starts with the SQLite header or holds a known sentence of the demo; the
  output file, if any, is age ciphertext;
- the project: after an export, its incidents are unchanged; after a merge, they are
  either as before or fully merged (one transaction), and SQLite's integrity check passes;
- encrypt/decrypt: the project is entirely old (same form, same incidents) or entirely
  new (encrypted, resp. plain, with the same incidents), never half; during encryption no
  file in the folder is plaintext (decryption leaves a plain temporary file when killed,
  as it is asked to make plaintext; the next open removes it: counted, not a failure).
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
if kind in ("encrypt", "decrypt"):
    import time
    from sitrep.store import cipher
    print("ready", flush=True)  # the parent's clock starts here: kills land in the rewrite
    start = time.perf_counter()
    getattr(cipher, kind + "_file")(Path(project), "{secret}")
    print(f"took {time.perf_counter() - start}", flush=True)
    sys.exit(0)
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


def connect(path: Path) -> sqlite3.Connection:
    """A plain project through sqlite3, an encrypted one through SQLCipher."""
    with path.open("rb") as fh:
        if fh.read(16) == b"SQLite format 3\x00":
            return sqlite3.connect(path)
    from sqlcipher3 import dbapi2 as sqlcipher

    conn = sqlcipher.connect(str(path))
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = '{PASSPHRASE}'")
    return conn  # type: ignore[no-any-return]


def is_plain(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


def content_digest(path: Path) -> str:
    """A digest of the incidents and their child rows (what a user would see; not the
    time stamps and version counters a merge sets)."""
    conn = connect(path)
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
    conn = connect(path)
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
    """Seconds a run takes (for encrypt/decrypt: the rewrite alone, after start-up)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(project), str(other)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    for line in done.stdout.splitlines():
        if line.startswith("took "):
            return float(line.split()[1])
    return time.perf_counter() - start


def check_rewrite(
    kind: str,
    project: Path,
    before: str,
    tally: dict[str, int],
    failures: list[str],
    trial: int,
) -> None:
    """After a killed encrypt/decrypt: the project entirely old or entirely new."""
    old_plain = kind == "encrypt"
    plain = is_plain(project)
    try:
        same = content_digest(project) == before and integrity(project)
    except Exception as exc:  # noqa: BLE001 - any failure to read is the finding
        same = False
        failures.append(f"trial {trial} ({kind}): project unreadable: {exc}")
    if same and plain == old_plain:
        tally["encrypt/decrypt: project old"] += 1
    elif same:
        tally["encrypt/decrypt: project new"] += 1
    else:
        tally["encrypt/decrypt: project half or unreadable"] += 1
        failures.append(f"trial {trial} ({kind}): project neither old nor new")
    leftovers = list(project.parent.glob(f".{project.name}*"))
    if kind == "encrypt":
        leaks = plaintext_files_among(leftovers)
        if leaks:
            tally["plaintext found"] += 1
            failures.append(f"trial {trial} (encrypt): plaintext in {leaks}")
    elif any(p.is_file() and is_plain(p) for p in leftovers):
        tally["decrypt: plain temporary file left (removed on next open)"] += 1
    for suffix in ("-wal", "-shm"):
        Path(f"{project}{suffix}").unlink(missing_ok=True)


def plaintext_files_among(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        data = path.read_bytes() if path.is_file() else b""
        if any(k in data for k in KNOWN):
            found.append(str(path))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=120)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--kinds", nargs="+", default=["export", "merge", "encrypt", "decrypt"])
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
        # the demo encrypted at rest, the start of every decrypt trial
        demo_encrypted = work / "demo-encrypted.sitrep"
        copy_db(demo, demo_encrypted)
        durations["encrypt"] = timed_run("encrypt", demo_encrypted, demo_encrypted, env)
        probe_plain = work / "probe-plain.sitrep"
        shutil.copy(demo_encrypted, probe_plain)
        durations["decrypt"] = timed_run("decrypt", probe_plain, probe_plain, env)
        assert content_digest(demo_encrypted) == before == content_digest(probe_plain)
        print(
            f"uninterrupted: encrypted export {durations['export']:.1f} s, "
            f"encrypted merge {durations['merge']:.1f} s, encrypt at rest "
            f"{durations['encrypt']:.2f} s, decrypt {durations['decrypt']:.2f} s "
            "(process start included for export and merge only)"
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
            "encrypt/decrypt: project old": 0,
            "encrypt/decrypt: project new": 0,
            "encrypt/decrypt: project half or unreadable": 0,
            "decrypt: plain temporary file left (removed on next open)": 0,
        }
        failures = []
        for trial in range(args.trials):
            kind = args.kinds[trial % len(args.kinds)]
            project = work / f"t{trial}.sitrep"
            if kind == "decrypt":
                shutil.copy(demo_encrypted, project)
            else:
                copy_db(demo, project)
            out_dir = work / f"out{trial}"
            child_tmp = work / f"tmp{trial}"
            out_dir.mkdir()
            child_tmp.mkdir()
            target = {"export": out_dir / "shared.sitrep", "merge": other}.get(kind, project)
            delay = rng.uniform(0.0, durations[kind] * 1.1)
            proc = subprocess.Popen(
                [sys.executable, "-c", CHILD, kind, str(project), str(target)],
                env=dict(env, TMPDIR=str(child_tmp)),
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            if kind in ("encrypt", "decrypt"):
                assert proc.stdout is not None
                proc.stdout.readline()  # "ready": imports done, the rewrite starts now
            time.sleep(delay)
            finished = proc.poll() is not None
            if not finished:
                proc.send_signal(signal.SIGKILL)
                tally["killed"] += 1
            else:
                tally["finished before the kill"] += 1
            proc.wait()
            tally["trials"] += 1
            if kind in ("encrypt", "decrypt"):
                check_rewrite(kind, project, before, tally, failures, trial)
                project.unlink()
                for leftover in work.glob(f".{project.name}*"):
                    leftover.unlink()
                shutil.rmtree(out_dir)
                shutil.rmtree(child_tmp)
                continue
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
