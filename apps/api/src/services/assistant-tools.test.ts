import { describe, expect, it } from 'vitest';
import { parseToolCall, toolDefinitions, toolNames } from './assistant-tools.js';

describe('parseToolCall', () => {
  it('accepts valid arguments as a JSON string and applies defaults', () => {
    expect(parseToolCall('list_tasks', '{}')).toEqual({ ok: true, name: 'list_tasks', args: { status: 'open', limit: 20 } });
    expect(parseToolCall('complete_task', '{"id": 3}')).toEqual({ ok: true, name: 'complete_task', args: { id: 3, done: true } });
    expect(parseToolCall('add_task', { title: '  buy milk ', due_date: '2026-11-27' })).toEqual({
      ok: true,
      name: 'add_task',
      args: { title: 'buy milk', due_date: '2026-11-27' },
    });
  });

  it('treats empty arguments as an empty object', () => {
    expect(parseToolCall('list_tasks', '')).toMatchObject({ ok: true });
    expect(parseToolCall('add_task', '')).toMatchObject({ ok: false, error: expect.stringContaining('title') });
  });

  it('explains invalid JSON', () => {
    const out = parseToolCall('add_task', '{"title": "milk"');
    expect(out).toEqual({ ok: false, error: expect.stringContaining('not valid JSON') });
  });

  it('names the field with the wrong type', () => {
    const out = parseToolCall('add_task', '{"title": 42}');
    expect(out.ok).toBe(false);
    expect(!out.ok && out.error).toMatch(/invalid arguments for add_task: title:/);
  });

  it.each([
    ['add_task', '{"title": ""}', 'title'],
    ['add_task', JSON.stringify({ title: 'x'.repeat(201) }), 'title'],
    ['add_task', '{"title": "x", "due_date": "tomorrow"}', 'due_date'],
    ['add_task', '{"title": "x", "due_date": "2026-02-30"}', 'due_date'],
    ['add_task', '{"title": "x", "priority": "urgent"}', 'priority'],
    ['add_task', '{"title": "x", "user_id": 2}', 'user_id'],
    ['update_task', '{"id": 3}', 'at least one'],
    ['complete_task', '{"id": "3"}', 'id'],
    ['complete_task', '{"id": -1}', 'id'],
    ['delete_task', '{"id": 1.5}', 'id'],
    ['list_tasks', '{"limit": 1000}', 'limit'],
    ['list_tasks', '[]', 'arguments'],
  ])('rejects %s %s', (name, args, mention) => {
    const out = parseToolCall(name, args);
    expect(out.ok).toBe(false);
    expect(!out.ok && out.error).toContain(mention);
  });

  it('rejects unknown tools and lists the available ones', () => {
    const out = parseToolCall('drop_database', '{}');
    expect(out).toEqual({
      ok: false,
      error: expect.stringContaining('add_task, list_tasks, update_task, complete_task, delete_task'),
    });
    expect(parseToolCall('__proto__', '{}').ok).toBe(false);
  });
});

describe('toolDefinitions', () => {
  it('describes every tool with a JSON Schema object', () => {
    const defs = toolDefinitions();
    expect(defs.map((d) => d.function.name)).toEqual(toolNames);
    const add = defs.find((d) => d.function.name === 'add_task');
    expect(add?.function.parameters).toMatchObject({ type: 'object', required: ['title'], additionalProperties: false });
    expect(JSON.stringify(defs)).not.toContain('$schema');
  });
});
