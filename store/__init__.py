"""Persistence: SQLAlchemy models, sessions, queries and Alembic migrations.

Nothing outside this package writes SQL.
"""
