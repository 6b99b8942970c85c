import { NotFoundError } from '../domain/errors.js';
import type { TodoFilter, TodoInput, TodoPatch, TodosRepository, Todo } from '../repositories/todos.js';

export class TodosService {
  constructor(private readonly repo: TodosRepository) {}

  list(userId: number, filter: TodoFilter) {
    return this.repo.list(userId, filter);
  }

  async get(userId: number, id: number): Promise<Todo> {
    return (await this.repo.get(userId, id)) ?? Promise.reject(new NotFoundError('todo'));
  }

  create(userId: number, input: TodoInput): Promise<Todo> {
    return this.repo.create(userId, input);
  }

  async update(userId: number, id: number, patch: TodoPatch): Promise<Todo> {
    return (await this.repo.update(userId, id, patch)) ?? Promise.reject(new NotFoundError('todo'));
  }

  async delete(userId: number, id: number): Promise<Todo> {
    return (await this.repo.delete(userId, id)) ?? Promise.reject(new NotFoundError('todo'));
  }
}
