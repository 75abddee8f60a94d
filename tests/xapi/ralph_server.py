"""Run by `.venv-ralph/bin/python`: Ralph's LRS API under uvicorn with its file-system backend,
as `ralph runserver -b fs` does, without its code reloader.

One change to Ralph, for the file-system backend only: Ralph 5.1 writes each POST to the same
statements file with operation CREATE, which refuses an existing file (every POST after the first
fails with a 500); APPEND adds to it, as an LRS must. The API, its authentication, its
validation of statements and its handling of duplicate ids are Ralph's own.
"""

from __future__ import annotations

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

host, port = sys.argv[1], int(sys.argv[2])
uvicorn.run("ralph.api:app", host=host, port=port, log_level="warning")
