import type { ToolPart } from './chat';
import { isObject, taskFrom } from './types';

export interface ToolCard {
  /** What happened, e.g. "Added"; a word, so the state is never told by colour alone. */
  verb: string;
  /** The task concerned, e.g. "buy milk", or a summary for list_tasks. */
  subject: string;
  tone: 'running' | 'ok' | 'error';
  detail?: string;
}

const RUNNING: Record<string, string> = {
  add_task: 'Adding',
  complete_task: 'Completing',
  update_task: 'Updating',
  delete_task: 'Deleting',
  list_tasks: 'Looking up',
};
const FAILED: Record<string, string> = {
  add_task: 'Could not add',
  complete_task: 'Could not complete',
  update_task: 'Could not update',
  delete_task: 'Could not delete',
  list_tasks: 'Could not list',
};

function subjectFromArgs(part: ToolPart): string {
  const args = part.args;
  if (part.name === 'list_tasks') return 'tasks';
  if (isObject(args)) {
    if (typeof args.title === 'string') return args.title;
    if (typeof args.id === 'number') return `task #${args.id}`;
  }
  return 'task';
}

export function describeTool(part: ToolPart): ToolCard {
  if (part.state === 'running')
    return { verb: RUNNING[part.name] ?? `Running ${part.name}`, subject: subjectFromArgs(part), tone: 'running' };
  if (part.state === 'error') {
    return {
      verb: FAILED[part.name] ?? `Failed: ${part.name}`,
      subject: subjectFromArgs(part),
      tone: 'error',
      ...(part.error ? { detail: part.error } : {}),
    };
  }
  const result = part.result;
  switch (part.name) {
    case 'add_task':
      return { verb: 'Added', subject: taskFrom(result)?.title ?? subjectFromArgs(part), tone: 'ok' };
    case 'complete_task': {
      const task = taskFrom(result);
      return { verb: task && !task.done ? 'Reopened' : 'Completed', subject: task?.title ?? subjectFromArgs(part), tone: 'ok' };
    }
    case 'update_task':
      return { verb: 'Updated', subject: taskFrom(result)?.title ?? subjectFromArgs(part), tone: 'ok' };
    case 'delete_task':
      return {
        verb: 'Deleted',
        subject: (isObject(result) ? taskFrom(result.deleted)?.title : undefined) ?? subjectFromArgs(part),
        tone: 'ok',
      };
    case 'list_tasks': {
      const total = isObject(result) && typeof result.total === 'number' ? result.total : undefined;
      return { verb: 'Listed', subject: total === undefined ? 'tasks' : `${total} task${total === 1 ? '' : 's'}`, tone: 'ok' };
    }
    default:
      return { verb: `Ran ${part.name}`, subject: '', tone: 'ok' };
  }
}
