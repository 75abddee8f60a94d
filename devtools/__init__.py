"""Dev infrastructure shared by tests/ and bench/: child processes (start, wait until they
answer, stop, kill with their children) and a throw-away PostgreSQL.

Never imported at run time (an import-linter contract in .importlinter): nothing here ships.
"""
