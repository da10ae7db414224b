"""lib/bodylimit.py: a body is read up to its limit and refused past it, chunked or not."""

from __future__ import annotations

import io

import pytest

from lib.bodylimit import BodyTooLarge, BoundedReader


class Source(io.RawIOBase):
    """`size` bytes (None: endless), at most `step` per read; counts the bytes handed out."""

    def __init__(self, size: int | None, step: int = 1 << 20) -> None:
        super().__init__()
        self.size, self.step, self.given = size, step, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.step)
        if self.size is not None:
            n = min(n, self.size - self.given)
        buffer[:n] = b"x" * n
        self.given += n
        return n


def test_a_body_at_the_limit_is_read_whole():
    source = Source(100)
    assert BoundedReader(source, 100).read() == b"x" * 100
    assert source.given == 100


def test_one_byte_past_the_limit_is_refused():
    reader = BoundedReader(Source(101), 100)
    with pytest.raises(BodyTooLarge) as raised:
        reader.read()
    assert raised.value.limit == 100
    assert reader.exceeded


@pytest.mark.parametrize("step", [1, 7, 4096, 1 << 20])
def test_an_endless_body_costs_at_most_the_limit_plus_one_byte(step):
    source = Source(None, step)
    reader = BoundedReader(source, 65536)
    with pytest.raises(BodyTooLarge):
        reader.read()
    assert source.given == 65537


def test_reads_after_the_refusal_keep_refusing_without_reading():
    source = Source(None)
    reader = BoundedReader(source, 10)
    with pytest.raises(BodyTooLarge):
        reader.read()
    for _ in range(3):
        with pytest.raises(BodyTooLarge):
            reader.read(5)
    assert source.given == 11


def test_sized_reads_never_go_past_the_limit():
    reader = BoundedReader(Source(1000), 10)
    assert reader.read(4) == b"xxxx"
    assert reader.read(100) == b"x" * 6
    with pytest.raises(BodyTooLarge):
        reader.read(1)


def test_a_short_body_ends_normally():
    reader = BoundedReader(Source(3), 10)
    assert reader.read() == b"xxx"
    assert reader.read() == b""
    assert reader.read(5) == b""


def test_a_zero_limit_accepts_only_an_empty_body():
    assert BoundedReader(Source(0), 0).read() == b""
    with pytest.raises(BodyTooLarge):
        BoundedReader(Source(1), 0).read()


def test_lines_and_iteration_stop_at_the_limit():
    reader = BoundedReader(io.BytesIO(b"a=1&b=2\n" * 10), 20)
    assert reader.readline() == b"a=1&b=2\n"
    with pytest.raises(BodyTooLarge):
        list(reader)


def test_the_refusal_is_not_a_value_error():
    # werkzeug's form parser answers a ValueError with an empty form and lets the request go on
    assert not issubclass(BodyTooLarge, ValueError)


def test_a_negative_limit_is_a_programming_error():
    with pytest.raises(ValueError):
        BoundedReader(io.BytesIO(), -1)
