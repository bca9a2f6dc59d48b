-- 0007 (PostgreSQL): two offices under one parent never share a name (see sql/0007).
CREATE UNIQUE INDEX org_office_name ON org(coalesce(parent_id, 0), name) WHERE kind = 'office';
