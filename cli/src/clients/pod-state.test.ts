import { describe, expect, it } from 'vitest';
import { podState } from './pod-state.js';

describe('podState', () => {
  it('reads a crash-looping pod the way kubectl shows it', () => {
    const state = podState({
      metadata: { name: 'api-1', namespace: 'todo-dev' },
      spec: { nodeName: 'n0', containers: [{ name: 'api' }] },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [
          {
            name: 'api',
            ready: false,
            restartCount: 5,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error' } },
          },
        ],
      },
    });
    expect(state).toMatchObject({
      status: 'CrashLoopBackOff',
      ready: false,
      readyContainers: '0/1',
      restarts: 5,
      lastExitCode: 1,
    });
  });

  it('reads a ready pod', () => {
    const state = podState({
      metadata: { name: 'api-2' },
      spec: { containers: [{ name: 'api' }, { name: 'sidecar' }] },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          { name: 'api', ready: true, restartCount: 0, state: { running: {} } },
          { name: 'sidecar', ready: true, restartCount: 1, state: { running: {} } },
        ],
      },
    });
    expect(state).toMatchObject({ status: 'Running', ready: true, readyContainers: '2/2', restarts: 1, lastExitCode: undefined });
  });

  it('shows Terminating for a pod being deleted and Pending for an unscheduled one', () => {
    expect(podState({ metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Running' } }).status).toBe(
      'Terminating',
    );
    expect(podState({ status: { phase: 'Pending' } })).toMatchObject({ status: 'Pending', ready: false, readyContainers: '0/0' });
  });
});
