import pytest

from lib.batching import batched


def test_it_yields_full_batches_and_a_short_last_one():
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched([], 3)) == []


def test_it_takes_items_lazily_from_an_endless_source():
    def endless():
        number = 0
        while True:
            yield number
            number += 1

    assert next(batched(endless(), 2)) == [0, 1]


def test_it_refuses_an_empty_batch_size():
    with pytest.raises(ValueError):
        list(batched([1], 0))
