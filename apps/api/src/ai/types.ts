import type { Message, NewMessage } from '../repositories/conversations.js';

export type ToolOutcome = { ok: true; result: unknown } | { ok: false; error: string };

/** A tool as offered to the model: its arguments as JSON Schema (the OpenAI `tools` shape). */
export interface ToolDefinition {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** The tools of one turn, bound to one user; the chat service supplies them (services/assistant-tools.ts). */
export interface Toolbox {
  readonly definitions: ToolDefinition[];
  execute(name: string, rawArgs: string | unknown): Promise<ToolOutcome>;
}

/** What the chat endpoint streams to the client as SSE events. */
export type ChatEvent =
  | { type: 'delta'; text: string }
  | { type: 'tool_call'; id: string; name: string; arguments: unknown }
  | { type: 'tool_result'; id: string; name: string; ok: boolean; result?: unknown; error?: string }
  | { type: 'error'; code: string; message: string };

export interface AssistantTurn {
  history: Message[];
  userText: string;
  toolbox: Toolbox;
  emit: (event: ChatEvent) => void;
  signal: AbortSignal;
}

export interface AssistantReply {
  /** Assistant and tool messages to persist after the user's message, in order. */
  messages: NewMessage[];
  /** The final text shown to the user. */
  text: string;
  rounds: number;
}

export interface Assistant {
  readonly kind: 'openai' | 'offline';
  respond(turn: AssistantTurn): Promise<AssistantReply>;
}

/** Thrown when the provider cannot produce an answer; `userMessage` is shown in the chat. */
export class ProviderError extends Error {
  constructor(
    readonly userMessage: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'ProviderError';
  }
}
