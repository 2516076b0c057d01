-- Cheaper telemetry ingest.
-- Rollup rows are incremented by every batch of their hour or day: room left on each page lets
-- PostgreSQL keep the new version on the same page without touching the three indexes (HOT update).
alter table telemetry_rollup set (fillfactor = 60);
alter table telemetry_rollup_daily set (fillfactor = 60);
alter table telemetry_rollup_error set (fillfactor = 60);
-- The raw-report key is compared byte-wise: hex addresses and opaque job ids gain nothing from a
-- locale's collation, and every COPY row pays for one in the primary-key insert.
alter table telemetry_report alter column gateway type text collate "C", alter column job_id type text collate "C";
