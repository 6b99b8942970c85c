import type { Knex } from 'knex';
import { runQuery } from '../db/errors.js';

export interface Conversation {
  id: number;
  title: string;
  created_at: Date;
  updated_at: Date;
}

export interface ToolCallRecord {
  id: string;
  name: string;
  arguments: string;
}

export interface Message {
  id: number;
  role: 'user' | 'assistant' | 'tool';
  content: string;
  tool_calls: ToolCallRecord[] | null;
  tool_call_id: string | null;
  created_at: Date;
}

export type NewMessage = Pick<Message, 'role' | 'content'> & Partial<Pick<Message, 'tool_calls' | 'tool_call_id'>>;

export class ConversationsRepository {
  constructor(private readonly knex: Knex) {}

  async list(userId: number, limit: number, offset: number): Promise<Conversation[]> {
    return runQuery(
      this.knex('conversations')
        .where({ user_id: userId })
        .select('id', 'title', 'created_at', 'updated_at')
        .orderBy([
          { column: 'updated_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit)
        .offset(offset),
    );
  }

  async get(userId: number, id: number): Promise<Conversation | undefined> {
    return runQuery(this.knex('conversations').where({ user_id: userId, id }).first('id', 'title', 'created_at', 'updated_at'));
  }

  async create(userId: number, title: string): Promise<Conversation> {
    const [row] = await runQuery(
      this.knex('conversations').insert({ user_id: userId, title }).returning(['id', 'title', 'created_at', 'updated_at']),
    );
    return row as Conversation;
  }

  async delete(userId: number, id: number): Promise<boolean> {
    // `returning` rather than the affected-row count: the PGlite dialect does not report counts
    const rows = await runQuery(this.knex('conversations').where({ user_id: userId, id }).delete().returning('id'));
    return rows.length > 0;
  }

  /** Messages of a conversation, oldest first. Callers must have checked ownership via get(). */
  async messages(conversationId: number, limit = 500): Promise<Message[]> {
    const rows = await runQuery(
      this.knex('messages')
        .where({ conversation_id: conversationId })
        .select('id', 'role', 'content', 'tool_calls', 'tool_call_id', 'created_at')
        .orderBy('id', 'desc')
        .limit(limit),
    );
    return (rows as Message[]).reverse();
  }

  async appendMessages(conversationId: number, messages: NewMessage[]): Promise<Message[]> {
    if (messages.length === 0) return [];
    return runQuery(
      this.knex.transaction(async (trx) => {
        const rows = await trx('messages')
          .insert(
            messages.map((m) => ({
              conversation_id: conversationId,
              role: m.role,
              content: m.content,
              tool_calls: m.tool_calls ? JSON.stringify(m.tool_calls) : null,
              tool_call_id: m.tool_call_id ?? null,
            })),
          )
          .returning(['id', 'role', 'content', 'tool_calls', 'tool_call_id', 'created_at']);
        await trx('conversations').where({ id: conversationId }).update({ updated_at: trx.fn.now() });
        return rows as Message[];
      }),
    );
  }
}
