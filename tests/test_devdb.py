"""The embedded PostgreSQL's settings follow the machine's memory (scripts/devdb.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

GIB = 1024**3


def _devdb() -> ModuleType:
    spec = importlib.util.spec_from_file_location("devdb", Path(__file__).resolve().parents[1] / "scripts" / "devdb.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_quarter_of_memory_for_shared_buffers_up_to_4_gb() -> None:
    tuned = _devdb().tuned_settings
    assert tuned(8 * GIB)["shared_buffers"] == "2048MB"
    assert tuned(24 * GIB)["shared_buffers"] == "4096MB"
    assert tuned(256 * 1024**2)["shared_buffers"] == "128MB"


def test_the_planner_is_told_the_data_is_cached_and_jit_is_off() -> None:
    settings = _devdb().tuned_settings(24 * GIB)
    assert settings["effective_cache_size"] == "12288MB"
    assert (settings["random_page_cost"], settings["jit"], settings["work_mem"]) == ("1.1", "off", "32MB")
