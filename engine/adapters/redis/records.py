"""Every record Python and the Lua scripts both read, each defined once, here.

A positional record is a named tuple of texts joined by one separator: the answer each
answer script call takes, the delta it leaves for a skip, the board profile and the
progress. Python encodes and decodes them with :class:`Record`; the Lua side's names are
generated from the same definition when a script is registered (:func:`lua_script`
prepends ``local ANSWER_CONTESTANT = 12`` and ``decode_answer``/``encode_answer``), so a
field added or moved here moves in every script. The answer script's reply is decoded
here too; the answer log's entries (JSON, which Lua only stores) in answer_log.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

from engine.adapters.redis.answer_log import CONTESTANT, RECORD
from engine.domain.standings import Profile
from engine.ports import NO_PROGRESS

_LUA = Path(__file__).parent / "lua"
_LUA_CAPTURES = 32  # at most, in one Lua pattern


class _Fields(Protocol):
    """A named tuple of texts (mypy matches no protocol naming ``_fields`` to one)."""

    def __iter__(self) -> Iterator[str]: ...


T = TypeVar("T", bound=_Fields)


class Record(Generic[T]):
    """A record stored or sent as its fields' texts joined by one ``separator`` character.
    No value may hold it, except the last when ``rest`` (it is the rest of the text)."""

    def __init__(self, name: str, fields: type[T], separator: str, *, rest: bool = False):
        self.name = name
        self.fields = fields
        self.names: tuple[str, ...] = fields._fields  # type: ignore[attr-defined]
        self.separator = separator
        self.rest = rest
        if len(separator) != 1 or len(self.names) > _LUA_CAPTURES:
            raise ValueError(f"Lua cannot match a {name} record in one pattern")

    def encode(self, record: T) -> str:
        return self.separator.join(record)

    def decode(self, text: str) -> T:
        count = len(self.names)
        values = text.split(self.separator, count - 1 if self.rest else -1)
        if len(values) != count:
            raise ValueError(f"not a {self.name} record: {text!r}")
        return self.fields(*values)

    def lua(self) -> str:
        """The Lua names of this record: one index per field, and its decode (an array,
        or nil when the text is not one) and encode. Decoding is one anchored pattern,
        four times as fast in Redis as splitting the text a field at a time."""
        upper, separator = self.name.upper(), _lua_text(self.separator)
        magic = "%" if self.separator in "^$()%.[]*+-?" else ""
        value = _lua_text(f"([^{magic}{self.separator}]*){magic}{self.separator}")
        last = '"(.*)$"' if self.rest else _lua_text(f"([^{magic}{self.separator}]*)$")
        return "\n".join(
            [
                f"-- records.{self.fields.__name__}",
                *(f"local {upper}_{f.upper()} = {i}" for i, f in enumerate(self.names, 1)),
                f'local {upper}_PATTERN = "^" .. string.rep({value}, {len(self.names) - 1})'
                f" .. {last}",
                *self._lua_head(magic),
                f"local function decode_{self.name}(text)",
                f"  local values = {{string.match(text, {upper}_PATTERN)}}",
                "  return #values > 0 and values or nil",
                "end",
                f"local function encode_{self.name}(values)",
                f"  return table.concat(values, {separator})",
                "end",
            ]
        )

    def _lua_head(self, magic: str) -> list[str]:
        """For a record whose last field is the rest of the text: every field before it as
        one text, found without splitting the record (``{NAME}_HEAD_PATTERN``)."""
        if not self.rest:
            return []
        field, separator = f"[^{magic}{self.separator}]*", f"{magic}{self.separator}"
        return [
            f"local {self.name.upper()}_HEAD_PATTERN = {_lua_text(f'^({field}')}"
            f" .. string.rep({_lua_text(separator + field)}, {len(self.names) - 2})"
            f" .. {_lua_text(')' + separator)}"
        ]


def _lua_text(text: str) -> str:
    """A Lua string literal: printable ASCII as is, anything else as a decimal escape."""
    escaped = (c if " " <= c <= "~" and c not in '"\\' else f"\\{ord(c)}" for c in text)
    return '"' + "".join(escaped) + '"'


# --- the answer script's argument ------------------------------------------------------


class AnswerCall(NamedTuple):
    """One answer to lua/answer.lua, joined by the unit separator: redis-py packs each
    argument in Python, and per value that was most of the process's cost of a call."""

    round_key: str  # the round's live hash
    answers_key: str  # this question's answers
    options_key: str  # this question's option counts
    progress_key: str  # contestant -> progress (PROGRESS)
    deltas_key: str  # this question's applied deltas (DELTA)
    kicked_key: str
    profiles_key: str  # the board's profiles (PROFILE)
    state_key: str  # the board's freeze state
    base: str  # the board shard's base key
    contestant: str
    #: the round's seq the answer was judged at (live: the state must still be that one),
    #: "" for self-paced (the caller checked the contestant's own clock)
    gate: str
    expected_progress: str
    new_progress: str
    expected_score: str  # the board score scoring started from
    points: str
    response_ms: str
    result: str  # JSON
    options: str  # for the histogram, space-separated (choice keys have no spaces)
    log: str  # the answer log entry's value (log_value)
    #: self-paced: the round's attempts ("" for live), the contestant's attempt the
    #: answer was judged from (the script refuses it as stale unless stored so, and
    #: unless the round's window still runs) and the attempt to store with it
    attempts_key: str
    expected_attempt: str
    new_attempt: str


#: No key, id, JSON (which escapes control characters) or choice key holds the unit
#: separator; the script refuses an answer whose values did as "malformed".
ANSWER = Record("answer", AnswerCall, "\x1f")


# --- what an answer added, kept for a skip and a publish -------------------------------


class Delta(NamedTuple):
    """Written by lua/answer.lua per live answer, read by void.lua and publish.lua."""

    status: str  # "applied" | "voided"
    delta: str  # added to the round boards
    views: str  # "live" | "live+public": the boards it is on
    progress_before: str  # the contestant's progress before the answer (PROGRESS)
    progress_after: str


DELTA = Record("delta", Delta, "|")


# --- a contestant's profile on the boards ----------------------------------------------


class StoredProfile(NamedTuple):
    region: str  # "" for none
    team: str  # "" for none
    nickname: str  # last: the only part that may hold a tab


PROFILE = Record("profile", StoredProfile, "\t", rest=True)


def pack_profile(profile: Profile) -> str:
    return PROFILE.encode(StoredProfile(profile.region or "", profile.team or "", profile.nickname))


def unpack_profile(raw: str) -> Profile:
    region, team, nickname = PROFILE.decode(raw)
    return Profile(nickname, region or None, team or None)


# --- a contestant's streak -------------------------------------------------------------


class Progress(NamedTuple):
    """What scoring an answer needs of the ones before: (streak, last question answered)
    to the services. Opaque to Lua, which compares and stores it whole."""

    streak: str
    last_index: str


PROGRESS = Record("progress", Progress, ",")
#: Before the first answer: stored as nothing ("").


def progress_text(progress: tuple[int, int]) -> str:
    if progress == NO_PROGRESS:
        return ""
    return PROGRESS.encode(Progress(str(progress[0]), str(progress[1])))


def parse_progress(raw: str) -> tuple[int, int]:
    if not raw:
        return NO_PROGRESS
    streak, last = PROGRESS.decode(raw)
    return int(streak), int(last)


#: The records the scripts read, in the order their Lua names are generated.
SHARED = (ANSWER, DELTA, PROFILE)


# --- the answer script's reply ---------------------------------------------------------


@dataclass(frozen=True)
class AnswerOutcome:
    status: str  # accepted | duplicate | stale | retry | refused
    result: dict[str, Any] | None = None
    reason: str | None = None
    #: accepted: the contestant's progress and round score after it; retry: as they are
    progress: tuple[int, int] | None = None
    score: float | None = None


def answer_outcome(
    reply: Sequence[bytes], result: Mapping[str, Any], new_progress: tuple[int, int]
) -> AnswerOutcome:
    """One answer's reply from lua/answer.lua: {"accepted", new round score} |
    {"duplicate", first result} | {"stale"} | {"retry", progress, score or ""} |
    {"refused", reason}. ``result`` and ``new_progress``: what the call sent."""
    status = reply[0].decode()
    if status == "accepted":
        return AnswerOutcome(status, dict(result), progress=new_progress, score=float(reply[1]))
    if status == "duplicate":
        return AnswerOutcome(status, json.loads(reply[1]))
    if status == "retry":
        score = reply[2].decode()
        progress = parse_progress(reply[1].decode())
        return AnswerOutcome(status, progress=progress, score=float(score) if score else None)
    if status == "refused":
        return AnswerOutcome(status, reason=reply[1].decode())
    return AnswerOutcome(status)


# --- the scripts -----------------------------------------------------------------------


def _log_names() -> str:
    return "\n".join(
        [
            "-- The answer log's entry fields (answer_log.RECORD, answer_log.CONTESTANT)",
            f"local LOG_RECORD, LOG_CONTESTANT = {_lua_text(RECORD)}, {_lua_text(CONTESTANT)}",
        ]
    )


#: Generated once per process: a script's text, so its SHA, never changes while it runs.
_PRELUDE = "\n".join(
    [
        "-- The records Python and Lua share, generated from engine/adapters/redis/records.py:",
        "-- read their fields by these names.",
        *(r.lua() for r in SHARED),
        _log_names(),
        "",
    ]
)


def lua_script(*files: str) -> str:
    """A script's source: the records' Lua names, then ``files`` of lua/ in order."""
    return _PRELUDE + "".join((_LUA / name).read_text() for name in files)
