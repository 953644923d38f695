"""Room names: one per round and audience, so one emit reaches exactly that audience."""


def players(round_id: int) -> str:
    return f"round:{round_id}"


def spectators(round_id: int) -> str:
    return f"watch:{round_id}"


def hosts(round_id: int) -> str:
    return f"host:{round_id}"


def contestant(round_id: int, contestant: str) -> str:
    """One contestant's connections (any process's): only a ban is sent here."""
    return f"round:{round_id}:contestant:{contestant}"
