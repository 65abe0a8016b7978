-- Seed the public room every member can talk in. Idempotent, and written out by hand:
-- `npm run db:migration` only generates schema changes.
INSERT INTO "Room" ("id", "slug", "name", "description")
VALUES (gen_random_uuid(), 'general', 'General', 'Talk tango with the whole community: milongas, music, shoes and everything in between.')
ON CONFLICT ("slug") DO NOTHING;
