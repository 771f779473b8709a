"""double entry: ballot status and the independent entries

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), nullable=False,
                                      server_default='confirmed'))
    op.create_table(
        'ballot_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ballot_id', sa.Integer(), nullable=False),
        sa.Column('operator', sa.String(length=50), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('own_department_id', sa.Integer(), nullable=True),
        sa.Column('marks', sa.Text(), nullable=False),
        sa.Column('superseded', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id']),
        sa.ForeignKeyConstraint(['group_id'], ['evaluator_groups.id']),
        sa.ForeignKeyConstraint(['own_department_id'], ['departments.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('ballot_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_entries_ballot_id'), ['ballot_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ballot_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_entries_ballot_id'))
    op.drop_table('ballot_entries')
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_column('status')
