-- 0024 (PostgreSQL): every unit has meeting kinds from its creation on (see
-- src/db/sql/0024-meeting-kinds.sql): a unit without any gets the defaults.
INSERT INTO work_meeting_kind(unit_id, name, period, min_count, position, active, created_at)
SELECT o.id, d.name, d.period, 1, d.position, 1, extract(epoch FROM now())::bigint
FROM org o
CROSS JOIN (VALUES ('领导小组会议', 'quarterly', 0), ('工作分析会', 'monthly', 1),
                   ('半年总结会', 'half-yearly', 2)) AS d(name, period, position)
WHERE o.kind = 'unit'
  AND NOT EXISTS (SELECT 1 FROM work_meeting_kind k WHERE k.unit_id = o.id);
