"""languages a school offers

Revision ID: 0004_campaigns
Revises: 0003_sessions
Create Date: 2026-12-02 01:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_campaigns'
down_revision = '0003_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('languages', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('languages')
