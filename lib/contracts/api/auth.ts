import { z } from "@hono/zod-openapi";
import { Role } from "#lib/contracts/actor.ts";
import { apiRoute, jsonBody, jsonResponse } from "./route.ts";

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
  request: jsonBody(RegisterBody),
  responses: {
    201: jsonResponse(z.object({ user: AccountUser }), "The account was created"),
    409: { description: "The email is already registered" },
  },
});

export const login = apiRoute({
  method: "post",
  path: "/api/v1/auth/login",
  "x-access": "anonymous",
  summary: "Exchange email and password for tokens",
  request: jsonBody(LoginBody),
  responses: { 200: jsonResponse(TokenPair, "Signed in"), 401: { description: "Wrong email or password" } },
});

export const refresh = apiRoute({
  method: "post",
  path: "/api/v1/auth/refresh",
  "x-access": "anonymous",
  summary: "Rotate a refresh token; reusing a spent one revokes its whole family",
  request: jsonBody(RefreshBody),
  responses: {
    200: jsonResponse(TokenPair, "New tokens"),
    401: { description: "Unknown, spent, expired or revoked token" },
  },
});

export const logout = apiRoute({
  method: "post",
  path: "/api/v1/auth/logout",
  "x-access": "anonymous",
  summary: "Revoke a refresh token and its family (holding the token is the proof)",
  request: jsonBody(RefreshBody),
  responses: { 204: { description: "Signed out" } },
});

export const changePassword = apiRoute({
  method: "post",
  path: "/api/v1/auth/password",
  "x-access": "customer",
  summary: "Change the password; signs out every session",
  request: jsonBody(ChangePasswordBody),
  responses: { 204: { description: "Password changed" }, 422: { description: "Wrong current password" } },
});

export const authRoutes = [register, login, refresh, logout, changePassword];
