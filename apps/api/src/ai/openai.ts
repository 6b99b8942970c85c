import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Logger } from 'pino';
import type { Message, NewMessage, ToolCallRecord } from '../repositories/conversations.js';
import type { Metrics } from '../observability/metrics.js';
import { SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { injectHeaders } from '../observability/tracing.js';
import { ProviderError, type Assistant, type AssistantReply, type AssistantTurn } from './types.js';

export interface OpenAIAssistantOptions {
  apiKey: string;
  baseURL?: string | undefined;
  model: string;
  timeoutMs: number;
  maxRetries: number;
  maxToolRounds: number;
  historyLimit?: number;
  now?: () => Date;
  tracer?: Tracer;
}

const systemPrompt = (today: string) =>
  [
    "You are a concise assistant that manages the user's todo list through tools.",
    `Today is ${today}. Use YYYY-MM-DD dates.`,
    'Use list_tasks to find a task id before changing or deleting a task you only know by name.',
    'Never invent task ids. After acting, confirm briefly what changed.',
  ].join(' ');

/** Converts stored messages to the Chat Completions format, starting at a user message. */
export function toProviderMessages(history: Message[], limit: number): ChatCompletionMessageParam[] {
  let recent = limit > 0 ? history.slice(-limit) : [];
  const firstUser = recent.findIndex((m) => m.role === 'user');
  recent = firstUser >= 0 ? recent.slice(firstUser) : [];
  return recent.map((m): ChatCompletionMessageParam => {
    if (m.role === 'tool') return { role: 'tool', tool_call_id: m.tool_call_id ?? '', content: m.content };
    if (m.role === 'assistant') {
      const calls = m.tool_calls ?? [];
      return calls.length > 0
        ? {
            role: 'assistant',
            content: m.content || null,
            tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
          }
        : { role: 'assistant', content: m.content };
    }
    return { role: 'user', content: m.content };
  });
}

function describeFailure(err: unknown): { reason: string; user: string } {
  if (err instanceof APIConnectionTimeoutError) {
    return { reason: 'timeout', user: 'The AI provider took too long to answer. Please try again in a moment.' };
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    if (err.status === 429)
      return { reason: 'rate_limited', user: 'The AI provider is busy right now (rate limited). Please try again shortly.' };
    if (err.status === 401 || err.status === 403) {
      return {
        reason: `auth_${err.status}`,
        user: 'The assistant is misconfigured (the AI provider rejected its credentials). Please tell the operator.',
      };
    }
    return {
      reason: `http_${err.status}`,
      user: `The AI provider returned an error (HTTP ${err.status}). Please try again in a moment.`,
    };
  }
  if (err instanceof APIError)
    return { reason: 'connection', user: 'The AI provider could not be reached. Please try again in a moment.' };
  return { reason: 'unknown', user: 'The assistant failed unexpectedly. Please try again.' };
}

export class OpenAIAssistant implements Assistant {
  readonly kind = 'openai' as const;
  private readonly client: OpenAI;

  constructor(
    private readonly opts: OpenAIAssistantOptions,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.client = new OpenAI({
      apiKey: opts.apiKey,
      baseURL: opts.baseURL ?? null,
      timeout: opts.timeoutMs,
      maxRetries: opts.maxRetries, // the SDK retries 408/409/429/5xx and connection errors with exponential backoff
    });
  }

  async respond(turn: AssistantTurn): Promise<AssistantReply> {
    const today = (this.opts.now?.() ?? new Date()).toISOString().slice(0, 10);
    const conversation: ChatCompletionMessageParam[] = [
      { role: 'system', content: systemPrompt(today) },
      ...toProviderMessages(turn.history, this.opts.historyLimit ?? 40),
      { role: 'user', content: turn.userText },
    ];
    const persisted: NewMessage[] = [];

    for (let round = 1; round <= this.opts.maxToolRounds; round++) {
      const { text, calls } = await this.complete(conversation, turn);
      if (calls.length === 0) {
        persisted.push({ role: 'assistant', content: text });
        this.metrics.assistantRounds.observe({ assistant: this.kind }, round);
        return { messages: persisted, text, rounds: round };
      }
      conversation.push({
        role: 'assistant',
        content: text || null,
        tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
      });
      persisted.push({ role: 'assistant', content: text, tool_calls: calls });
      for (const call of calls) {
        let shownArgs: unknown = call.arguments;
        try {
          shownArgs = JSON.parse(call.arguments);
        } catch {
          // shown raw; the tool result explains the problem to the model
        }
        turn.emit({ type: 'tool_call', id: call.id, name: call.name, arguments: shownArgs });
        const outcome = await turn.toolbox.execute(call.name, call.arguments);
        turn.emit({ type: 'tool_result', id: call.id, name: call.name, ...outcome });
        const content = JSON.stringify(outcome);
        conversation.push({ role: 'tool', tool_call_id: call.id, content });
        persisted.push({ role: 'tool', tool_call_id: call.id, content });
      }
    }
    this.metrics.assistantRounds.observe({ assistant: this.kind }, this.opts.maxToolRounds);
    const text = `I stopped after ${this.opts.maxToolRounds} rounds of tool calls without finishing. Please rephrase or split the request.`;
    turn.emit({ type: 'delta', text });
    persisted.push({ role: 'assistant', content: text });
    return { messages: persisted, text, rounds: this.opts.maxToolRounds };
  }

  /** One streamed completion: forwards text deltas, assembles tool calls from their deltas. */
  private complete(
    messages: ChatCompletionMessageParam[],
    turn: AssistantTurn,
  ): Promise<{ text: string; calls: ToolCallRecord[] }> {
    const tracer = this.opts.tracer ?? trace.getTracer('todo-api');
    const attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': this.opts.model,
    };
    return tracer.startActiveSpan(`chat ${this.opts.model}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      try {
        const result = await this.completeInSpan(messages, turn, span);
        span.setAttribute('gen_ai.response.finish_reasons', [result.calls.length ? 'tool_calls' : 'stop']);
        return result;
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof ProviderError ? err.reason : String(err) });
        throw err;
      } finally {
        span.end();
      }
    });
  }

  private async completeInSpan(
    messages: ChatCompletionMessageParam[],
    turn: AssistantTurn,
    span: Span,
  ): Promise<{ text: string; calls: ToolCallRecord[] }> {
    const model = this.opts.model;
    const started = performance.now();
    // the SDK timeout covers the request; this one also bounds silence between streamed chunks
    const idle = new AbortController();
    let idleTimer: NodeJS.Timeout | undefined;
    const armIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => idle.abort(new Error('stream idle timeout')), this.opts.timeoutMs);
    };
    const signal = AbortSignal.any([turn.signal, idle.signal]);
    let text = '';
    const calls = new Map<number, ToolCallRecord>();
    try {
      const stream = await this.client.chat.completions.create(
        {
          model,
          messages,
          tools: turn.toolbox.definitions,
          tool_choice: 'auto',
          stream: true,
          stream_options: { include_usage: true },
        },
        // traceparent lets an instrumented gateway join the trace
        { signal, headers: injectHeaders() },
      );
      armIdle();
      for await (const chunk of stream) {
        armIdle();
        if (chunk.usage) {
          this.metrics.llmTokens.inc({ model, kind: 'prompt' }, chunk.usage.prompt_tokens ?? 0);
          this.metrics.llmTokens.inc({ model, kind: 'completion' }, chunk.usage.completion_tokens ?? 0);
          span.setAttribute('gen_ai.usage.input_tokens', chunk.usage.prompt_tokens ?? 0);
          span.setAttribute('gen_ai.usage.output_tokens', chunk.usage.completion_tokens ?? 0);
        }
        const delta = chunk.choices[0]?.delta;
        if (!delta) continue;
        if (delta.content) {
          text += delta.content;
          turn.emit({ type: 'delta', text: delta.content });
        }
        for (const tc of delta.tool_calls ?? []) {
          const entry = calls.get(tc.index) ?? { id: '', name: '', arguments: '' };
          if (tc.id) entry.id = tc.id;
          if (tc.function?.name) entry.name += tc.function.name;
          if (tc.function?.arguments) entry.arguments += tc.function.arguments;
          calls.set(tc.index, entry);
        }
      }
      this.metrics.llmDuration.observe({ model, outcome: 'ok' }, (performance.now() - started) / 1000);
    } catch (err) {
      const idleTimedOut = idle.signal.aborted && !turn.signal.aborted;
      const failure = idleTimedOut
        ? { reason: 'timeout', user: 'The AI provider took too long to answer. Please try again in a moment.' }
        : describeFailure(err);
      this.metrics.llmDuration.observe({ model, outcome: failure.reason }, (performance.now() - started) / 1000);
      if (turn.signal.aborted || (err instanceof APIUserAbortError && !idleTimedOut)) throw err;
      this.log.warn({ err, reason: failure.reason, model }, 'llm request failed');
      throw new ProviderError(failure.user, failure.reason);
    } finally {
      clearTimeout(idleTimer);
    }
    const ordered = [...calls.entries()].sort(([a], [b]) => a - b).map(([index, c]) => ({ ...c, id: c.id || `call_${index}` }));
    return { text, calls: ordered };
  }
}
