// Account input rules, checked in the service so every caller (GraphQL, seed, bootstrap) obeys them.
import { z } from "zod";
import { PASSWORD_MAX, PASSWORD_MIN } from "../../passwordLength.js";

export { PASSWORD_MAX, PASSWORD_MIN };
export const DISPLAY_NAME_MAX = 60;

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export const emailSchema = z
  .string()
  .transform(normalizeEmail)
  .pipe(z.email({ message: "must be a valid email address" }).max(254));
export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN, { message: `must be at least ${PASSWORD_MIN} characters` })
  .max(PASSWORD_MAX, { message: `must be at most ${PASSWORD_MAX} characters` });
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, { message: "must not be empty" })
  .max(DISPLAY_NAME_MAX, { message: `must be at most ${DISPLAY_NAME_MAX} characters` });

export const registerSchema = z.object({ email: emailSchema, password: passwordSchema, displayName: displayNameSchema });

export type RegisterInput = z.input<typeof registerSchema>;
export interface LoginInput {
  email: string;
  password: string;
}
