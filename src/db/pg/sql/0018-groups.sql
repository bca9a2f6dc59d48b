-- 0018: evaluation groups and visits (测评组, 走访; issue 10, helper "groups").  The tables
-- are 0014's; this adds the notification kind 'visit' (a visit scheduled, moved or
-- cancelled, told to the unit).
ALTER TABLE notification DROP CONSTRAINT notification_kind_check;
ALTER TABLE notification ADD CONSTRAINT notification_kind_check
    CHECK (kind IN ('returned', 'approved', 'guidance', 'due_soon', 'overdue', 'featured',
                    'visit'));
