"""``MemoryStore``: the Store protocol without a file (tests, the console, ``memory:``).

Same behaviour as the TinyDB backend (same ``Index``, same copying of input, same
all-or-nothing writes); the data lives as long as the object.
"""
from __future__ import annotations

from store.index import Batch, IndexedStore


class MemoryStore(IndexedStore):
    """An in-memory store; see ``store.index`` for what queries return."""

    def _commit(self, batch: Batch) -> None:
        # Nothing here can fail half-way: records were copied and checked by the caller,
        # and indexing plain JSON data does not raise.
        ix = self._ix
        for table, records in batch.puts.items():
            for record_id, record in records.items():
                seq = ix.seq_of(table, record_id)
                ix.put(table, ix.next_seq[table] if seq is None else seq, record)
        for table, ids in batch.deletes.items():
            for record_id in ids:
                ix.delete(table, record_id)
