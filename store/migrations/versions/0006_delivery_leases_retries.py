"""delivery ledger: leases, retries, deadlines and the claimed message; richer run records

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("lease_until", store.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("retry_at", store.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("useful_until", store.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("message", sa.JSON(), nullable=True))
        batch_op.create_index("ix_deliveries_status_job", ["status", "job"], unique=False)
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_retrying", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("last_missed", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("next_send_at", store.types.UTCDateTime(), nullable=True))
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        # The defaults only filled existing rows; the models set the value themselves.
        batch_op.alter_column("last_retrying", server_default=None)
        batch_op.alter_column("last_missed", server_default=None)
    # Before this revision "failed" meant any failure, counted against five attempts; now it
    # means a permanent error. Earlier failures get retried (their deadline applies).
    # A claim left "sending" has no lease: it counts as cut off, and is looked up in Slack.
    op.execute("UPDATE deliveries SET status = 'retry' WHERE status = 'failed'")


def downgrade() -> None:
    op.execute("UPDATE deliveries SET status = 'failed' WHERE status IN ('retry', 'missed')")
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.drop_column("next_send_at")
        batch_op.drop_column("last_missed")
        batch_op.drop_column("last_retrying")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_status_job")
        batch_op.drop_column("message")
        batch_op.drop_column("useful_until")
        batch_op.drop_column("retry_at")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("claimed_by")
