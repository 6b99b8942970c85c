import type { Logger } from 'pino';
import { NotFoundError, RateLimitedError } from '../domain/errors.js';
import type { Conversation, ConversationsRepository, Message } from '../repositories/conversations.js';
import type { Metrics } from '../observability/metrics.js';
import { ProviderError, type Assistant, type ChatEvent } from '../ai/types.js';
import { createToolbox } from './assistant-tools.js';
import type { TodosService } from './todos.js';

export interface TurnResult {
  conversation_id: number;
  message_id: number | null;
  text: string;
  rounds: number;
  error?: { code: string; message: string };
}

/** Sliding-window limiter keyed by user id. Per process: with N replicas the effective limit is N times higher. */
export class RateLimiter {
  private readonly hits = new Map<number, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a hit; returns the seconds to wait when over the limit, else 0. */
  take(key: number): number {
    const now = this.now();
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      return Math.max(1, Math.ceil(((recent[0] ?? now) + this.windowMs - now) / 1000));
    }
    recent.push(now);
    this.hits.set(key, recent);
    if (this.hits.size > 10_000) this.sweep(now);
    return 0;
  }

  private sweep(now: number) {
    for (const [key, times] of this.hits) if (!times.some((t) => t > now - this.windowMs)) this.hits.delete(key);
  }
}

export class ChatService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly todos: TodosService,
    private readonly assistant: Assistant,
    private readonly limiter: RateLimiter,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  listConversations(userId: number, limit: number, offset: number) {
    return this.conversations.list(userId, limit, offset);
  }

  async getConversation(userId: number, id: number): Promise<{ conversation: Conversation; messages: Message[] }> {
    const conversation = await this.conversations.get(userId, id);
    if (!conversation) throw new NotFoundError('conversation');
    return { conversation, messages: await this.conversations.messages(id) };
  }

  async deleteConversation(userId: number, id: number): Promise<void> {
    if (!(await this.conversations.delete(userId, id))) throw new NotFoundError('conversation');
  }

  /**
   * Everything that can fail with a domain error happens here, before the reply starts (so the
   * caller can still answer with a plain error): rate limit, ownership of the conversation,
   * storing the user's message.
   */
  async begin(userId: number, text: string, conversationId: number | undefined) {
    const wait = this.limiter.take(userId);
    if (wait > 0) throw new RateLimitedError(`too many chat messages; try again in ${wait}s`, wait);
    let conversation: Conversation;
    let history: Message[] = [];
    if (conversationId !== undefined) {
      const found = await this.conversations.get(userId, conversationId);
      if (!found) throw new NotFoundError('conversation');
      conversation = found;
      history = await this.conversations.messages(found.id, 200);
    } else {
      conversation = await this.conversations.create(userId, text.length > 80 ? `${text.slice(0, 77)}...` : text);
    }
    await this.conversations.appendMessages(conversation.id, [{ role: 'user', content: text }]);
    return {
      conversation,
      run: (emit: (e: ChatEvent) => void, signal: AbortSignal) => this.run(userId, conversation.id, history, text, emit, signal),
    };
  }

  private async run(
    userId: number,
    conversationId: number,
    history: Message[],
    userText: string,
    emit: (e: ChatEvent) => void,
    signal: AbortSignal,
  ): Promise<TurnResult> {
    const toolbox = createToolbox(this.todos, userId, (tool, ok) =>
      this.metrics.assistantToolCalls.inc({ tool, outcome: ok ? 'ok' : 'error' }),
    );
    try {
      const reply = await this.assistant.respond({ history, userText, toolbox, emit, signal });
      const stored = await this.conversations.appendMessages(conversationId, reply.messages);
      return { conversation_id: conversationId, message_id: stored.at(-1)?.id ?? null, text: reply.text, rounds: reply.rounds };
    } catch (err) {
      if (err instanceof ProviderError) {
        emit({ type: 'error', code: 'provider_error', message: err.userMessage });
        const [stored] = await this.conversations.appendMessages(conversationId, [
          { role: 'assistant', content: err.userMessage },
        ]);
        return {
          conversation_id: conversationId,
          message_id: stored?.id ?? null,
          text: err.userMessage,
          rounds: 0,
          error: { code: 'provider_error', message: err.userMessage },
        };
      }
      throw err;
    }
  }
}
