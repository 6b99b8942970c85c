import { describe, expect, it } from 'vitest';
import { objectNameOf, providerOf } from './ai.js';

const ai = { model: 'gpt-4o-mini', apiKeyEnv: 'TODOCTL_AI_API_KEY' };

describe('todoctl ai provider settings', () => {
  it('takes TODOCTL_AI_* first, then OPENAI_*, then todoctl.yaml', () => {
    expect(
      providerOf({ TODOCTL_AI_BASE_URL: 'http://a/v1', TODOCTL_AI_API_KEY: 'k1', OPENAI_API_KEY: 'k2' }, ai, undefined),
    ).toEqual({
      baseURL: 'http://a/v1',
      apiKey: 'k1',
      model: 'gpt-4o-mini',
    });
    expect(providerOf({ OPENAI_BASE_URL: 'http://b/v1', OPENAI_API_KEY: 'k2', TODOCTL_AI_MODEL: 'm' }, ai, undefined)).toEqual({
      baseURL: 'http://b/v1',
      apiKey: 'k2',
      model: 'm',
    });
    // the ai block names the variable holding the key, and the endpoint
    expect(providerOf({ MY_KEY: 'k3' }, { ...ai, apiKeyEnv: 'MY_KEY', baseUrl: 'http://c/v1' }, 'flag-model')).toEqual({
      baseURL: 'http://c/v1',
      apiKey: 'k3',
      model: 'flag-model',
    });
  });

  it('is none without an endpoint and a key, and takes any key for a local endpoint', () => {
    expect(providerOf({}, ai, undefined)).toBeNull();
    expect(providerOf({ TODOCTL_AI_BASE_URL: 'http://localhost:11434/v1' }, ai, undefined)?.apiKey).toBe('unused');
  });
});

describe('the name a person types to confirm a destructive change', () => {
  it('is the object as the command names it', () => {
    expect(objectNameOf(['delete', 'deployment', 'backend', '-n', 'todo-dev'])).toBe('backend');
    expect(objectNameOf(['-n', 'todo-dev', 'delete', 'pod/backend-1'])).toBe('pod/backend-1');
    expect(objectNameOf(['scale', 'deployment/backend', '--replicas=0'])).toBe('deployment/backend');
    expect(objectNameOf(['drain', 'node-1', '--ignore-daemonsets'])).toBe('node-1');
  });
});
