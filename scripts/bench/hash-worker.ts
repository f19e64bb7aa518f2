// The benchmark's yardstick for password work: each POST does exactly one verifyPassword (the
// same code login runs) against a hash precomputed by the bench script, inside workerd.
import { verifyPassword } from "../../src/crypto/password";

interface Env {
  BENCH_HASH: string;
  PASSWORD_PEPPER?: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (request.method !== "POST") return new Response("ok"); // readiness probe: no hashing
    const { password } = await request.json<{ password: string }>();
    const valid = await verifyPassword(password, env.BENCH_HASH, env.PASSWORD_PEPPER || undefined);
    // A mismatch means the bench computed the hash differently from src/crypto/password.ts: fail loudly.
    return Response.json({ valid }, { status: valid ? 200 : 500 });
  },
} satisfies ExportedHandler<Env>;
