"""outbox_replies: workers' answers to requests, recorded with the request's finish and sent
(retried, looked up in DM history after a crash) by a reply sender

Revision ID: 0016
Revises: 0012
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=240), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("response_url", sa.Text(), nullable=True),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("retry_at", UTCDateTime(), nullable=True),
        sa.Column("dm_posted_at", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("last_error", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index(
        "ix_outbox_replies_waiting", "outbox_replies", ["sent_at", "retry_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_replies_waiting", table_name="outbox_replies")
    op.drop_table("outbox_replies")
