"""Storage backends behind one small protocol (see store/base.py)."""

from store.base import Store, StoreError, open_store

__all__ = ["Store", "StoreError", "open_store"]
