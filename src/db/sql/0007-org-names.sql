-- 0007: two offices under one parent never share a name.  The service layer checks this
-- before it inserts; with two writers at once (two servers on PostgreSQL) both could pass
-- the check, so the store refuses the second (a conflict, answered 409).
CREATE UNIQUE INDEX org_office_name ON org(coalesce(parent_id, 0), name) WHERE kind = 'office';
