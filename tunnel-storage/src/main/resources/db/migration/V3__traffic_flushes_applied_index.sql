-- Every flush (each node, every 5 s) deletes the flush ids older than a day; without an index on applied_at each of
-- those deletes read the whole table.
CREATE INDEX traffic_flushes_applied_idx ON traffic_flushes (applied_at);
