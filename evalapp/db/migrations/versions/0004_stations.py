"""several entry stations: ballot identities (idempotent saves) and imported batches

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entry_uid', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_ballots_entry_uid', ['entry_uid'])
    with op.batch_alter_table('ballot_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entry_uid', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_ballot_entries_entry_uid', ['entry_uid'])
    op.create_table(
        'batches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('checksum', sa.String(length=64), nullable=False),
        sa.Column('station', sa.String(length=100), nullable=False),
        sa.Column('operator', sa.String(length=50), nullable=False),
        sa.Column('exported_at', sa.String(length=30), nullable=False),
        sa.Column('imported_at', sa.DateTime(), nullable=False),
        sa.Column('imported_by', sa.String(length=50), nullable=False),
        sa.Column('ballots', sa.Integer(), nullable=False),
        sa.Column('added', sa.Integer(), nullable=False),
        sa.Column('duplicates', sa.Integer(), nullable=False),
        sa.Column('conflicts', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('checksum', name='uq_batches_checksum'),
    )
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batches_evaluation_id'), ['evaluation_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batches_evaluation_id'))
    op.drop_table('batches')
    with op.batch_alter_table('ballot_entries', schema=None) as batch_op:
        batch_op.drop_constraint('uq_ballot_entries_entry_uid', type_='unique')
        batch_op.drop_column('entry_uid')
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_constraint('uq_ballots_entry_uid', type_='unique')
        batch_op.drop_column('entry_uid')
