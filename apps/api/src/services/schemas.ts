import { z } from 'zod';

/** A calendar date `YYYY-MM-DD` that actually exists. */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'must be a real calendar date');

export const title = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
export const notes = z.string().max(5000, 'must be at most 5000 characters');
export const priority = z.enum(['low', 'medium', 'high']);
export const id = z.coerce.number().int().positive().max(2_147_483_647);

export const createTodoBody = z.strictObject({
  title,
  notes: notes.optional(),
  due_date: isoDate.nullable().optional(),
  priority: priority.optional(),
});

export const updateTodoBody = z
  .strictObject({
    title: title.optional(),
    notes: notes.optional(),
    due_date: isoDate.nullable().optional(),
    priority: priority.optional(),
    done: z.boolean().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'must change at least one field');

export const listTodosQuery = z.strictObject({
  status: z.enum(['open', 'done', 'all']).default('all'),
  q: z.string().max(200).optional(),
  due_before: isoDate.optional(),
  due_after: isoDate.optional(),
  due_on: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const credentials = z.strictObject({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email('must be a valid email address')),
  password: z.string().min(8, 'must be at least 8 characters').max(200),
});

export const chatBody = z.strictObject({
  message: z.string().trim().min(1, 'must not be empty').max(4000),
  conversation_id: id.optional(),
});

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
