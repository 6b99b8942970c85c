'use client';

import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { visibleTodos, type TodoStore, type TodoView } from '@/lib/todos';

function TodoItem({ todo, store }: { todo: TodoView; store: TodoStore }) {
  const [mode, setMode] = useState<'view' | 'edit' | 'confirm'>('view');
  const [draft, setDraft] = useState(todo.title);
  const editRef = useRef<HTMLInputElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const temporary = todo.id < 0;
  const checkboxId = `todo-${todo.id}`;

  useEffect(() => {
    if (mode === 'edit') editRef.current?.select();
    if (mode === 'confirm') cancelRef.current?.focus();
  }, [mode]);

  const backToView = () => {
    setMode('view');
    requestAnimationFrame(() => editButton.current?.focus());
  };

  if (mode === 'edit') {
    return (
      <li className="todo editing">
        <form
          className="todo-edit"
          onSubmit={(e) => {
            e.preventDefault();
            if (draft.trim() && draft.trim() !== todo.title) void store.rename(todo.id, draft);
            backToView();
          }}
        >
          <label htmlFor={`${checkboxId}-edit`} className="sr-only">
            Title of the task
          </label>
          <input
            id={`${checkboxId}-edit`}
            ref={editRef}
            value={draft}
            maxLength={200}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                setDraft(todo.title);
                backToView();
              }
            }}
          />
          <button type="submit" className="btn small primary">
            Save
          </button>
          <button
            type="button"
            className="btn small"
            onClick={() => {
              setDraft(todo.title);
              backToView();
            }}
          >
            Cancel
          </button>
        </form>
      </li>
    );
  }

  return (
    <li
      className={`todo${todo.done ? ' done' : ''}${todo.pending ? ' pending' : ''}`}
      data-todo-id={todo.id}
      aria-busy={todo.pending}
    >
      <input
        id={checkboxId}
        type="checkbox"
        checked={todo.done}
        disabled={temporary}
        onChange={() => void store.toggle(todo.id)}
      />
      <label htmlFor={checkboxId} className="todo-title">
        {todo.title}
        {todo.due_date && <span className="todo-due"> · due {todo.due_date}</span>}
      </label>
      {mode === 'confirm' ? (
        <span className="todo-confirm" role="group" aria-label={`Delete “${todo.title}”?`}>
          <span className="small">Delete?</span>
          <button type="button" className="btn small danger" onClick={() => void store.remove(todo.id)}>
            Delete
          </button>
          <button ref={cancelRef} type="button" className="btn small" onClick={backToView}>
            Cancel
          </button>
        </span>
      ) : (
        <span className="todo-actions">
          <button
            ref={editButton}
            type="button"
            className="btn small ghost"
            disabled={temporary}
            aria-label={`Edit “${todo.title}”`}
            onClick={() => {
              setDraft(todo.title);
              setMode('edit');
            }}
          >
            Edit
          </button>
          <button
            type="button"
            className="btn small ghost"
            disabled={temporary}
            aria-label={`Delete “${todo.title}”`}
            onClick={() => setMode('confirm')}
          >
            Delete
          </button>
        </span>
      )}
    </li>
  );
}

export function TodoPanel({ store, onClose }: { store: TodoStore; onClose?: () => void }) {
  const state = useSyncExternalStore(store.subscribe, store.getState, store.getState);
  const todos = visibleTodos(state);
  const [title, setTitle] = useState('');
  const open = todos.filter((t) => !t.done).length;

  return (
    <>
      <div className="panel-head">
        <h2 className="panel-title" id="tasks-title">
          Tasks{' '}
          <span className="count">
            {open} open · {todos.length - open} done
          </span>
        </h2>
        {onClose && (
          <button type="button" className="btn small ghost drawer-close" onClick={onClose} aria-label="Close tasks">
            ✕
          </button>
        )}
      </div>
      <form
        className="todo-add"
        onSubmit={(e) => {
          e.preventDefault();
          if (!title.trim()) return;
          void store.add(title);
          setTitle('');
        }}
      >
        <label htmlFor="todo-add-input" className="sr-only">
          New task
        </label>
        <input
          id="todo-add-input"
          value={title}
          maxLength={200}
          onChange={(e) => setTitle(e.target.value)}
          placeholder="Add a task"
        />
        <button type="submit" className="btn primary small" disabled={!title.trim()}>
          Add
        </button>
      </form>
      {state.error && (
        <div className="banner error" role="alert">
          <span>{state.error.message}</span>
          <span className="row">
            <button type="button" className="btn small" onClick={() => void store.retry()}>
              Retry
            </button>
            <button type="button" className="btn small ghost" onClick={() => store.dispatch({ type: 'dismissError' })}>
              Dismiss
            </button>
          </span>
        </div>
      )}
      {todos.length === 0 ? (
        <p className="muted small empty-tasks">No tasks yet. Add one here or ask the assistant.</p>
      ) : (
        <ul className="todo-list" aria-labelledby="tasks-title">
          {todos.map((t) => (
            <TodoItem key={t.id} todo={t} store={store} />
          ))}
        </ul>
      )}
    </>
  );
}
