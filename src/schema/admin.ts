// Admin operations on accounts. The @auth directive admits ADMIN only; the service guards
// against an admin locking themselves out.
import { builder } from "./builder.js";
import { decodeIdOf } from "./globalId.js";
import { RoleEnum, User } from "./users.js";

builder.mutationFields((t) => ({
  setUserRole: t.field({
    type: User,
    args: { id: t.arg.id({ required: true }), role: t.arg({ type: RoleEnum, required: true }) },
    directives: { auth: { requires: "ADMIN" } },
    resolve: (_root, { id, role }, { viewer, services }) => services.auth.setUserRole(viewer!, decodeIdOf("User", id), role),
  }),
  setUserActive: t.field({
    type: User,
    description: "Deactivating revokes every session of the user and closes their sockets.",
    args: { id: t.arg.id({ required: true }), isActive: t.arg.boolean({ required: true }) },
    directives: { auth: { requires: "ADMIN" } },
    resolve: (_root, { id, isActive }, { viewer, services }) =>
      services.auth.setUserActive(viewer!, decodeIdOf("User", id), isActive),
  }),
}));
