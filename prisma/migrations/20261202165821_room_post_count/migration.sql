-- AlterTable
ALTER TABLE "Room" ADD COLUMN     "postCount" BIGINT NOT NULL DEFAULT 0;

-- Rooms count the posts they already have.
UPDATE "Room" r SET "postCount" = (SELECT count(*) FROM "Message" m WHERE m."roomId" = r."id");
