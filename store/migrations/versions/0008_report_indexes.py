"""report indexes: stage changes by stage and by time, for reports over many people

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-01
"""

from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_stage_changes_to_stage",
        "stage_changes",
        ["to_stage", "deal_id", "changed_at"],
        unique=False,
    )
    op.create_index("ix_stage_changes_changed_at", "stage_changes", ["changed_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_stage_changes_changed_at", table_name="stage_changes")
    op.drop_index("ix_stage_changes_to_stage", table_name="stage_changes")
