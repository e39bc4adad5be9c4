-- pgbench custom script: a journal write as MultiRowJournalDao wrote it before Change 26
-- (begin, the events' insert, the tags' insert, commit). pgbench sends BEGIN as a round trip of its
-- own, which the JDBC driver does not: four round trips here where the app had three.
-- Run (docs/performance.md, thirteenth session), on a database with the journal's DDL
-- (platform/src/main/resources/db/journal/postgres/V1__akka_persistence_jdbc.sql):
--   pgbench -n -M prepared -c 1 -j 1 -T 10 -f bench/sql/journal-write-three-round-trips.sql <db>
\set pid random(1, 1000000000)
BEGIN;
INSERT INTO event_journal (deleted, persistence_id, sequence_number, writer, write_timestamp, adapter_manifest, event_ser_id, event_ser_manifest, event_payload, meta_ser_id, meta_ser_manifest, meta_payload) VALUES (false, 'Wallet|' || :pid || '-' || :client_id, 1, 'w', 1, '', 33, 'E', '\x7b2261223a317d', null, null, null) RETURNING persistence_id, sequence_number, ordering \gset
INSERT INTO event_tag (event_id, tag) VALUES (:ordering, 'wallet');
COMMIT;
