// Demo data for `npm run db:seed`: who, what and where. Dates are relative to today so the
// calendar always has upcoming events.
import type { EventKind, Role } from "../../src/generated/prisma/enums.js";

export interface DemoUser {
  email: string;
  password: string;
  displayName: string;
  role: Role;
}

export const demoUsers: DemoUser[] = [
  { email: "admin@mundotango.local", password: "admin-demo-2026", displayName: "Admin", role: "ADMIN" },
  { email: "carlos@mundotango.local", password: "organizer-demo-1", displayName: "Carlos (organizer)", role: "ORGANIZER" },
  { email: "lucia@mundotango.local", password: "organizer-demo-2", displayName: "Lucía (organizer)", role: "ORGANIZER" },
  { email: "dancer@mundotango.local", password: "dancer-demo-2026", displayName: "Dancer", role: "USER" },
];

export interface DemoEvent {
  organizer: string;
  title: string;
  kind: EventKind;
  city: string;
  timezone: string;
  venue?: string;
  description?: string;
  /** Days from today, and the local start hour and duration. */
  inDays: number;
  hours: number;
}

export const demoEvents: DemoEvent[] = [
  {
    organizer: "carlos@mundotango.local",
    title: "Milonga La Viruta",
    kind: "MILONGA",
    city: "Buenos Aires",
    timezone: "America/Argentina/Buenos_Aires",
    venue: "Armenia 1366",
    inDays: 2,
    hours: 5,
  },
  {
    organizer: "carlos@mundotango.local",
    title: "Práctica de los lunes",
    kind: "PRACTICA",
    city: "Buenos Aires",
    timezone: "America/Argentina/Buenos_Aires",
    inDays: 4,
    hours: 3,
  },
  {
    organizer: "carlos@mundotango.local",
    title: "Vals workshop",
    kind: "WORKSHOP",
    city: "Montevideo",
    timezone: "America/Montevideo",
    description: "Giros and ochos in three-quarter time.",
    inDays: 9,
    hours: 2,
  },
  {
    organizer: "carlos@mundotango.local",
    title: "Festival del Sur",
    kind: "FESTIVAL",
    city: "Buenos Aires",
    timezone: "America/Argentina/Buenos_Aires",
    inDays: 30,
    hours: 72,
  },
  {
    organizer: "carlos@mundotango.local",
    title: "Beginners class",
    kind: "CLASS",
    city: "Montevideo",
    timezone: "America/Montevideo",
    inDays: 1,
    hours: 1,
  },
  {
    organizer: "carlos@mundotango.local",
    title: "Encuentro Milonguero Rioplatense",
    kind: "ENCUENTRO",
    city: "Buenos Aires",
    timezone: "America/Argentina/Buenos_Aires",
    inDays: 45,
    hours: 48,
  },
  {
    organizer: "lucia@mundotango.local",
    title: "Berlin Tango Marathon",
    kind: "MARATHON",
    city: "Berlin",
    timezone: "Europe/Berlin",
    inDays: 20,
    hours: 60,
  },
  {
    organizer: "lucia@mundotango.local",
    title: "Milonga im Kiez",
    kind: "MILONGA",
    city: "Berlin",
    timezone: "Europe/Berlin",
    venue: "Ballhaus",
    inDays: 3,
    hours: 4,
  },
  {
    organizer: "lucia@mundotango.local",
    title: "Musicality class",
    kind: "CLASS",
    city: "Paris",
    timezone: "Europe/Paris",
    description: "D'Arienzo, Di Sarli and how to hear the difference.",
    inDays: 5,
    hours: 2,
  },
  {
    organizer: "lucia@mundotango.local",
    title: "Milonga sur Seine",
    kind: "MILONGA",
    city: "Paris",
    timezone: "Europe/Paris",
    venue: "Quai Saint-Bernard",
    inDays: 6,
    hours: 4,
  },
  {
    organizer: "lucia@mundotango.local",
    title: "Práctica abierta",
    kind: "PRACTICA",
    city: "Paris",
    timezone: "Europe/Paris",
    inDays: 8,
    hours: 3,
  },
  {
    organizer: "lucia@mundotango.local",
    title: "Istanbul Tango Festival",
    kind: "FESTIVAL",
    city: "Istanbul",
    timezone: "Europe/Istanbul",
    inDays: 60,
    hours: 96,
  },
];

export const demoRooms = [
  { slug: "general", name: "General", description: "Everything tango" },
  { slug: "buenos-aires", name: "Buenos Aires", description: "Milongas, prácticas and rides in BA" },
  { slug: "berlin", name: "Berlin", description: "Tango in Berlin" },
  { slug: "music", name: "Music", description: "Orchestras, tandas and recordings" },
];
