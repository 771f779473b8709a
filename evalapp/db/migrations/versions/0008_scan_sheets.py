"""scanned ballots: sheets read from scans (page hashes, reading) and crops of doubtful rows

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'scan_sheets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('serial', sa.String(length=50), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('page_hashes', sa.Text(), nullable=False),
        sa.Column('sources', sa.Text(), nullable=False),
        sa.Column('reading', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('ballot_id', sa.Integer(), nullable=True),
        sa.Column('imported_by', sa.String(length=50), nullable=False),
        sa.Column('imported_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id']),
        sa.ForeignKeyConstraint(['group_id'], ['evaluator_groups.id']),
        sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('evaluation_id', 'serial', name='uq_scan_sheets_serial'),
    )
    op.create_index('ix_scan_sheets_evaluation_id', 'scan_sheets', ['evaluation_id'])
    op.create_table(
        'scan_crops',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sheet_id', sa.Integer(), nullable=False),
        sa.Column('page', sa.Integer(), nullable=False),
        sa.Column('row', sa.Integer(), nullable=False),
        sa.Column('department', sa.String(length=100), nullable=False),
        sa.Column('reasons', sa.Text(), nullable=False),
        sa.Column('fills', sa.Text(), nullable=False),
        sa.Column('doubt', sa.Integer(), nullable=False),
        sa.Column('png', sa.LargeBinary(), nullable=False),
        sa.Column('resolved_value', sa.String(length=50), nullable=True),
        sa.Column('resolved_own', sa.Boolean(), nullable=True),
        sa.Column('resolved_by', sa.String(length=50), nullable=True),
        sa.Column('resolved_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['sheet_id'], ['scan_sheets.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_scan_crops_sheet_id', 'scan_crops', ['sheet_id'])


def downgrade() -> None:
    op.drop_index('ix_scan_crops_sheet_id', table_name='scan_crops')
    op.drop_table('scan_crops')
    op.drop_index('ix_scan_sheets_evaluation_id', table_name='scan_sheets')
    op.drop_table('scan_sheets')
