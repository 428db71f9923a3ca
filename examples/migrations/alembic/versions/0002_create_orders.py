"""create orders

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.Numeric(10, 2), nullable=False),
        sa.CheckConstraint("total >= 0", name="orders_total_check"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name="orders_customer_fk"),
    )
    op.create_index("orders_customer_id_idx", "orders", ["customer_id"])


def downgrade() -> None:
    op.drop_table("orders")
