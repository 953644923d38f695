"""What changed between two versions of a bank.

Fields are compared in canonical form, so a diff is empty exactly when the two
versions have the same ``bank_hash``: a reordering of questions, which is content,
shows up as ``"order"`` in ``bank_fields``.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.domain.canonical import QUESTION_FIELDS, canonical_manifest, canonical_question
from engine.domain.questions import BankContent

#: Bank-level fields a diff may name, in this order.
BANK_DIFF_FIELDS = ("slug", "title", "default_locale", "order")


@dataclass(frozen=True)
class QuestionChange:
    key: str
    #: Changed fields in bank-file order, e.g. ``("prompt", "answer")``.
    fields: tuple[str, ...]


@dataclass(frozen=True)
class BankDiff:
    """Added keys in the new order, removed keys in the old order, changes in new order."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[QuestionChange, ...] = ()
    bank_fields: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.bank_fields)


def diff_banks(old: BankContent, new: BankContent) -> BankDiff:
    old_questions = {q.key: canonical_question(q) for q in old.questions}
    new_questions = {q.key: canonical_question(q) for q in new.questions}
    changed = []
    for key, after in new_questions.items():
        before = old_questions.get(key)
        if before is not None and before != after:
            fields = tuple(f for f in QUESTION_FIELDS if before.get(f) != after.get(f))
            changed.append(QuestionChange(key, fields))
    return BankDiff(
        added=tuple(key for key in new_questions if key not in old_questions),
        removed=tuple(key for key in old_questions if key not in new_questions),
        changed=tuple(changed),
        bank_fields=_bank_fields(old, new),
    )


def _bank_fields(old: BankContent, new: BankContent) -> tuple[str, ...]:
    before, after = canonical_manifest(old), canonical_manifest(new)
    fields = [f for f in BANK_DIFF_FIELDS[:3] if before[f] != after[f]]
    old_keys = [q.key for q in old.questions]
    new_keys = [q.key for q in new.questions]
    shared = set(old_keys) & set(new_keys)
    # Additions and removals are reported as such; "order" is about the questions both share.
    if [k for k in old_keys if k in shared] != [k for k in new_keys if k in shared]:
        fields.append("order")
    return tuple(fields)
