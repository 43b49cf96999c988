import { z } from "@hono/zod-openapi";
import { Role } from "#lib/contracts/actor.ts";
import { apiRoute, jsonBody, jsonResponse, problems } from "./route.ts";

export const Email = z
  .email()
  .max(254)
  .transform((email) => email.toLowerCase())
  .openapi({ example: "ada@example.com" });

/** NIST 800-63B: length matters, composition rules do not. */
export const Password = z
  .string()
  .min(10, "Use at least 10 characters.")
  .max(128)
  .openapi({ example: "correct horse battery" });

export const RegisterBody = z
  .strictObject({ email: Email, password: Password, name: z.string().trim().min(1).max(100) })
  .openapi("RegisterBody");
export const LoginBody = z.strictObject({ email: Email, password: z.string().min(1).max(128) }).openapi("LoginBody");
export const RefreshBody = z.strictObject({ refreshToken: z.string().min(20).max(200) }).openapi("RefreshBody");
export const ChangePasswordBody = z
  .strictObject({ currentPassword: z.string().min(1).max(128), newPassword: Password })
  .openapi("ChangePasswordBody");

export const AccountUser = z
  .object({ id: z.string(), email: z.string(), name: z.string(), roles: z.array(Role), createdAt: z.string() })
  .openapi("AccountUser");
export type AccountUser = z.infer<typeof AccountUser>;

export const TokenPair = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal("Bearer"),
    expiresIn: z.number().int().openapi({ description: "Seconds until the access token expires" }),
  })
  .openapi("TokenPair");
export type TokenPair = z.infer<typeof TokenPair>;

export const register = apiRoute({
  method: "post",
  path: "/api/v1/auth/register",
  "x-access": "anonymous",
  summary: "Create an account",
  operationId: "registerAccount",
  description:
    "Creates a customer account and answers it; the profile follows a moment later (see `getMe`). Sign in with `login` to get tokens. A registered email is refused with `email-taken`.",
  request: jsonBody(RegisterBody),
  responses: {
    201: jsonResponse(z.object({ user: AccountUser }), "The account was created"),
    409: problems("The email is already registered", "email-taken"),
  },
});

export const login = apiRoute({
  method: "post",
  path: "/api/v1/auth/login",
  "x-access": "anonymous",
  summary: "Exchange email and password for tokens",
  operationId: "login",
  description:
    "Exchanges email and password for an access token (a short-lived JWT) and a refresh token. Failed sign-ins are throttled per email and per address (`rate-limited`, with `retry-after`); a wrong pair answers `invalid-credentials`.",
  request: jsonBody(LoginBody),
  responses: {
    200: jsonResponse(TokenPair, "Signed in"),
    401: problems("Wrong email or password", "invalid-credentials"),
  },
});

export const refresh = apiRoute({
  method: "post",
  path: "/api/v1/auth/refresh",
  "x-access": "anonymous",
  summary: "Rotate a refresh token; reusing a spent one revokes its whole family",
  operationId: "refreshTokens",
  description:
    "Spends a refresh token for a new pair. Each refresh token works once: presenting a spent one answers `refresh-token-reused` and revokes every token of that sign-in.",
  request: jsonBody(RefreshBody),
  responses: {
    200: jsonResponse(TokenPair, "New tokens"),
    401: problems("Unknown, spent, expired or revoked token", "refresh-token-invalid", "refresh-token-reused"),
  },
});

export const logout = apiRoute({
  method: "post",
  path: "/api/v1/auth/logout",
  "x-access": "anonymous",
  summary: "Revoke a refresh token and its family (holding the token is the proof)",
  operationId: "logout",
  description:
    "Revokes a refresh token and every token rotated from it. Holding the token is the proof, so no access token is needed; an unknown token still answers 204.",
  request: jsonBody(RefreshBody),
  responses: { 204: { description: "Signed out" } },
});

export const changePassword = apiRoute({
  method: "post",
  path: "/api/v1/auth/password",
  "x-access": "customer",
  summary: "Change the password; signs out every session",
  operationId: "changePassword",
  description:
    "Changes the caller's password after checking the current one (`wrong-password` if it does not match), then revokes every refresh token of the account.",
  request: jsonBody(ChangePasswordBody),
  responses: { 204: { description: "Password changed" }, 422: problems("Wrong current password", "wrong-password") },
});

export const authRoutes = [register, login, refresh, logout, changePassword];
