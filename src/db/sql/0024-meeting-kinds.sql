-- 0024: every unit has meeting kinds from its creation on (wm_meeting_kinds_default, in the
-- unit's creation transaction, audited as work.meeting_kind.defaults).  Before, a unit got
-- the defaults the first time anybody read its kinds (a read that wrote, and audited the
-- reader); a unit nobody looked at has none: it gets them here, as that first read made
-- them (名称 as stored there, each at least once, in this order).  A data step of the
-- schema, like 0019's sizes: not in the audit log.
INSERT INTO work_meeting_kind(unit_id, name, period, min_count, position, active, created_at)
SELECT o.id, d.name, d.period, 1, d.position, 1, CAST(strftime('%s', 'now') AS INTEGER)
FROM org o
CROSS JOIN (SELECT '领导小组会议' AS name, 'quarterly' AS period, 0 AS position
            UNION ALL SELECT '工作分析会', 'monthly', 1
            UNION ALL SELECT '半年总结会', 'half-yearly', 2) d
WHERE o.kind = 'unit'
  AND NOT EXISTS (SELECT 1 FROM work_meeting_kind k WHERE k.unit_id = o.id);
