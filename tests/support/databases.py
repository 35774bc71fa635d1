"""A fresh, empty database for a test or a module: SQLite by default, PostgreSQL (a schema
of its own on the shared server) when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def fresh_database_url(
    directory: Path, name: str = "salesbot", server_url: str | None = None
) -> Iterator[str]:
    """`server_url` (else TEST_DATABASE_URL) names the PostgreSQL server to use."""
    server_url = server_url or os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{directory / f'{name}.db'}"
        return
    # A schema per test keeps tests apart without creating databases.
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
