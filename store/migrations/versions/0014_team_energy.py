"""team energy: celebration and leaderboard switches on teams; who was met on a visit

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("celebrate", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("leaderboard", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("teams", schema=None) as batch_op:
        # The defaults only filled existing teams (on); the model sets the value itself.
        batch_op.alter_column("celebrate", server_default=None)
        batch_op.alter_column("leaderboard", server_default=None)
    op.create_table(
        "visit_contacts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "visit_id",
            sa.Integer(),
            sa.ForeignKey("visits.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "contact_id",
            sa.Integer(),
            sa.ForeignKey("contacts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.UniqueConstraint("visit_id", "contact_id"),
    )
    op.create_index("ix_visit_contacts_visit_id", "visit_contacts", ["visit_id"])
    op.create_index("ix_visit_contacts_contact_id", "visit_contacts", ["contact_id"])


def downgrade() -> None:
    op.drop_index("ix_visit_contacts_contact_id", table_name="visit_contacts")
    op.drop_index("ix_visit_contacts_visit_id", table_name="visit_contacts")
    op.drop_table("visit_contacts")
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_column("leaderboard")
        batch_op.drop_column("celebrate")
