"""Bank files: ``question_banks/<slug>/bank.yaml`` in and out, with line numbers.

The only module that imports yaml. Loading composes the YAML node tree first and
builds the data from it by hand, so every value keeps the line it came from, so that
duplicate keys (which PyYAML would silently collapse) can be reported, and so that
anchors and aliases, which a bank never needs, cannot expand into a huge document.
Every problem is reported; nothing raises on a bad file.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from engine.domain.bankfiles import FileProblem as FileProblem
from engine.domain.bankfiles import LoadedBank as LoadedBank
from engine.domain.banks import FieldPath, Problem, is_safe_media_path
from engine.domain.canonical import bank_from_dict, bank_to_dict
from engine.domain.questions import BankContent

BANK_FILE = "bank.yaml"

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
#: A bank nests six levels deep; this keeps hostile input far from the recursion limit.
_MAX_DEPTH = 32
_SURROGATE = re.compile("[\ud800-\udfff]")


# libyaml's dumper when it is installed: a base mypy cannot know.
class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Short lists of plain values (answers, tags) read best on one line: ``[a, c]``."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flat = not any(isinstance(item, dict | list) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


_Dumper.add_representer(list, _represent_list)


def load_bank_file(path: str | Path) -> LoadedBank:
    """Load a bank file, or ``bank.yaml`` in a bank folder; media paths are checked."""
    path = Path(path)
    if path.is_dir():
        path = path / BANK_FILE
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return LoadedBank(file, None, (FileProblem(file, None, f"cannot read: {error.strerror}"),))
    return parse_bank_bytes(raw, file, path.parent)


def parse_bank_bytes(raw: bytes, file: str, folder: Path | None = None) -> LoadedBank:
    """Parse a bank file's bytes, which must be UTF-8 (else the byte is named)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problem = FileProblem(file, line, f"not valid UTF-8 (byte {error.start})")
        return LoadedBank(file, None, (problem,))
    return parse_bank_text(text, file, folder)


def parse_bank_text(text: str, file: str = "<string>", folder: Path | None = None) -> LoadedBank:
    """Parse bank YAML; media files are looked up in ``folder`` unless it is None."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as error:
        return LoadedBank(file, None, (_syntax_problem(file, error),))
    finally:
        loader.dispose()
    if root is None:
        return LoadedBank(file, None, (FileProblem(file, 1, "the file is empty"),))
    tree = _Tree(loader)
    data = tree.build(root, ())
    content, domain_problems = bank_from_dict(data)
    if folder is not None:
        domain_problems += _missing_media(data, folder)
    problems = [FileProblem(file, line, message) for line, message in tree.problems]
    problems += [
        FileProblem(file, tree.line_of(p.path), str(p) if p.path else f"top level {p.message}")
        for p in domain_problems
        # A value the tree could not build was reported already; its null is no news.
        if p.path not in tree.unreadable
    ]
    problems.sort(key=lambda p: p.line or 0)
    return LoadedBank(file, None if problems else content, tuple(problems))


def dump_bank(content: BankContent) -> str:
    """The bank as YAML, fields in contract order; loading it gives the same hash."""
    return yaml.dump(
        bank_to_dict(content),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )


def _syntax_problem(file: str, error: yaml.YAMLError) -> FileProblem:
    if not isinstance(error, yaml.MarkedYAMLError):
        return FileProblem(file, 1, f"YAML error: {error}")
    mark = error.problem_mark or error.context_mark
    message = " ".join(part for part in (error.context, error.problem) if part)
    return FileProblem(file, mark.line + 1 if mark else 1, f"YAML syntax error: {message}")


def _missing_media(data: Any, folder: Path) -> list[Problem]:
    missing = []
    questions = data.get("questions") if isinstance(data, dict) else None
    for index, question in enumerate(questions if isinstance(questions, list) else []):
        media = question.get("media") if isinstance(question, dict) else None
        path = media.get("path") if isinstance(media, dict) else None
        # An unsafe path is a rule problem already; never look outside the bank folder.
        if isinstance(path, str) and is_safe_media_path(path):
            message = media_file_problem(folder, path)
            if message is not None:
                missing.append(Problem(("questions", index, "media", "path"), message))
    return missing


def media_file_problem(folder: Path, path: str) -> str | None:
    """Why ``path`` is not a regular file inside ``folder``, or None when it is.

    No part of the path may be a symbolic link, even one pointing inside the folder:
    what is imported is then exactly what is in the folder, and a link cannot be turned
    to ``/etc/passwd`` between ``bank check`` and ``bank import``. Devices, FIFOs and
    folders are not media either.
    """
    current = folder
    for part in PurePosixPath(path).parts:
        current = current / part
        try:
            mode = current.lstat().st_mode
        except FileNotFoundError:
            return f"media file {path!r} not found"
        except OSError as error:
            return f"media file {path!r} cannot be read: {error.strerror}"
        if stat.S_ISLNK(mode):
            link = current.relative_to(folder).as_posix()
            return f"media file {path!r}: {link!r} is a symbolic link; copy the file in instead"
    if not stat.S_ISREG(mode):
        return f"media file {path!r} is not a regular file"
    return None


class _Tree:
    """Plain data from a YAML node tree, remembering the line of every value."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader
        self._lines: dict[FieldPath, int] = {}
        self._seen: set[int] = set()
        self.problems: list[tuple[int, str]] = []
        #: Paths whose value was refused and stands as null in the data.
        self.unreadable: set[FieldPath] = set()

    def line_of(self, path: FieldPath) -> int:
        """The line of the value at ``path``, or of its closest ancestor that exists."""
        for end in range(len(path), -1, -1):
            if path[:end] in self._lines:
                return self._lines[path[:end]]
        return 1

    def build(self, node: yaml.Node, path: FieldPath) -> Any:
        line = node.start_mark.line + 1
        # A mapping entry keeps its key's line, set by the caller.
        self._lines.setdefault(path, line)
        if len(path) > _MAX_DEPTH:
            return self._refuse(path, line, "nested too deeply for a bank file")
        if id(node) in self._seen:
            # The node is the anchored one; the line of the alias is the key's, if any.
            message = "anchors and aliases are not supported in bank files"
            return self._refuse(path, self._lines[path], message)
        self._seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                return self._scalar(node)
            except (yaml.YAMLError, ValueError) as error:
                return self._refuse(path, line, f"cannot read value: {_reason(error)}")
        if node.tag not in _COLLECTION_TAGS:
            return self._refuse(path, line, f"unsupported tag {node.tag!r}")
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._mapping(node, path)

    def _mapping(self, node: yaml.Node, path: FieldPath) -> dict[Any, Any]:
        data: dict[Any, Any] = {}
        first_lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            try:
                key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            except (yaml.YAMLError, ValueError):
                key = None
            if key is None:
                self.problems.append((line, "a key must be plain text"))
                continue
            if key in data:
                message = f"duplicate key {key!r} (first at line {first_lines[key]})"
                self.problems.append((line, message))
                continue
            first_lines[key] = line
            key_path = (*path, key if isinstance(key, str) else str(key))
            self._lines[key_path] = line
            data[key] = self.build(value_node, key_path)
        return data

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        """The value; raises on an unknown tag, a date the calendar does not have, or a
        lone surrogate (``"\\ud800"``, which pure-Python YAML lets through)."""
        value = self._loader.construct_object(node)
        if isinstance(value, str) and _SURROGATE.search(value):
            raise ValueError("a lone surrogate (\\ud800-\\udfff) is not a character")
        return value

    def _refuse(self, path: FieldPath, line: int, message: str) -> None:
        self.problems.append((line, message))
        self.unreadable.add(path)


def _reason(error: Exception) -> str:
    return str(error.problem) if isinstance(error, yaml.MarkedYAMLError) else str(error)
