import { describe, expect, it } from 'vitest';
import type { Message } from '../repositories/conversations.js';
import { toProviderMessages } from './openai.js';

const at = new Date('2026-11-26T00:00:00Z');
let nextId = 1;
const msg = (m: Partial<Message> & Pick<Message, 'role'>): Message => ({
  id: nextId++,
  content: '',
  tool_calls: null,
  tool_call_id: null,
  created_at: at,
  ...m,
});

describe('toProviderMessages', () => {
  const history = [
    msg({ role: 'user', content: 'add milk' }),
    msg({ role: 'assistant', content: '', tool_calls: [{ id: 'c1', name: 'add_task', arguments: '{"title":"milk"}' }] }),
    msg({ role: 'tool', tool_call_id: 'c1', content: '{"ok":true}' }),
    msg({ role: 'assistant', content: 'Added milk.' }),
    msg({ role: 'user', content: 'thanks' }),
  ];

  it('maps stored messages to the Chat Completions shapes', () => {
    expect(toProviderMessages(history, 50)).toEqual([
      { role: 'user', content: 'add milk' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'add_task', arguments: '{"title":"milk"}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: '{"ok":true}' },
      { role: 'assistant', content: 'Added milk.' },
      { role: 'user', content: 'thanks' },
    ]);
  });

  it('never starts the window with an orphaned tool result or assistant turn', () => {
    // the last 3 messages start at the tool result, whose call was cut off
    expect(toProviderMessages(history, 3)).toEqual([{ role: 'user', content: 'thanks' }]);
    expect(toProviderMessages(history, 0)).toEqual([]);
  });
});
