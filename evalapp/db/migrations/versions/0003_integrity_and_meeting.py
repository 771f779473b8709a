"""integrity and meeting room: audit hash chain, ballot drafts, count acknowledgement,
presentation timer

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counts_acknowledged_by', sa.String(length=50),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('counts_acknowledged_reason', sa.String(length=500),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('presentation_minutes', sa.Integer(), nullable=False,
                                      server_default='8'))
    op.create_table(
        'ballot_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('operator', sa.String(length=50), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('evaluation_id', 'operator'),
    )
    with op.batch_alter_table('ballot_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_drafts_evaluation_id'), ['evaluation_id'],
                              unique=False)
    op.create_table(
        'presentation_times',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('allowed_seconds', sa.Integer(), nullable=False),
        sa.Column('used_seconds', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id']),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('evaluation_id', 'department_id'),
    )
    with op.batch_alter_table('presentation_times', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_presentation_times_evaluation_id'),
                              ['evaluation_id'], unique=False)


def downgrade() -> None:
    op.drop_table('presentation_times')
    op.drop_table('ballot_drafts')
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_column('presentation_minutes')
        batch_op.drop_column('counts_acknowledged_reason')
        batch_op.drop_column('counts_acknowledged_by')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
