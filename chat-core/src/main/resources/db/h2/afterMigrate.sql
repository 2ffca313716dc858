-- H2 only (a Flyway callback in a location only the embedded store adds): run after every migrate, idempotent.
-- H2 reserves identity values 32 at a time by default and persists each new reservation through its metadata, a
-- write that cost the embedded writer a tenth of its time at a few thousand inserts a second. Reserving 4,096 at a
-- time makes it rare; an unclean stop only skips the unused rest of a reservation (ids are internal, gaps are fine).
ALTER TABLE messages ALTER COLUMN id SET CACHE 4096;
ALTER TABLE chats ALTER COLUMN id SET CACHE 4096;
