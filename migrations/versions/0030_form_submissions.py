"""form submissions: a form sent to an action that must happen once (portal/core/once.py)

A double click, a second tab or a browser's retry sent a reply, a request, a note or an
invitation twice. Each such submission now claims its digest here first; claims older than
ten minutes are deleted as new ones come.

Revision ID: 0030_form_submissions
Revises: 0029_new_flags_index
Create Date: 2026-12-07 12:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0030_form_submissions"
down_revision = "0029_new_flags_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_submissions",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("answered_with", sa.String(length=2000), nullable=True),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_form_submissions")),
    )
    op.create_index(op.f("ix_form_submissions_sent_at"), "form_submissions", ["sent_at"])


def downgrade():
    op.drop_index(op.f("ix_form_submissions_sent_at"), table_name="form_submissions")
    op.drop_table("form_submissions")
