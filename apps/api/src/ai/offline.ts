import { randomUUID } from 'node:crypto';
import type { NewMessage } from '../repositories/conversations.js';
import type { Assistant, AssistantReply, AssistantTurn, ToolOutcome } from './types.js';

export type TaskRef = { id: number } | { text: string };

export type Intent =
  | { kind: 'add'; title: string; due_date?: string }
  | { kind: 'list'; status: 'open' | 'done' | 'all' }
  | { kind: 'complete'; ref: TaskRef; done: boolean }
  | { kind: 'delete'; ref: TaskRef }
  | { kind: 'rename'; ref: TaskRef; title: string }
  | { kind: 'help' }
  | { kind: 'unknown' };

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const ymd = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + n));

/** Resolves "today", "tomorrow", "friday", "next week", "2026-12-01" against `today` (UTC). */
export function resolveDue(phrase: string, today: Date): string | undefined {
  const p = phrase.toLowerCase();
  if (/^\d{4}-\d{2}-\d{2}$/.test(p)) {
    const d = new Date(`${p}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && ymd(d) === p ? p : undefined;
  }
  if (p === 'today' || p === 'tonight') return ymd(addDays(today, 0));
  if (p === 'tomorrow') return ymd(addDays(today, 1));
  if (p === 'next week') return ymd(addDays(today, 7));
  const weekday = WEEKDAYS.indexOf(p.replace(/^next\s+/, ''));
  if (weekday >= 0) {
    const diff = (weekday - today.getUTCDay() + 7) % 7 || 7;
    return ymd(addDays(today, diff));
  }
  return undefined;
}

const DUE_SUFFIX = new RegExp(
  String.raw`(?:^|\s+)(?:(?:due|by|on|for)\s+)?(today|tonight|tomorrow|next week|(?:next\s+)?(?:${WEEKDAYS.join('|')})|\d{4}-\d{2}-\d{2})$`,
  'i',
);
const LIST_SUFFIX = /\s+(?:to|on|onto)\s+(?:my|the)\s+(?:list|todos?|to-?do list|tasks?)$/i;

/** Cleans "the milk one", "task #2", "'buy milk'" into a reference by id or by text. */
export function parseRef(raw: string): TaskRef {
  let s = raw.trim().replace(/^["'“]|["'”]$/g, '');
  s = s.replace(/\s+(?:from|on|in)\s+(?:my|the)\s+(?:list|todos?|tasks?)$/i, '');
  s = s.replace(/^(?:the|my)\s+/i, '').replace(/^(?:task|item|todo|number|no\.?)\s*/i, '');
  s = s.replace(/\s+(?:one|task|item|todo)$/i, '').trim();
  s = s.replace(/^["'“]|["'”]$/g, '').trim();
  const num = /^#?(\d{1,9})$/.exec(s);
  if (num?.[1]) return { id: Number(num[1]) };
  return { text: s };
}

/** Deterministic intent parser for the offline assistant. */
export function parseIntent(input: string, today: Date): Intent {
  const text = input
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/[.!?]+$/, '')
    .trim();
  if (!text) return { kind: 'unknown' };
  if (/^(?:help|what can you do|commands|\?)$/i.test(text)) return { kind: 'help' };

  const add = /^(?:please\s+)?(?:add|create|new task|remind me to|i need to|todo:?)\s+(.+)$/i.exec(text);
  if (add?.[1]) {
    let title = add[1].trim();
    let due: string | undefined;
    for (let i = 0; i < 2; i++) {
      title = title.replace(LIST_SUFFIX, '');
      const m = DUE_SUFFIX.exec(title);
      if (m?.[1] && due === undefined) {
        const resolved = resolveDue(m[1], today);
        if (resolved) {
          due = resolved;
          title = title.slice(0, m.index).trim();
        }
      }
    }
    title = title
      .replace(/^(?:a task(?: to)?|task|to)\s+/i, '')
      .replace(/^["'“]|["'”]$/g, '')
      .trim();
    if (!title) return { kind: 'unknown' };
    return due ? { kind: 'add', title, due_date: due } : { kind: 'add', title };
  }

  const rename = /^(?:rename|retitle|change)\s+(.+?)\s+to\s+(.+)$/i.exec(text);
  if (rename?.[1] && rename[2]) {
    const title = rename[2].trim().replace(/^["'“]|["'”]$/g, '');
    return title ? { kind: 'rename', ref: parseRef(rename[1]), title } : { kind: 'unknown' };
  }

  const reopen =
    /^(?:mark|set)\s+(.+?)\s+(?:as\s+)?(?:not done|undone|open|incomplete|todo)$/i.exec(text) ??
    /^(?:reopen|undo|uncheck)\s+(.+)$/i.exec(text);
  if (reopen?.[1]) return { kind: 'complete', ref: parseRef(reopen[1]), done: false };

  const complete =
    /^(?:mark|tick(?:\s+off)?|check(?:\s+off)?|complete|finish|done with|i (?:did|finished|bought|completed))\s+(.+?)(?:\s+(?:as\s+)?(?:done|complete|completed|finished|off))?$/i.exec(
      text,
    ) ?? /^(.+?)\s+is\s+(?:done|finished|complete)$/i.exec(text);
  if (complete?.[1]) return { kind: 'complete', ref: parseRef(complete[1]), done: true };

  const del = /^(?:delete|remove|drop|cancel|get rid of|forget)\s+(.+)$/i.exec(text);
  if (del?.[1]) return { kind: 'delete', ref: parseRef(del[1]) };

  if (
    /^(?:list|tasks|todos|to-?dos|my list|show list)$/i.test(text) ||
    /\b(?:what'?s|what is|what are|show|list|see|view|display|read)\b.*\b(?:list|tasks?|todos?|to-?dos?|agenda|on my plate)\b/i.test(
      text,
    )
  ) {
    const status = /\b(?:done|completed|finished)\b/i.test(text) ? 'done' : /\ball\b/i.test(text) ? 'all' : 'open';
    return { kind: 'list', status };
  }
  return { kind: 'unknown' };
}

export const OFFLINE_HELP =
  "I'm the offline assistant (no AI provider is configured), so I understand a few commands: " +
  '"add buy milk tomorrow", "what\'s on my list", "mark the milk one done", "delete buy milk", ' +
  '"rename 2 to call mom". I can\'t answer general questions, change priorities or notes, or understand other phrasing.';

interface TaskBrief {
  id: number;
  title: string;
  due_date: string | null;
  priority: string;
  done: boolean;
}

const describe = (t: TaskBrief) => `#${t.id} ${t.title}${t.due_date ? ` (due ${t.due_date})` : ''}${t.done ? ' [done]' : ''}`;

/** The assistant used when no API key is configured: deterministic, but goes through the same tools. */
export class OfflineAssistant implements Assistant {
  readonly kind = 'offline' as const;

  constructor(private readonly now: () => Date = () => new Date()) {}

  async respond(turn: AssistantTurn): Promise<AssistantReply> {
    const messages: NewMessage[] = [];
    const call = async (name: string, args: Record<string, unknown>): Promise<ToolOutcome> => {
      const id = `offline_${randomUUID()}`;
      turn.emit({ type: 'tool_call', id, name, arguments: args });
      const outcome = await turn.toolbox.execute(name, args);
      turn.emit({ type: 'tool_result', id, name, ...outcome });
      messages.push({ role: 'assistant', content: '', tool_calls: [{ id, name, arguments: JSON.stringify(args) }] });
      messages.push({ role: 'tool', tool_call_id: id, content: JSON.stringify(outcome) });
      return outcome;
    };

    const text = await this.handle(parseIntent(turn.userText, this.now()), call);
    for (const piece of text.match(/\S+\s*/g) ?? [text]) turn.emit({ type: 'delta', text: piece });
    messages.push({ role: 'assistant', content: text });
    return { messages, text, rounds: 1 };
  }

  private async resolve(
    ref: { id: number } | { text: string },
    call: (name: string, args: Record<string, unknown>) => Promise<ToolOutcome>,
  ): Promise<{ task: TaskBrief } | { reply: string }> {
    if ('id' in ref) return { task: { id: ref.id, title: `#${ref.id}`, due_date: null, priority: '', done: false } };
    if (!ref.text) return { reply: 'Which task? Say its number or part of its title.' };
    const found = await call('list_tasks', { status: 'all', search: ref.text, limit: 10 });
    if (!found.ok) return { reply: `I couldn't look that up: ${found.error}` };
    const tasks = (found.result as { tasks: TaskBrief[] }).tasks;
    const exact = tasks.filter((t) => t.title.toLowerCase() === ref.text.toLowerCase());
    const candidates = exact.length > 0 ? exact : tasks;
    const open = candidates.filter((t) => !t.done);
    const pick = open.length === 1 ? open : candidates;
    if (pick.length === 1 && pick[0]) return { task: pick[0] };
    if (pick.length === 0) return { reply: `I couldn't find a task matching "${ref.text}".` };
    return { reply: `Several tasks match "${ref.text}": ${pick.map(describe).join('; ')}. Which one? Use its number.` };
  }

  private async handle(
    intent: ReturnType<typeof parseIntent>,
    call: (name: string, args: Record<string, unknown>) => Promise<ToolOutcome>,
  ): Promise<string> {
    switch (intent.kind) {
      case 'help':
        return OFFLINE_HELP;
      case 'unknown':
        return `Sorry, I can't do that. ${OFFLINE_HELP}`;
      case 'add': {
        const out = await call(
          'add_task',
          intent.due_date ? { title: intent.title, due_date: intent.due_date } : { title: intent.title },
        );
        if (!out.ok) return `I couldn't add that: ${out.error}`;
        const t = out.result as TaskBrief;
        return `Added "${t.title}" as #${t.id}${t.due_date ? `, due ${t.due_date}` : ''}.`;
      }
      case 'list': {
        const out = await call('list_tasks', { status: intent.status, limit: 50 });
        if (!out.ok) return `I couldn't list your tasks: ${out.error}`;
        const { tasks, total } = out.result as { tasks: TaskBrief[]; total: number };
        const label = intent.status === 'open' ? 'open ' : intent.status === 'done' ? 'completed ' : '';
        if (total === 0) return intent.status === 'open' ? 'Your list is empty. Nothing to do!' : `You have no ${label}tasks.`;
        const more = total > tasks.length ? `\n…and ${total - tasks.length} more.` : '';
        return `You have ${total} ${label}task${total === 1 ? '' : 's'}:\n${tasks.map((t) => `- ${describe(t)}`).join('\n')}${more}`;
      }
      case 'complete':
      case 'delete':
      case 'rename': {
        const target = await this.resolve(intent.ref, call);
        if ('reply' in target) return target.reply;
        const id = target.task.id;
        const out =
          intent.kind === 'complete'
            ? await call('complete_task', { id, done: intent.done })
            : intent.kind === 'delete'
              ? await call('delete_task', { id })
              : await call('update_task', { id, title: intent.title });
        if (!out.ok) return /no task/.test(out.error) ? `I couldn't find task #${id}.` : `That didn't work: ${out.error}`;
        if (intent.kind === 'delete') {
          const t = (out.result as { deleted: TaskBrief }).deleted;
          return `Deleted "${t.title}" (#${t.id}).`;
        }
        const t = out.result as TaskBrief;
        if (intent.kind === 'rename') return `Renamed #${t.id} to "${t.title}".`;
        return intent.done ? `Marked "${t.title}" (#${t.id}) as done.` : `Reopened "${t.title}" (#${t.id}).`;
      }
    }
  }
}
