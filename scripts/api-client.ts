// A small client of the marketplace's public API, for the seed script.

export class ApiClient {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async call<T>(
    method: string,
    path: string,
    opts: { token?: string; json?: unknown; body?: Uint8Array<ArrayBuffer>; contentType?: string } = {},
  ): Promise<{ status: number; data: T }> {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (opts.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(opts.json);
    } else if (opts.body) {
      headers["content-type"] = opts.contentType ?? "application/octet-stream";
      body = opts.body;
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    return { status: res.status, data: (text ? JSON.parse(text) : null) as T };
  }

  /** Like call, but any status other than `expected` is an error. */
  async expect<T>(
    expected: number | number[],
    method: string,
    path: string,
    opts: Parameters<ApiClient["call"]>[2] = {},
  ): Promise<T> {
    const { status, data } = await this.call<T>(method, path, opts);
    if (![expected].flat().includes(status))
      throw new Error(`${method} ${path} answered ${status}: ${JSON.stringify(data)}`);
    return data;
  }

  async login(email: string, password: string): Promise<string> {
    const tokens = await this.expect<{ accessToken: string }>(200, "POST", "/api/v1/auth/login", {
      json: { email, password },
    });
    return tokens.accessToken;
  }

  /** Registers (or finds) an account and waits until its profile exists. */
  async account(email: string, password: string, name: string): Promise<string> {
    await this.expect([201, 409], "POST", "/api/v1/auth/register", { json: { email, password, name } });
    const token = await this.login(email, password);
    for (let attempt = 0; attempt < 100; attempt++) {
      if ((await this.call("GET", "/api/v1/me", { token })).status === 200) return token;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the profile of ${email} never appeared`);
  }
}
