-- 0025 (PostgreSQL): see src/db/sql/0025-work-link-title.sql.
ALTER TABLE work_link ADD COLUMN filed_title text;
UPDATE work_link SET filed_title = (SELECT d.title FROM document d WHERE d.id = work_link.document_id);
