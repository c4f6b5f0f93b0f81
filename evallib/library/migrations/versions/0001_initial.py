"""Initial schema: indicator library, search index, synonyms, results store.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

__all__ = ["downgrade", "upgrade"]

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=False, server_default="")


def _str(name: str, n: int) -> sa.Column:
    return sa.Column(name, sa.String(n), nullable=False, server_default="")


def _indicator_fk() -> sa.Column:
    return sa.Column(
        "indicator_id",
        sa.Integer,
        sa.ForeignKey("indicator.id", ondelete="CASCADE"),
        primary_key=True,
    )


def upgrade() -> None:
    op.create_table(
        "library_info",
        sa.Column("key", sa.String(50), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        _str("level1", 50),
        _str("level2", 50),
        _str("category", 100),
        _str("sector", 100),
        _str("unit", 50),
        _str("direction", 20),
        _str("rule", 50),
        sa.Column("params", sa.JSON, nullable=False),
        _text("target"),
        _text("explanation"),
        _text("criterion"),
        sa.Column("aliases", sa.JSON, nullable=False),
        _text("source"),
        _str("name_key", 200),
        _text("alias_keys"),
    )
    op.create_table(
        "indicator_type",
        _indicator_fk(),
        sa.Column("project_type", sa.String(50), primary_key=True),
    )
    op.create_index("ix_indicator_type_type", "indicator_type", ["project_type"])
    op.create_table(
        "indicator_gram",
        sa.Column("gram", sa.String(32), primary_key=True),
        _indicator_fk(),
        sa.Column("field", sa.SmallInteger, primary_key=True),
    )
    op.create_index("ix_indicator_gram_indicator", "indicator_gram", ["indicator_id"])
    op.create_table(
        "synonym",
        sa.Column("term", sa.String(50), primary_key=True),
        sa.Column("grp", sa.Integer, nullable=False),
    )
    op.create_index("ix_synonym_grp", "synonym", ["grp"])
    _results_store()


def _results_store() -> None:
    op.create_table(
        "run",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("project", sa.String(300), nullable=False),
        _str("department", 200),
        sa.Column("year", sa.Integer, nullable=True),
        sa.Column("total", sa.Float, nullable=True),
        _str("grade", 10),
        _text("bundle_path"),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        _str("evallib_version", 40),
        sa.UniqueConstraint("kind", "sha256", "project", name="uq_run_kind_sha_project"),
    )
    op.create_index("ix_run_year", "run", ["year"])
    op.create_table(
        "result",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "run_id", sa.Integer, sa.ForeignKey("run.id", ondelete="CASCADE"), nullable=False
        ),
        _str("code", 64),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("library_code", sa.String(64), nullable=True),
        _str("level1", 50),
        _str("level2", 50),
        _str("unit", 50),
        sa.Column("points", sa.Float, nullable=True),
        sa.Column("score", sa.Float, nullable=True),
        _text("target"),
        sa.Column("target_value", sa.Float, nullable=True),
        _text("actual"),
        sa.Column("actual_value", sa.Float, nullable=True),
    )
    for name, cols in (
        ("ix_result_name_key", ["name_key"]),
        ("ix_result_library_code", ["library_code"]),
        ("ix_result_run", ["run_id"]),
    ):
        op.create_index(name, "result", cols)


def downgrade() -> None:
    for table in ("result", "run", "synonym", "indicator_gram", "indicator_type", "indicator"):
        op.drop_table(table)
    op.drop_table("library_info")
