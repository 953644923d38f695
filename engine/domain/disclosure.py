"""Which answer keys a round's report may carry while the round runs.

The key of a question not yet closed is served to nobody but the bank's authors (who
read the bank itself): a host or co-host reading results mid-round must not learn what
the contestants are about to be asked, nor the answer to the question still open.
"""

from __future__ import annotations

from engine.domain.rounds import LiveRound, LiveStatus


def key_disclosed(index: int | None, state: LiveRound | None, *, finished: bool) -> bool:
    """Whether a report may show the answer key of the question at ``index`` on the
    round's paper (None: on no round-wide paper, e.g. from a self-paced personal paper).

    Every key once the round is finished; while it runs, those of the questions already
    closed. With no live state (self-paced, where any question may still be delivered to
    someone; or a live state lost) none until the round is finished.
    """
    if finished:
        return True
    if state is None or index is None:
        return False
    if state.status is LiveStatus.FINISHED or index < state.index:
        return True  # every earlier question was closed before the current one opened
    return index == state.index and LiveStatus.QUESTION_OPEN not in (
        state.status,
        state.resume_to,
    )
