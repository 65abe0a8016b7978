// `npm run db:seed`: loads demo data into the configured database, idempotently (a second run
// changes nothing), then prints the demo logins. Refuses to run in production.
import { ConfigError, loadConfig } from "../src/config/index.js";
import { openDatabase } from "../src/db/client.js";
import { DataDirInUseError } from "../src/db/dataDirLock.js";
import { createLogger } from "../src/logger.js";
import { hashPassword } from "../src/services/auth/passwords.js";
import { demoEvents, demoRooms, demoUsers } from "./seed/data.js";

const DAY_MS = 24 * 3600 * 1000;

async function main() {
  const { config } = loadConfig();
  if (config.isProduction)
    throw new ConfigError("db:seed refuses to run with NODE_ENV=production: demo accounts have published passwords");
  const logger = createLogger({ level: "warn" });
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log: logger });
  const { prisma } = db;
  try {
    const ids = new Map<string, string>();
    for (const user of demoUsers) {
      const existing = await prisma.user.findUnique({ where: { email: user.email } });
      const row =
        existing ??
        (await prisma.user.create({
          data: {
            email: user.email,
            displayName: user.displayName,
            role: user.role,
            passwordHash: await hashPassword(user.password),
          },
        }));
      ids.set(user.email, row.id);
    }

    let created = 0;
    const today = new Date();
    today.setUTCHours(19, 0, 0, 0);
    for (const event of demoEvents) {
      const organizerId = ids.get(event.organizer)!;
      const exists = await prisma.event.findFirst({ where: { organizerId, title: event.title }, select: { id: true } });
      if (exists) continue;
      const startsAt = new Date(today.getTime() + event.inDays * DAY_MS);
      await prisma.event.create({
        data: {
          organizerId,
          title: event.title,
          kind: event.kind,
          city: event.city,
          timezone: event.timezone,
          venue: event.venue,
          description: event.description,
          startsAt,
          endsAt: new Date(startsAt.getTime() + event.hours * 3600 * 1000),
        },
      });
      created++;
    }

    for (const room of demoRooms) {
      await prisma.room.upsert({
        where: { slug: room.slug },
        update: {},
        create: { ...room, createdById: ids.get(demoUsers[0]!.email) },
      });
    }

    console.log(
      `Seeded ${demoUsers.length} users, ${created} new events (${demoEvents.length} in the demo set), ${demoRooms.length} rooms.`,
    );
    console.log("Demo logins (development only):");
    for (const user of demoUsers) console.log(`  ${user.role.padEnd(9)} ${user.email}  /  ${user.password}`);
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError || error instanceof DataDirInUseError ? error.message : error);
  process.exit(1);
});
