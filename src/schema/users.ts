import { Role } from "../generated/prisma/enums.js";
import type { PublicUser as UserRow } from "../services/users/index.js";
import { viewerDependent } from "../graphql/viewerDependent.js";
import { builder } from "./builder.js";
import { decodeIdOf } from "./globalId.js";

export const RoleEnum = builder.enumType(Role, { name: "Role" });

// Rows handed to the very user they describe before any viewer exists (the AuthPayload of
// register/login/refresh): that caller has just proved to be this user.
const ownRecords = new WeakSet<UserRow>();
export function asOwnRecord(user: UserRow): UserRow {
  ownRecords.add(user);
  return user;
}

export const User = builder.loadableNode("User", {
  id: { resolve: (user: UserRow) => user.id },
  load: (ids: string[], { services }) => services.users.byIds(ids),
  sort: (user) => user.id,
  fields: (t) => ({
    email: t.string({
      nullable: true,
      description: "Visible to the user themself and to ADMIN; null for everyone else",
      extensions: viewerDependent,
      resolve: (user, _args, { viewer }) =>
        ownRecords.has(user) || (viewer && (viewer.id === user.id || viewer.role === "ADMIN")) ? user.email : null,
    }),
    displayName: t.exposeString("displayName"),
    role: t.expose("role", { type: RoleEnum }),
    isActive: t.exposeBoolean("isActive"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.queryField("user", (t) =>
  t.field({
    type: User,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }) => decodeIdOf("User", id),
  }),
);
