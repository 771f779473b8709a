"""full seal: every audit row records the state of what decides a result; station kits

Revision ID: 0007
Revises: 0008
Create Date: 2026-12-01

The migration records once, in a chained audit row, how many rows at the start of the log
were written before the hash chain existed, and seals the current data of every evaluation
(see audit_chain.write_baseline). Rows without a hash are accepted by verify only there.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0008'  # after the scan tables: the full seal's baseline comes last
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.Text(), nullable=False, server_default=''))
    op.create_table(
        'station_kits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('kit_id', sa.String(length=32), nullable=False),
        sa.Column('station', sa.String(length=100), nullable=False),
        sa.Column('secret', sa.String(length=64), nullable=False),
        sa.Column('issued_by', sa.String(length=50), nullable=False),
        sa.Column('issued_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kit_id', name='uq_station_kits_kit_id'),
    )
    with op.batch_alter_table('station_kits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_station_kits_evaluation_id'), ['evaluation_id'],
                              unique=False)
    from sqlalchemy.orm import Session

    from evalapp.services.audit_chain import write_baseline
    session = Session(bind=op.get_bind())
    write_baseline(session)
    session.flush()


def downgrade() -> None:
    with op.batch_alter_table('station_kits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_station_kits_evaluation_id'))
    op.drop_table('station_kits')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('state')
