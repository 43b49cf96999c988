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

/** A token from a mailed link (32 random bytes, base64url). */
const EmailToken = z.string().min(1).max(200).openapi({ example: "q8Jm2bJt0xk4bmF0aW9uLXRva2VuLWV4YW1wbGUtMzI" });
export const VerifyEmailBody = z.strictObject({ token: EmailToken }).openapi("VerifyEmailBody");
export const PasswordResetRequestBody = z.strictObject({ email: Email }).openapi("PasswordResetRequestBody");
export const PasswordResetConfirmBody = z
  .strictObject({ token: EmailToken, newPassword: Password })
  .openapi("PasswordResetConfirmBody");

/** The answer to a request whose effect is a mail: the same whatever the request named. */
export const Accepted = z.object({ status: z.literal("accepted") }).openapi("Accepted");
export type Accepted = z.infer<typeof Accepted>;

export const AccountUser = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    roles: z.array(Role),
    emailVerified: z.boolean().openapi({ description: "Whether the owner proved the mailbox" }),
    createdAt: z.string(),
  })
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
    "Creates a customer account and answers it; the profile follows a moment later (see `getMe`). Sign in with `login` to get tokens. A registered email is refused with `email-taken`. A verification link is mailed to the address (see `verifyEmail`).",
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

export const verifyEmail = apiRoute({
  method: "post",
  path: "/api/v1/auth/verify-email",
  "x-access": "anonymous",
  summary: "Prove the account's email with the token from the mailed link",
  operationId: "verifyEmail",
  description:
    "Spends the token of a verification link and answers the account, now `emailVerified`. A token works once and only until it expires (24 h by default); an unknown, spent or expired one answers `invalid-token`, the same for each. Asking for a new link makes the older ones unusable.",
  request: jsonBody(VerifyEmailBody),
  responses: {
    200: jsonResponse(z.object({ user: AccountUser }), "The email is verified"),
    400: problems("A token that is unknown, spent or expired", "invalid-token"),
  },
});

export const resendEmailVerification = apiRoute({
  method: "post",
  path: "/api/v1/auth/verify-email/resend",
  "x-access": "customer",
  summary: "Mail the verification link again",
  operationId: "resendEmailVerification",
  description:
    "Mails a new verification link to the caller's address; older links stop working. Nothing is mailed when the email is already verified. Limited per account (`rate-limited`, with `retry-after`).",
  responses: { 202: jsonResponse(Accepted, "A link is on its way (unless the email is verified)") },
});

export const requestPasswordReset = apiRoute({
  method: "post",
  path: "/api/v1/auth/password-reset/request",
  "x-access": "anonymous",
  summary: "Mail a password-reset link",
  operationId: "requestPasswordReset",
  description:
    "Mails a reset link (valid 1 h by default) when an account has this email, and answers the same 202 whether or not one does, so the route tells nobody which emails are registered. A new request makes older reset links unusable. Limited per address and per email (`rate-limited`, with `retry-after`).",
  request: jsonBody(PasswordResetRequestBody),
  responses: { 202: jsonResponse(Accepted, "A link is on its way if the account exists") },
});

export const confirmPasswordReset = apiRoute({
  method: "post",
  path: "/api/v1/auth/password-reset/confirm",
  "x-access": "anonymous",
  summary: "Set a new password with the token from a reset link; signs out every session",
  operationId: "confirmPasswordReset",
  description:
    "Spends the token of a reset link, sets the new password (the same rules as `registerAccount`), marks the email verified and revokes every refresh token of the account. Access tokens already issued stay valid until they expire (at most `expiresIn` of `login`, 15 min by default). A token works once, even when two confirms race; an unknown, spent or expired one answers `invalid-token`.",
  request: jsonBody(PasswordResetConfirmBody),
  responses: {
    204: { description: "Password changed" },
    400: problems("A token that is unknown, spent or expired", "invalid-token"),
  },
});

export const authRoutes = [
  register,
  login,
  refresh,
  logout,
  changePassword,
  verifyEmail,
  resendEmailVerification,
  requestPasswordReset,
  confirmPasswordReset,
];
