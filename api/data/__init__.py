"""The progress database: SQLAlchemy models, their Alembic migrations, and the functions that
read and write them (keyword-only arguments).

Never renders, never formats figures for a reader (that is reports' and web's job).
"""
