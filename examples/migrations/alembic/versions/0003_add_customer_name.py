"""add customer name and the order-count view

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("name", sa.String(100), nullable=True))
    op.execute(
        "CREATE VIEW customer_order_counts AS "
        "SELECT c.id AS customer_id, COUNT(o.id) AS order_count "
        "FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id"
    )


def downgrade() -> None:
    op.execute("DROP VIEW customer_order_counts")
    op.drop_column("customers", "name")
