import { z } from 'zod';
import type { ToolDefinition, Toolbox } from '../ai/types.js';
import { NotFoundError } from '../domain/errors.js';
import type { Todo } from '../repositories/todos.js';
import { isoDate, priority, title, notes } from './schemas.js';
import type { TodosService } from './todos.js';

// The assistant's toolbox: the tools a model (ai/) may call, run against the todo service.

const taskId = z.number().int().positive().max(2_147_483_647).describe('The task number, e.g. 3');

/** Tool argument schemas; these are the contract with the model and are sent as JSON Schema. */
export const toolSchemas = {
  add_task: z.strictObject({
    title: title.describe('Short task title'),
    notes: notes.optional(),
    due_date: isoDate.optional().describe('Due date, YYYY-MM-DD'),
    priority: priority.optional(),
  }),
  list_tasks: z.strictObject({
    status: z.enum(['open', 'done', 'all']).default('open'),
    search: z.string().max(200).optional().describe('Only tasks whose title or notes contain this text'),
    limit: z.number().int().min(1).max(50).default(20),
  }),
  update_task: z
    .strictObject({
      id: taskId,
      title: title.optional(),
      notes: notes.optional(),
      due_date: isoDate.nullable().optional().describe('YYYY-MM-DD, or null to clear'),
      priority: priority.optional(),
    })
    .refine((a) => a.title !== undefined || a.notes !== undefined || a.due_date !== undefined || a.priority !== undefined, {
      message: 'give at least one of title, notes, due_date, priority',
    }),
  complete_task: z.strictObject({ id: taskId, done: z.boolean().default(true).describe('false reopens the task') }),
  delete_task: z.strictObject({ id: taskId }),
} as const;

export type ToolName = keyof typeof toolSchemas;

const descriptions: Record<ToolName, string> = {
  add_task: "Add a task to the user's todo list.",
  list_tasks: "List the user's tasks, optionally filtered by status or text.",
  update_task: 'Change the title, notes, due date or priority of a task.',
  complete_task: 'Mark a task done (or reopen it with done=false).',
  delete_task: 'Delete a task permanently.',
};

export const toolNames = Object.keys(toolSchemas) as ToolName[];

/** OpenAI `tools` definitions generated from the zod schemas. */
export function toolDefinitions(): ToolDefinition[] {
  return toolNames.map((name) => {
    const { $schema: _ignored, ...parameters } = z.toJSONSchema(toolSchemas[name], { io: 'input' }) as Record<string, unknown>;
    return { type: 'function' as const, function: { name, description: descriptions[name], parameters } };
  });
}

export type ParsedToolCall = { ok: true; name: ToolName; args: unknown } | { ok: false; error: string };

/** Validates a tool call from the model. Errors are phrased for the model to correct itself. */
export function parseToolCall(name: string, rawArgs: string | unknown): ParsedToolCall {
  if (!Object.hasOwn(toolSchemas, name)) {
    return { ok: false, error: `unknown tool "${name}"; available tools: ${toolNames.join(', ')}` };
  }
  const tool = name as ToolName;
  let value: unknown = rawArgs;
  if (typeof rawArgs === 'string') {
    try {
      value = rawArgs.trim() === '' ? {} : JSON.parse(rawArgs);
    } catch {
      return { ok: false, error: `arguments for ${tool} are not valid JSON: ${rawArgs.slice(0, 200)}` };
    }
  }
  const parsed = toolSchemas[tool].safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
    return { ok: false, error: `invalid arguments for ${tool}: ${issues}` };
  }
  return { ok: true, name: tool, args: parsed.data };
}

export const brief = (t: Todo) => ({ id: t.id, title: t.title, due_date: t.due_date, priority: t.priority, done: t.done });

let definitions: ToolDefinition[] | undefined;

/** Runs validated tool calls as one user. Every call is scoped to that user's rows. */
export function createToolbox(todos: TodosService, userId: number, onCall?: (tool: string, ok: boolean) => void): Toolbox {
  const run = async (call: Extract<ParsedToolCall, { ok: true }>): Promise<unknown> => {
    switch (call.name) {
      case 'add_task': {
        const a = call.args as z.output<(typeof toolSchemas)['add_task']>;
        return brief(await todos.create(userId, a));
      }
      case 'list_tasks': {
        const a = call.args as z.output<(typeof toolSchemas)['list_tasks']>;
        const { items, total } = await todos.list(userId, { status: a.status, search: a.search, limit: a.limit, offset: 0 });
        return { total, tasks: items.map(brief) };
      }
      case 'update_task': {
        const { id, ...patch } = call.args as z.output<(typeof toolSchemas)['update_task']>;
        return brief(await todos.update(userId, id, patch));
      }
      case 'complete_task': {
        const a = call.args as z.output<(typeof toolSchemas)['complete_task']>;
        return brief(await todos.update(userId, a.id, { done: a.done }));
      }
      case 'delete_task': {
        const a = call.args as z.output<(typeof toolSchemas)['delete_task']>;
        return { deleted: brief(await todos.delete(userId, a.id)) };
      }
    }
  };
  return {
    // built on first use: only a model behind an API needs the JSON Schemas
    get definitions() {
      return (definitions ??= toolDefinitions());
    },
    async execute(name, rawArgs) {
      const call = parseToolCall(name, rawArgs);
      if (!call.ok) {
        onCall?.(name, false);
        return call;
      }
      try {
        const result = await run(call);
        onCall?.(call.name, true);
        return { ok: true, result };
      } catch (err) {
        // a missing task is something the model can fix; anything else (db down) propagates
        if (err instanceof NotFoundError) {
          onCall?.(call.name, false);
          return { ok: false, error: `no task with that id exists for this user` };
        }
        throw err;
      }
    },
  };
}
