import gc

import pytest

from lib.collector import DEFAULT_THRESHOLD, threshold_from_env, tune_collector
from lib.env import EnvironmentError_


@pytest.fixture
def restored_collector():
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_the_threshold_defaults_to_fifty_thousand_young_objects(monkeypatch):
    monkeypatch.delenv("INSYN_GC_THRESHOLD", raising=False)
    assert threshold_from_env() == DEFAULT_THRESHOLD == (50_000, 50, 100)


def test_the_threshold_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("INSYN_GC_THRESHOLD", "700, 10, 10")
    assert threshold_from_env() == (700, 10, 10)


@pytest.mark.parametrize("value", ["700,10", "700,10,10,10", "många,10,10", "700,0,10", "-1,10,10"])
def test_a_threshold_that_is_not_three_positive_integers_fails_loudly(monkeypatch, value):
    monkeypatch.setenv("INSYN_GC_THRESHOLD", value)
    with pytest.raises(EnvironmentError_, match="INSYN_GC_THRESHOLD must be three positive integers"):
        threshold_from_env()


def test_tuning_sets_the_thresholds_and_freezes_what_is_alive(restored_collector):
    kept = [[index] for index in range(1000)]
    tune_collector((12_345, 20, 30), freeze=True)
    assert gc.get_threshold() == (12_345, 20, 30)
    assert gc.get_freeze_count() >= len(kept)


def test_tuning_without_freezing_leaves_the_objects_to_the_collector(restored_collector):
    gc.unfreeze()
    tune_collector((1_000, 10, 10), freeze=False)
    assert gc.get_threshold() == (1_000, 10, 10)
    assert gc.get_freeze_count() == 0
