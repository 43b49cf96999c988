import type { JWK } from "jose";

/** RPC methods each Worker offers to the others over service bindings. */
export interface AuthRpc {
  jwks(): Promise<{ keys: JWK[] }>;
  rotateSigningKey(): Promise<{ kid: string }>;
}

export type AuthService = Fetcher<AuthRpc & Rpc.WorkerEntrypointBranded>;

/**
 * Generated Env types see a service binding as a plain Fetcher (the gateway's
 * config does not know the auth Worker's code); this names its RPC surface.
 */
export function authService(binding: Fetcher): AuthService {
  return binding as AuthService;
}
