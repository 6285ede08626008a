"""``OrderedIndex``: removal without a growing walk, keys for resuming and for bisection.

(``services/pagination.py`` is shared; Nova is its first user, so its tests live here.)
"""

from __future__ import annotations

import pytest

from pytest_mimic.services.pagination import OrderedIndex, UnknownMarker


def filled(count):
    index = OrderedIndex()
    for n in range(count):
        index.add(f"id{n}", n)
    return index


def test_removed_items_leave_walks_lookups_and_length():
    index = filled(5)
    assert index.remove("id1") == 1
    assert index.remove("id1") is None
    assert list(index) == [0, 2, 3, 4]
    assert len(index) == 4
    assert "id1" not in index
    assert index.get("id1") is None
    assert list(index.after("id0")) == [2, 3, 4]
    with pytest.raises(UnknownMarker):
        list(index.after("id1"))


def test_holes_are_compacted_so_a_walk_stays_short():
    """After 10,000 removals a walk from the start visits only a bounded number of slots."""
    index = filled(10_001)
    for n in range(10_000):
        index.remove(f"id{n}")
    assert list(index) == [10_000]
    assert len(index._ids) <= 2 * OrderedIndex._SLACK + 1  # the slots a walk may visit


def test_removing_from_the_front_moves_the_head():
    index = filled(3)
    index.remove("id0")
    assert index.first() == ("id1", 1, 1.0)
    index.remove("id1")
    index.remove("id2")
    assert index.first() is None


def test_after_key_resumes_after_a_removed_item():
    index = filled(5)
    key = index.key("id2")
    index.remove("id2")
    assert list(index.after_key(key)) == [3, 4]


def test_min_key_skips_lower_keys_and_keys_never_decrease():
    index = OrderedIndex()
    for n, key in enumerate([1.0, 2.0, 2.0, 5.0]):
        index.add(f"id{n}", n, key)
    assert list(index.after(None, min_key=2.0)) == [1, 2, 3]
    assert list(index.after("id1", min_key=2.0)) == [2, 3]
    assert list(index.after(None, min_key=6.0)) == []
    with pytest.raises(ValueError, match="lower than the last key"):
        index.add("late", 9, 4.0)


def test_a_walk_in_progress_survives_a_compaction():
    """A walk keeps the slots it started with: no item is repeated or skipped out of order."""
    index = filled(200)
    walk = index.after(None)
    assert next(walk) == 0
    for n in range(1, 150):
        index.remove(f"id{n}")
    rest = list(walk)
    assert rest == sorted(set(rest))
    assert rest[-50:] == list(range(150, 200))


def test_clear_forgets_everything():
    index = filled(3)
    index.clear()
    assert list(index) == []
    assert index.add("id0", 0) == 0.0


def test_before_walks_newest_first_from_a_marker_and_stops_at_min_key():
    index = OrderedIndex()
    for n, key in enumerate([1.0, 2.0, 2.0, 5.0]):
        index.add(f"id{n}", n, key)
    assert list(index.before(None)) == [3, 2, 1, 0]
    assert list(index.before("id2")) == [1, 0]
    assert list(index.before(None, min_key=2.0)) == [3, 2, 1]
    index.remove("id1")
    assert list(index.before("id3")) == [2, 0]
    with pytest.raises(UnknownMarker):
        list(index.before("id1"))


def test_before_key_resumes_a_backward_walk_after_a_removed_item():
    index = OrderedIndex()
    for n, key in enumerate([1.0, 2.0, 2.0, 5.0]):
        index.add(f"id{n}", n, key)
    index.remove("id3")
    assert list(index.before_key(5.0)) == [2, 1, 0]
    assert list(index.before_key(2.0)) == [0]
    assert list(index.before_key(2.0, inclusive=True)) == [2, 1, 0]


def test_insert_places_an_earlier_key_in_order_after_equal_keys():
    """A creation time before the newest (the clock was moved back) still sorts by time."""
    index = OrderedIndex()
    for n, key in enumerate([1.0, 3.0, 3.0]):
        index.add(f"id{n}", n, key)
    walk = index.before(None)
    assert next(walk) == 2
    assert index.insert("late", "late", 1.0) == 1.0
    assert index.insert("last", "last", 4.0) == 4.0
    assert list(index) == [0, "late", 1, 2, "last"]
    assert list(index.after("late")) == [1, 2, "last"]
    assert index.key("id1") == 3.0
    assert list(walk) == [1, 0]  # a walk in progress keeps the slots it started with
    with pytest.raises(KeyError):
        index.insert("late", "again", 0.5)
