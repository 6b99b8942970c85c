import { readSse } from './sse';
import { isObject, toChatEvent, type ChatEvent, type StoredMessage } from './types';

export interface TextPart {
  kind: 'text';
  text: string;
}

export interface ToolPart {
  kind: 'tool';
  id: string;
  name: string;
  args: unknown;
  state: 'running' | 'ok' | 'error';
  result?: unknown;
  error?: string;
}

export type Part = TextPart | ToolPart;

export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  parts: Part[];
  /** streaming: tokens arriving; stopped: the user pressed Stop (partial kept); error: the turn failed. */
  state: 'streaming' | 'done' | 'stopped' | 'error';
  error?: string;
}

/** `submitted`: request sent, nothing back yet; `streaming`: events arriving (AI SDK useChat's states). */
export type ChatStatus = 'ready' | 'submitted' | 'streaming' | 'error';

export interface ChatError {
  code: string;
  message: string;
}

export interface ChatState {
  status: ChatStatus;
  conversationId: number | null;
  messages: ChatMessage[];
  error: ChatError | null;
  /** The text of the last turn, resent by retry. */
  lastPrompt: string | null;
  /** Text for the polite live region: set once when a reply ends, never per token. */
  announcement: string;
  seq: number;
}

export type ChatAction =
  | { type: 'send'; text: string }
  | { type: 'event'; event: ChatEvent }
  | { type: 'stop' }
  | { type: 'fail'; error: ChatError }
  | { type: 'retry' }
  | { type: 'load'; conversationId: number | null; messages: ChatMessage[] };

export const initialChatState: ChatState = {
  status: 'ready',
  conversationId: null,
  messages: [],
  error: null,
  lastPrompt: null,
  announcement: '',
  seq: 0,
};

export const isBusy = (s: ChatState) => s.status === 'submitted' || s.status === 'streaming';

export const textOf = (m: ChatMessage) =>
  m.parts
    .filter((p): p is TextPart => p.kind === 'text')
    .map((p) => p.text)
    .join('');

function updateLast(state: ChatState, fn: (m: ChatMessage) => ChatMessage): ChatMessage[] {
  const last = state.messages.at(-1);
  if (!last || last.role !== 'assistant') return state.messages;
  return [...state.messages.slice(0, -1), fn(last)];
}

function appendText(m: ChatMessage, text: string): ChatMessage {
  const last = m.parts.at(-1);
  if (last?.kind === 'text') return { ...m, parts: [...m.parts.slice(0, -1), { kind: 'text', text: last.text + text }] };
  return { ...m, parts: [...m.parts, { kind: 'text', text }] };
}

function applyEvent(state: ChatState, event: ChatEvent): ChatState {
  // events that arrive after Stop (already in flight) must not revive the message
  if (!isBusy(state)) return state;
  const streaming = { ...state, status: 'streaming' as const };
  switch (event.type) {
    case 'conversation':
      return { ...streaming, conversationId: event.conversation_id };
    case 'delta':
      return { ...streaming, messages: updateLast(state, (m) => appendText(m, event.text)) };
    case 'tool_call':
      return {
        ...streaming,
        messages: updateLast(state, (m) => ({
          ...m,
          parts: [...m.parts, { kind: 'tool', id: event.id, name: event.name, args: event.arguments, state: 'running' }],
        })),
      };
    case 'tool_result':
      return {
        ...streaming,
        messages: updateLast(state, (m) => ({
          ...m,
          parts: m.parts.map((p) =>
            p.kind === 'tool' && p.id === event.id
              ? {
                  ...p,
                  state: event.ok ? 'ok' : 'error',
                  ...(event.result !== undefined ? { result: event.result } : {}),
                  ...(event.error !== undefined ? { error: event.error } : {}),
                }
              : p,
          ),
        })),
      };
    case 'error':
      return {
        ...streaming,
        error: { code: event.code, message: event.message },
        messages: updateLast(state, (m) => ({ ...m, error: event.message })),
      };
    case 'done': {
      const failed = event.error !== undefined;
      let messages = updateLast(state, (m) => {
        const shown = failed || textOf(m) !== '' || !event.text ? m : appendText(m, event.text);
        return { ...shown, state: failed ? 'error' : 'done' };
      });
      const last = messages.at(-1);
      const text = last ? textOf(last) : '';
      const error = failed
        ? (state.error ?? { code: event.error?.code ?? 'error', message: event.error?.message ?? event.text })
        : null;
      if (failed && last && !last.error)
        messages = updateLast({ ...state, messages }, (m) => ({ ...m, error: error?.message ?? '' }));
      return {
        ...state,
        status: failed ? 'error' : 'ready',
        conversationId: event.conversation_id || state.conversationId,
        messages,
        error,
        announcement: failed ? `Error: ${error?.message ?? ''}` : `Assistant: ${text || 'done.'}`,
      };
    }
  }
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'send': {
      const text = action.text.trim();
      if (!text || isBusy(state)) return state; // no double submit while a reply is on its way
      const seq = state.seq + 1;
      return {
        ...state,
        seq,
        status: 'submitted',
        error: null,
        lastPrompt: text,
        messages: [
          ...state.messages,
          { id: `u${seq}`, role: 'user', parts: [{ kind: 'text', text }], state: 'done' },
          { id: `a${seq}`, role: 'assistant', parts: [], state: 'streaming' },
        ],
      };
    }
    case 'event':
      return applyEvent(state, action.event);
    case 'stop': {
      if (!isBusy(state)) return state;
      return {
        ...state,
        status: 'ready',
        messages: updateLast(state, (m) => ({
          ...m,
          state: 'stopped',
          parts: m.parts.map((p) =>
            p.kind === 'tool' && p.state === 'running' ? { ...p, state: 'error', error: 'stopped' } : p,
          ),
        })),
        announcement: 'Reply stopped.',
      };
    }
    case 'fail': {
      if (!isBusy(state)) return state;
      return {
        ...state,
        status: 'error',
        error: action.error,
        messages: updateLast(state, (m) => ({ ...m, state: 'error', error: action.error.message })),
        announcement: `Error: ${action.error.message}`,
      };
    }
    case 'retry': {
      if (state.status !== 'error' || !state.lastPrompt) return state;
      // drop the failed turn (user message + failed reply) and send it again
      const last = state.messages.at(-1);
      const beforeLast = state.messages.at(-2);
      const drop = last?.role === 'assistant' && beforeLast?.role === 'user' ? 2 : 0;
      const trimmed = {
        ...state,
        status: 'ready' as const,
        error: null,
        messages: state.messages.slice(0, state.messages.length - drop),
      };
      return chatReducer(trimmed, { type: 'send', text: state.lastPrompt });
    }
    case 'load':
      return { ...initialChatState, seq: state.seq, conversationId: action.conversationId, messages: action.messages };
  }
}

function parseArgs(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Rebuilds the UI messages of a stored conversation: assistant and tool rows fold into one reply. */
export function fromHistory(stored: StoredMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const row of stored) {
    if (row.role === 'user') {
      out.push({ id: `m${row.id}`, role: 'user', parts: [{ kind: 'text', text: row.content }], state: 'done' });
      continue;
    }
    let reply = out.at(-1);
    if (!reply || reply.role !== 'assistant') {
      reply = { id: `m${row.id}`, role: 'assistant', parts: [], state: 'done' };
      out.push(reply);
    }
    if (row.role === 'assistant') {
      if (row.content) reply.parts.push({ kind: 'text', text: row.content });
      for (const call of row.tool_calls ?? []) {
        reply.parts.push({ kind: 'tool', id: call.id, name: call.name, args: parseArgs(call.arguments), state: 'running' });
      }
    } else {
      const outcome = parseArgs(row.content);
      const index = reply.parts.findIndex((p) => p.kind === 'tool' && p.id === row.tool_call_id);
      const part = reply.parts[index];
      if (part?.kind === 'tool' && isObject(outcome)) {
        reply.parts[index] = {
          ...part,
          state: outcome.ok === true ? 'ok' : 'error',
          ...(outcome.result !== undefined ? { result: outcome.result } : {}),
          ...(typeof outcome.error === 'string' ? { error: outcome.error } : {}),
        };
      }
    }
  }
  // a tool call with no stored result was interrupted
  for (const m of out)
    m.parts = m.parts.map((p) => (p.kind === 'tool' && p.state === 'running' ? { ...p, state: 'error', error: 'no result' } : p));
  return out;
}

export class ChatHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ChatHttpError';
  }
}

/** Reads a JSON error body `{error:{code,message}}`, falling back to the status text. */
export async function errorFromResponse(res: Response): Promise<ChatHttpError> {
  let code = `http_${res.status}`;
  let message = res.statusText || `request failed (${res.status})`;
  try {
    const body: unknown = await res.json();
    if (isObject(body) && isObject(body.error)) {
      if (typeof body.error.code === 'string') code = body.error.code;
      if (typeof body.error.message === 'string') message = body.error.message;
    }
  } catch {
    // not JSON: keep the status text
  }
  return new ChatHttpError(res.status, code, message);
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Posts one chat turn and calls `onEvent` for each event of the reply. Resolves true when the
 * final `done` event arrived, false when the stream ended without it (connection lost).
 */
export async function streamChat(
  fetchImpl: FetchLike,
  body: { message: string; conversation_id?: number },
  onEvent: (e: ChatEvent) => void,
  signal: AbortSignal,
): Promise<boolean> {
  const res = await fetchImpl('/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
    signal,
  });
  if (!res.ok) throw await errorFromResponse(res);
  if (!res.body) throw new ChatHttpError(res.status, 'empty_response', 'The server sent no reply.');
  let done = false;
  for await (const message of readSse(res.body, signal)) {
    const event = toChatEvent(message.event, message.data);
    if (!event) continue;
    if (event.type === 'done') done = true;
    onEvent(event);
  }
  return done;
}

export interface ChatSessionOptions {
  fetch: FetchLike;
  /** Called for every tool result, so the todo list can update at once. */
  onToolResult?: (e: Extract<ChatEvent, { type: 'tool_result' }>) => void;
  /** Called when a new conversation gets its id. */
  onConversation?: (e: Extract<ChatEvent, { type: 'conversation' }>) => void;
  /** Called when a turn ends, successfully or not. */
  onSettled?: (state: ChatState) => void;
}

/** Messages for failures that happen before or outside the event stream. */
export function describeFailure(err: unknown): ChatError {
  if (err instanceof ChatHttpError) {
    if (err.status === 401) return { code: 'unauthorized', message: 'Your session has ended. Please log in again.' };
    if (err.status === 429) return { code: err.code, message: `Too many messages: ${err.message}` };
    if (err.status >= 500) return { code: err.code, message: `The server is unavailable (${err.message}). Try again.` };
    return { code: err.code, message: err.message };
  }
  return { code: 'network_error', message: 'Could not reach the server. Check your connection and try again.' };
}

/**
 * The chat state machine plus its I/O, without React: the UI subscribes to it
 * (useSyncExternalStore) and tests drive it with a scripted fetch.
 */
export class ChatSession {
  private state: ChatState = initialChatState;
  private readonly listeners = new Set<() => void>();
  private controller: AbortController | null = null;

  constructor(private readonly opts: ChatSessionOptions) {}

  getState = (): ChatState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private dispatch(action: ChatAction) {
    const next = chatReducer(this.state, action);
    if (next === this.state) return;
    this.state = next;
    for (const l of this.listeners) l();
  }

  /** Sends a message; returns false (and does nothing) while a reply is still streaming. */
  send(text: string): boolean {
    const before = this.state;
    this.dispatch({ type: 'send', text });
    if (this.state === before) return false;
    void this.run(text.trim());
    return true;
  }

  retry(): boolean {
    const prompt = this.state.lastPrompt;
    const before = this.state;
    this.dispatch({ type: 'retry' });
    if (this.state === before || !prompt) return false;
    void this.run(prompt);
    return true;
  }

  /** Aborts the stream; the partial reply stays. */
  stop() {
    if (!isBusy(this.state)) return;
    this.dispatch({ type: 'stop' });
    this.controller?.abort();
    this.controller = null;
  }

  load(conversationId: number | null, messages: ChatMessage[]) {
    this.controller?.abort();
    this.controller = null;
    this.dispatch({ type: 'load', conversationId, messages });
  }

  private async run(text: string) {
    const controller = new AbortController();
    this.controller = controller;
    const conversationId = this.state.conversationId;
    const body = conversationId ? { message: text, conversation_id: conversationId } : { message: text };
    try {
      const finished = await streamChat(
        this.opts.fetch,
        body,
        (event) => {
          if (controller.signal.aborted) return;
          this.dispatch({ type: 'event', event });
          if (event.type === 'tool_result') this.opts.onToolResult?.(event);
          if (event.type === 'conversation') this.opts.onConversation?.(event);
        },
        controller.signal,
      );
      if (!finished && !controller.signal.aborted) {
        this.dispatch({ type: 'fail', error: { code: 'stream_interrupted', message: 'The reply was cut off. Try again.' } });
      }
    } catch (err) {
      if (!controller.signal.aborted) this.dispatch({ type: 'fail', error: describeFailure(err) });
    } finally {
      if (this.controller === controller) this.controller = null;
      this.opts.onSettled?.(this.state);
    }
  }
}
