"""Media blobs in SQL, content-addressed: the same bytes are stored once."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from engine.adapters.sql.database import Database
from engine.adapters.sql.models import MediaRow
from engine.domain.mediainfo import MediaInfo


class SqlMediaStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    def put(self, info: MediaInfo, data: bytes) -> bool:
        """Store the blob unless present; True when it was new."""
        with self._db.session() as session, session.begin():
            if session.get(MediaRow, info.sha256) is not None:
                return False
            session.add(
                MediaRow(
                    sha256=info.sha256,
                    mime=info.mime,
                    size=info.size,
                    duration_ms=info.duration_ms,
                    data=data,
                )
            )
            return True

    def get(self, sha256: str) -> tuple[MediaInfo, bytes] | None:
        with self._db.session() as session:
            row = session.get(MediaRow, sha256)
            if row is None:
                return None
            return MediaInfo(row.sha256, row.mime, row.size, row.duration_ms), row.data

    def missing(self, hashes: Iterable[str]) -> set[str]:
        wanted = set(hashes)
        if not wanted:
            return set()
        with self._db.session() as session:
            found = session.scalars(select(MediaRow.sha256).where(MediaRow.sha256.in_(wanted)))
            return wanted - set(found)
