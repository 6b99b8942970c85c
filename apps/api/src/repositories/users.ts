import type { Knex } from 'knex';
import { runQuery } from '../db/errors.js';

export interface UserRow {
  id: number;
  email: string;
  password_hash: string;
  created_at: Date;
}

export class UsersRepository {
  constructor(private readonly knex: Knex) {}

  async findByEmail(email: string): Promise<UserRow | undefined> {
    return runQuery(this.knex<UserRow>('users').where({ email }).first());
  }

  async findById(id: number): Promise<UserRow | undefined> {
    return runQuery(this.knex<UserRow>('users').where({ id }).first());
  }

  /** Returns undefined when the email is taken (unique violation). */
  async create(email: string, passwordHash: string): Promise<UserRow | undefined> {
    const rows = await runQuery(
      this.knex('users').insert({ email, password_hash: passwordHash }).onConflict('email').ignore().returning('*'),
    );
    return rows[0] as UserRow | undefined;
  }
}
