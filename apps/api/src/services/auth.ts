import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { EmailTakenError, UnauthorizedError } from '../domain/errors.js';
import type { UsersRepository } from '../repositories/users.js';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64 } as const;

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash`, so parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export interface PublicUser {
  id: number;
  email: string;
}

export class AuthService {
  private readonly key: Uint8Array;
  // compared against when the email is unknown, so response time does not reveal which emails exist
  private dummyHash: Promise<string> | undefined;
  private readonly verified = new Map<string, { user: PublicUser; expiresAt: number }>();

  constructor(
    private readonly users: UsersRepository,
    secret: string,
    private readonly ttlSeconds: number,
    private readonly issuer = 'todo-api',
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async signup(email: string, password: string): Promise<{ user: PublicUser; token: string }> {
    const row = await this.users.create(email, await hashPassword(password));
    if (!row) throw new EmailTakenError();
    const user = { id: row.id, email: row.email };
    return { user, token: await this.issue(user) };
  }

  async login(email: string, password: string): Promise<{ user: PublicUser; token: string }> {
    const row = await this.users.findByEmail(email);
    if (!row) {
      this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
      await verifyPassword(password, await this.dummyHash);
      throw new UnauthorizedError('invalid email or password');
    }
    if (!(await verifyPassword(password, row.password_hash))) throw new UnauthorizedError('invalid email or password');
    const user = { id: row.id, email: row.email };
    return { user, token: await this.issue(user) };
  }

  async issue(user: PublicUser): Promise<string> {
    return new SignJWT({ email: user.email })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(user.id))
      .setIssuer(this.issuer)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /**
   * Verifies a bearer token without a database round trip: the signature vouches for the
   * subject. Every query is still scoped by that id, and foreign keys reject writes for a
   * user that no longer exists (there is no account deletion yet; add a denylist with it).
   */
  async authenticate(token: string): Promise<PublicUser> {
    const cached = this.verified.get(token);
    if (cached && cached.expiresAt > Date.now()) return cached.user;
    const user = await this.verify(token);
    return user;
  }

  private async verify(token: string): Promise<PublicUser> {
    let payload: { sub?: string; email?: unknown; exp?: number };
    try {
      ({ payload } = await jwtVerify(token, this.key, { issuer: this.issuer, algorithms: ['HS256'] }));
    } catch {
      throw new UnauthorizedError('invalid or expired token');
    }
    const id = Number(payload.sub);
    if (!Number.isSafeInteger(id) || id <= 0 || typeof payload.email !== 'string')
      throw new UnauthorizedError('invalid or expired token');
    const user = { id, email: payload.email };
    // HMAC verification runs on the libuv pool; a verified token is reused until it expires
    if (this.verified.size >= 10_000) this.verified.clear();
    const exp = typeof payload.exp === 'number' ? payload.exp * 1000 : Date.now();
    this.verified.set(token, { user, expiresAt: Math.min(exp, Date.now() + 5 * 60_000) });
    return user;
  }
}
