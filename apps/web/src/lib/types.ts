/** Wire types of the todo API (apps/api), as the web app sees them through its proxy. */

export type Priority = 'low' | 'medium' | 'high';

export interface Todo {
  id: number;
  title: string;
  notes?: string;
  due_date: string | null;
  priority: Priority;
  done: boolean;
}

export interface User {
  id: number;
  email: string;
}

/** Which assistant the API runs: an OpenAI-compatible model, or the offline command parser. */
export type AssistantKind = 'openai' | 'offline';

export interface Conversation {
  id: number;
  title: string;
  updated_at?: string;
}

export interface StoredMessage {
  id: number;
  role: 'user' | 'assistant' | 'tool';
  content: string;
  tool_calls: { id: string; name: string; arguments: string }[] | null;
  tool_call_id: string | null;
}

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Events of `POST /api/chat` (text/event-stream). */
export type ChatEvent =
  | { type: 'conversation'; conversation_id: number; title: string }
  | { type: 'delta'; text: string }
  | { type: 'tool_call'; id: string; name: string; arguments: unknown }
  | { type: 'tool_result'; id: string; name: string; ok: boolean; result?: unknown; error?: string }
  | { type: 'error'; code: string; message: string }
  | {
      type: 'done';
      conversation_id: number;
      message_id: number | null;
      text: string;
      rounds: number;
      error?: { code: string; message?: string };
    };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Narrows one SSE message to a ChatEvent; unknown or malformed events give undefined (ignored). */
export function toChatEvent(event: string, data: string): ChatEvent | undefined {
  let d: unknown;
  try {
    d = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isObject(d)) return undefined;
  switch (event) {
    case 'conversation':
      return typeof d.conversation_id === 'number'
        ? { type: 'conversation', conversation_id: d.conversation_id, title: typeof d.title === 'string' ? d.title : '' }
        : undefined;
    case 'delta':
      return typeof d.text === 'string' ? { type: 'delta', text: d.text } : undefined;
    case 'tool_call':
      return typeof d.id === 'string' && typeof d.name === 'string'
        ? { type: 'tool_call', id: d.id, name: d.name, arguments: d.arguments }
        : undefined;
    case 'tool_result': {
      if (typeof d.id !== 'string' || typeof d.name !== 'string' || typeof d.ok !== 'boolean') return undefined;
      const e: ChatEvent = { type: 'tool_result', id: d.id, name: d.name, ok: d.ok };
      if ('result' in d) e.result = d.result;
      if (typeof d.error === 'string') e.error = d.error;
      return e;
    }
    case 'error':
      return {
        type: 'error',
        code: typeof d.code === 'string' ? d.code : 'error',
        message: typeof d.message === 'string' ? d.message : 'The assistant failed.',
      };
    case 'done': {
      const e: ChatEvent = {
        type: 'done',
        conversation_id: typeof d.conversation_id === 'number' ? d.conversation_id : 0,
        message_id: typeof d.message_id === 'number' ? d.message_id : null,
        text: typeof d.text === 'string' ? d.text : '',
        rounds: typeof d.rounds === 'number' ? d.rounds : 0,
      };
      if (isObject(d.error) && typeof d.error.code === 'string') {
        e.error = { code: d.error.code, ...(typeof d.error.message === 'string' ? { message: d.error.message } : {}) };
      }
      return e;
    }
    default:
      return undefined;
  }
}

/** A task as reported by a tool result (`brief` in the API), or undefined. */
export function taskFrom(value: unknown): Todo | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.id !== 'number' || typeof value.title !== 'string') return undefined;
  return {
    id: value.id,
    title: value.title,
    due_date: typeof value.due_date === 'string' ? value.due_date : null,
    priority: value.priority === 'low' || value.priority === 'high' ? value.priority : 'medium',
    done: value.done === true,
  };
}

export { isObject };
