"""Request bodies read up to a limit, whatever their framing (Content-Length or chunked)."""

from __future__ import annotations

import io
from typing import BinaryIO


class BodyTooLarge(Exception):
    """The body has more than ``limit`` bytes. Not a ValueError on purpose: werkzeug's form
    parser turns a ValueError into an empty form, and the request would go on."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the body exceeds {limit} bytes")
        self.limit = limit


class BoundedReader(io.RawIOBase):
    """The first ``limit`` bytes of ``stream``; the read that finds one more raises BodyTooLarge,
    and so does every read after it. At most ``limit + 1`` bytes of ``stream`` are ever read:
    werkzeug reads a chunked body (no Content-Length) to its end otherwise, whatever its size."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        super().__init__()
        if limit < 0:
            raise ValueError("the limit must be 0 or more")
        self._stream = stream
        self.limit = limit
        self._left = limit
        self.exceeded = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - any writable buffer
        if self.exceeded:
            raise BodyTooLarge(self.limit)
        view = memoryview(buffer).cast("B")
        if not len(view):
            return 0
        if not self._left:
            if self._stream.read(1):
                self.exceeded = True
                raise BodyTooLarge(self.limit)
            return 0
        data = self._stream.read(min(len(view), self._left))
        view[: len(data)] = data
        self._left -= len(data)
        return len(data)
