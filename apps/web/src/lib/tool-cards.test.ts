import { describe, expect, it } from 'vitest';
import type { ToolPart } from './chat';
import { describeTool } from './tool-cards';
import { toChatEvent } from './types';

const part = (p: Partial<ToolPart> & Pick<ToolPart, 'name'>): ToolPart => ({
  kind: 'tool',
  id: 'c',
  args: {},
  state: 'ok',
  ...p,
});
const task = (title: string, done = false) => ({ id: 2, title, done, due_date: null, priority: 'medium' });

describe('describeTool', () => {
  it('names what happened and to which task', () => {
    expect(describeTool(part({ name: 'complete_task', result: task('buy milk', true) }))).toEqual({
      verb: 'Completed',
      subject: 'buy milk',
      tone: 'ok',
    });
    expect(describeTool(part({ name: 'complete_task', result: task('buy milk', false) }))).toMatchObject({ verb: 'Reopened' });
    expect(describeTool(part({ name: 'update_task', result: task('buy oat milk') }))).toMatchObject({
      verb: 'Updated',
      subject: 'buy oat milk',
    });
    expect(describeTool(part({ name: 'delete_task', result: { deleted: task('buy milk') } }))).toMatchObject({
      verb: 'Deleted',
      subject: 'buy milk',
    });
    expect(describeTool(part({ name: 'list_tasks', result: { total: 1, tasks: [] } }))).toMatchObject({
      verb: 'Listed',
      subject: '1 task',
    });
  });

  it('shows a failed call with its reason, naming the task by id when there is no title', () => {
    expect(
      describeTool(
        part({ name: 'delete_task', args: { id: 9 }, state: 'error', error: 'no task with that id exists for this user' }),
      ),
    ).toEqual({
      verb: 'Could not delete',
      subject: 'task #9',
      tone: 'error',
      detail: 'no task with that id exists for this user',
    });
  });
});

describe('toChatEvent', () => {
  it('ignores malformed or unknown events instead of failing the stream', () => {
    expect(toChatEvent('delta', 'not json')).toBeUndefined();
    expect(toChatEvent('delta', '{"text":3}')).toBeUndefined();
    expect(toChatEvent('ping', '{}')).toBeUndefined();
    expect(toChatEvent('tool_result', '{"id":"a","name":"add_task"}')).toBeUndefined();
  });

  it('keeps the error of a failed final event', () => {
    expect(
      toChatEvent('done', '{"conversation_id":1,"message_id":null,"text":"","rounds":0,"error":{"code":"internal_error"}}'),
    ).toEqual({
      type: 'done',
      conversation_id: 1,
      message_id: null,
      text: '',
      rounds: 0,
      error: { code: 'internal_error' },
    });
  });
});
