import { describe, expect, it } from 'vitest';
import { parseIntent, parseRef, resolveDue } from './offline.js';

// Thursday 2026-11-26
const today = new Date('2026-11-26T10:00:00Z');

describe('parseIntent', () => {
  it.each([
    ['add buy milk tomorrow', { kind: 'add', title: 'buy milk', due_date: '2026-11-27' }],
    ['Add buy milk', { kind: 'add', title: 'buy milk' }],
    ['add call mom today.', { kind: 'add', title: 'call mom', due_date: '2026-11-26' }],
    ['add pay rent by friday', { kind: 'add', title: 'pay rent', due_date: '2026-11-27' }],
    ['add dentist on 2026-12-03 to my list', { kind: 'add', title: 'dentist', due_date: '2026-12-03' }],
    ['add water plants to my list tomorrow', { kind: 'add', title: 'water plants', due_date: '2026-11-27' }],
    ['remind me to file taxes next week', { kind: 'add', title: 'file taxes', due_date: '2026-12-03' }],
    ['add renew passport on thursday', { kind: 'add', title: 'renew passport', due_date: '2026-12-03' }],
    ['add read 2026-02-30', { kind: 'add', title: 'read 2026-02-30' }],
  ])('add: %s', (text, expected) => {
    expect(parseIntent(text, today)).toEqual(expected);
  });

  it.each([
    ["what's on my list", 'open'],
    ['What is on my list?', 'open'],
    ['show my tasks', 'open'],
    ['list', 'open'],
    ['show completed tasks', 'done'],
    ['show all my todos', 'all'],
  ])('list: %s', (text, status) => {
    expect(parseIntent(text, today)).toEqual({ kind: 'list', status });
  });

  it.each([
    ['mark the milk one done', { text: 'milk' }],
    ['mark buy milk as done', { text: 'buy milk' }],
    ['complete task 3', { id: 3 }],
    ['mark #12 done', { id: 12 }],
    ['tick off the dentist', { text: 'dentist' }],
    ['milk is done', { text: 'milk' }],
  ])('complete: %s', (text, ref) => {
    expect(parseIntent(text, today)).toEqual({ kind: 'complete', ref, done: true });
  });

  it('reopens with "mark ... not done"', () => {
    expect(parseIntent('mark 4 as not done', today)).toEqual({ kind: 'complete', ref: { id: 4 }, done: false });
  });

  it.each([
    ['delete buy milk', { text: 'buy milk' }],
    ['remove task 7', { id: 7 }],
    ['delete the milk one from my list', { text: 'milk' }],
  ])('delete: %s', (text, ref) => {
    expect(parseIntent(text, today)).toEqual({ kind: 'delete', ref });
  });

  it.each([
    ['rename 2 to call mom', { id: 2 }, 'call mom'],
    ['rename buy milk to buy oat milk', { text: 'buy milk' }, 'buy oat milk'],
    ['change task #5 to "water the plants"', { id: 5 }, 'water the plants'],
  ])('rename: %s', (text, ref, title) => {
    expect(parseIntent(text, today)).toEqual({ kind: 'rename', ref, title });
  });

  it.each(['what is the weather in Paris', 'tell me a joke', '', '   ', 'add', 'add tomorrow'])('unknown: %j', (text) => {
    expect(parseIntent(text, today).kind).toBe('unknown');
  });

  it('recognises help', () => {
    expect(parseIntent('help', today)).toEqual({ kind: 'help' });
  });
});

describe('resolveDue', () => {
  it('resolves relative days against the given date', () => {
    expect(resolveDue('today', today)).toBe('2026-11-26');
    expect(resolveDue('tomorrow', today)).toBe('2026-11-27');
    expect(resolveDue('monday', today)).toBe('2026-11-30');
    // the same weekday means next week's, not today
    expect(resolveDue('thursday', today)).toBe('2026-12-03');
  });

  it('rejects impossible calendar dates', () => {
    expect(resolveDue('2026-02-30', today)).toBeUndefined();
    expect(resolveDue('2026-13-01', today)).toBeUndefined();
    expect(resolveDue('2028-02-29', today)).toBe('2028-02-29');
  });
});

describe('parseRef', () => {
  it('strips filler words and quotes', () => {
    expect(parseRef('the "milk" one')).toEqual({ text: 'milk' });
    expect(parseRef("'buy milk'")).toEqual({ text: 'buy milk' });
    expect(parseRef('number 9')).toEqual({ id: 9 });
  });
});
