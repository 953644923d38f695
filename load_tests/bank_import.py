"""Bank import benchmark: a generated 10,000-question bank, then a one-question change.

Writes a valid bank of mixed question types (with one shared audio clip) to a temporary
folder and imports it the way ``leitai bank import`` does (load the file, then
``BankAuthoring.import_bank``) on a fresh database: a temporary SQLite file by default,
or a scratch database this script creates and drops on the PostgreSQL server named by
``--database-url``. Then it imports the same file again (unchanged) and a file with one
question changed (one new version, one new question version).

Each step runs twice on its own fresh database: once for seconds, and once under
tracemalloc (which slows code down, so that run is not timed) for the peak of Python
allocations while loading the file and while storing it; the storing peak includes the
loaded bank still held. ``max_rss_mib`` is the process high-water mark after the timed
step.
Prints a table and merges the results under the backend's name into
``load_tests/results/bank_import.json``.

    .venv/bin/python load_tests/bank_import.py
    .venv/bin/python load_tests/bank_import.py --database-url postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.adapters.audio import duration_ms
from engine.adapters.bankfile import BANK_FILE, dump_bank, load_bank_file
from engine.adapters.sql.banks import SqlBankRepository
from engine.adapters.sql.database import Database, create_sql_engine
from engine.adapters.sql.media import SqlMediaStore
from engine.domain.questions import (
    BankContent,
    Choice,
    Media,
    MediaKind,
    Question,
    QuestionType,
    localized,
)
from engine.services.banks import BankAuthoring
from web.config import normalise_database_url

RESULTS = Path(__file__).parent / "results" / "bank_import.json"
SLUG = "bench-bank"
CLIP = "media/clip.wav"
MIB = 1024 * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument(
        "--database-url", help="a PostgreSQL server to create a scratch database on"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leitai-bench-") as folder:
        files = write_banks(Path(folder), args.questions)
        file_mib = round(files["original"].stat().st_size / MIB, 2)
        timed = run_steps(files, args.database_url, Path(folder), measure_memory=False)
        traced = run_steps(files, args.database_url, Path(folder), measure_memory=True)
    steps = [
        {
            **step,
            "load_peak_mib": memory["load_peak_mib"],
            "store_peak_mib": memory["store_peak_mib"],
        }
        for step, memory in zip(timed["steps"], traced["steps"], strict=True)
    ]
    result = {
        "backend": timed["backend"],
        "questions": args.questions,
        "bank_file_mib": file_mib,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "steps": steps,
    }
    report(result)
    save(result)


# -- the bank ----------------------------------------------------------------------------


def write_banks(folder: Path, count: int) -> dict[str, Path]:
    """The generated bank, and a copy with one question's difficulty changed."""
    content = generated_bank(count)
    middle = count // 2
    changed = list(content.questions)
    changed[middle] = dataclasses.replace(
        changed[middle], difficulty=changed[middle].difficulty % 5 + 1
    )
    files = {}
    for name, bank in (
        ("original", content),
        ("changed", dataclasses.replace(content, questions=tuple(changed))),
    ):
        (folder / name / "media").mkdir(parents=True)
        (folder / name / CLIP).write_bytes(clip())
        files[name] = folder / name / BANK_FILE
        files[name].write_text(dump_bank(bank), encoding="utf-8")
    return files


def generated_bank(count: int) -> BankContent:
    types = list(QuestionType)
    return BankContent(
        slug=SLUG,
        title=localized({"zh-Hans": "基准题库", "en": "Benchmark bank"}),
        default_locale="zh-Hans",
        questions=tuple(generated_question(i, types[i % len(types)]) for i in range(count)),
    )


def generated_question(index: int, type_: QuestionType) -> Question:
    keys = ("a", "b", "c", "d")
    choices: tuple[Choice, ...] = ()
    if type_ in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.ORDER):
        choices = tuple(
            Choice(k, localized({"zh-Hans": f"选项 {k}{index}", "en": f"Option {k}{index}"}))
            for k in keys
        )
    answer: tuple[str | bool, ...] = {
        QuestionType.SINGLE: (keys[index % 4],),
        QuestionType.MULTIPLE: (keys[0], keys[2]),
        QuestionType.ORDER: (keys[1], keys[0], keys[3], keys[2]),
        QuestionType.TRUE_FALSE: (index % 2 == 0,),
        QuestionType.TEXT: (f"答案{index}", f"answer {index}"),
    }[type_]
    media = None
    if index % 1000 == 0:
        media = Media(MediaKind.AUDIO, CLIP, localized({"zh-Hans": "一秒音频", "en": "1 s clip"}))
    return Question(
        key=f"q{index:05d}",
        type=type_,
        prompt=localized(
            {"zh-Hans": f"第 {index} 题：哪一个？", "en": f"Question {index}: which?"}
        ),
        answer=answer,
        choices=choices,
        difficulty=index % 5 + 1,
        tags=(f"topic-{index % 20}", "generated"),
        time_limit_s=20 if index % 3 == 0 else None,
        media=media,
        explanation=localized({"zh-Hans": "因为如此。", "en": "Because."}),
        source=f"Benchmark source {index}",
    )


def clip() -> bytes:
    """One second of 8 kHz mono silence, a valid WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes(b"\x80" * 8000)
    return buffer.getvalue()


# -- the steps ---------------------------------------------------------------------------


def run_steps(
    files: dict[str, Path], database_url: str | None, folder: Path, *, measure_memory: bool
) -> dict[str, Any]:
    label = "memory" if measure_memory else "time"
    with scratch_database(database_url, folder, label) as database:
        database.upgrade()
        authoring = BankAuthoring(
            banks=SqlBankRepository(database),
            media=SqlMediaStore(database),
            audio_duration_ms=duration_ms,
        )
        steps = []
        for name, file, expected in (
            ("import new bank", files["original"], "created"),
            ("import unchanged", files["original"], "unchanged"),
            ("import one-question change", files["changed"], "new version"),
        ):
            before = count_rows(database, "question_versions")
            meter = Meter(measure_memory)
            status, version = import_file(authoring, file, meter)
            assert status == expected, (name, status)
            new_rows = count_rows(database, "question_versions") - before
            steps.append(
                {
                    "step": name,
                    "version": version,
                    **meter.result(),
                    "new_question_versions": new_rows,
                }
            )
        assert steps[-1]["new_question_versions"] == 1
        return {"backend": database.backend, "steps": steps}


def import_file(authoring: BankAuthoring, file: Path, meter: Meter) -> tuple[str, int]:
    """Load and import one bank file as ``leitai bank import`` does."""
    meter.start()
    loaded = load_bank_file(file)
    assert loaded.content is not None, loaded.problems[:5]
    media = {
        q.media.path: (file.parent / q.media.path).read_bytes()
        for q in loaded.content.questions
        if q.media is not None
    }
    meter.lap("load")
    result = authoring.import_bank(loaded.content, media, published_by="bench")
    meter.lap("store")
    return result.status, result.version.number


class Meter:
    """Seconds of each lap, or (``trace``) the peak of Python allocations in each lap."""

    def __init__(self, trace: bool) -> None:
        self.trace = trace
        self.laps: dict[str, float] = {}

    def start(self) -> None:
        if self.trace:
            tracemalloc.start()
        self._since = time.perf_counter()

    def lap(self, name: str) -> None:
        if self.trace:
            self.laps[name] = tracemalloc.get_traced_memory()[1] / MIB
            tracemalloc.reset_peak()
            if name == "store":
                tracemalloc.stop()
        else:
            now = time.perf_counter()
            self.laps[name], self._since = now - self._since, now

    def result(self) -> dict[str, float]:
        if self.trace:
            return {f"{name}_peak_mib": round(v, 1) for name, v in self.laps.items()}
        return {
            **{f"{name}_s": round(v, 3) for name, v in self.laps.items()},
            "total_s": round(sum(self.laps.values()), 3),
            "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }


def count_rows(database: Database, table: str) -> int:
    with database.bind.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608


@contextmanager
def scratch_database(url: str | None, folder: Path, label: str) -> Iterator[Database]:
    """A fresh database of our own: a SQLite file, or a PostgreSQL database we drop after."""
    if url is None:
        engine = create_sql_engine(f"sqlite:///{folder / f'bench-{label}.db'}")
        try:
            yield Database(engine)
        finally:
            engine.dispose()
        return
    admin_url = normalise_database_url(url)
    name = f"leitai_bench_bank_import_{os.getpid()}_{label}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_sql_engine(admin_url.rsplit("/", 1)[0] + "/" + name)
    try:
        yield Database(engine)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# -- output ------------------------------------------------------------------------------


def report(result: dict[str, Any]) -> None:
    print(
        f"bank import on {result['backend']}: {result['questions']} questions, "
        f"bank.yaml {result['bank_file_mib']} MiB, Python {result['python']}, {result['machine']}"
    )
    header = (
        f"{'step':<28}{'version':>8}{'load s':>9}{'store s':>9}{'total s':>9}"
        f"{'new qv':>8}{'load peak':>11}{'store peak':>12}{'max RSS':>9}"
    )
    print(header)
    print("-" * len(header))
    for s in result["steps"]:
        print(
            f"{s['step']:<28}{s['version']:>8}{s['load_s']:>9.2f}{s['store_s']:>9.2f}"
            f"{s['total_s']:>9.2f}{s['new_question_versions']:>8}"
            f"{s['load_peak_mib']:>11.1f}{s['store_peak_mib']:>12.1f}{s['max_rss_mib']:>9.1f}"
        )


def save(result: dict[str, Any]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    saved[result["backend"]] = result
    RESULTS.write_text(json.dumps(saved, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {RESULTS} under {result['backend']!r}")


if __name__ == "__main__":
    main()
