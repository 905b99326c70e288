"""Writing a file whole or not at all: into a temporary file beside it, then renamed over it.

A reader never sees half a file, and a write interrupted midway leaves the old file (or
none) and a ``*.part`` leftover that the sweeps delete.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

PARTIAL_SUFFIX = ".part"


@contextmanager
def replacing(target: str | Path) -> Iterator[Path]:
    """A fresh temporary path beside ``target``, renamed over it when the block ends; removed if the block raises."""
    target = Path(target)
    partial = target.with_name(f"{target.name}.{secrets.token_hex(4)}{PARTIAL_SUFFIX}")
    try:
        yield partial
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_open(target: str | Path) -> Iterator[BinaryIO]:
    """A binary stream whose bytes land at ``target`` all at once, when the block ends without error."""
    with replacing(target) as partial, partial.open("wb") as stream:
        yield stream


def write_atomically(target: str | Path, data: bytes | str) -> None:
    """Write ``data`` (text as UTF-8) to ``target`` atomically."""
    with atomic_open(target) as stream:
        stream.write(data.encode("utf-8") if isinstance(data, str) else data)
