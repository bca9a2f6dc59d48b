-- 0025: the title a creation-work record filed its document under (work_link.filed_title).
-- A record filed again renames its document only when the record's own title changed since
-- that filing, so that a document renamed by hand in the archive keeps its name.  Existing
-- links take the document's title as it is now.
ALTER TABLE work_link ADD COLUMN filed_title TEXT;
UPDATE work_link SET filed_title = (SELECT d.title FROM document d WHERE d.id = work_link.document_id);
