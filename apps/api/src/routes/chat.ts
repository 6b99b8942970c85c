import type { Middleware } from 'koa';
import Router from '@koa/router';
import type { Logger } from 'pino';
import { chatBody, id, pageQuery } from '../services/schemas.js';
import type { ChatService } from '../services/chat.js';
import type { ChatEvent } from '../ai/types.js';
import { currentUser, type AppState } from './context.js';

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export function chatRoutes(chat: ChatService, requireUser: Middleware<AppState>, log: Logger) {
  const router = new Router<AppState>({ prefix: '/api' });

  router.post('/chat', requireUser, async (ctx) => {
    const body = chatBody.parse(ctx.request.body);
    const user = currentUser(ctx);
    const turn = await chat.begin(user.id, body.message, body.conversation_id);

    // From here on the response is an event stream: failures become `error` events, not statuses.
    ctx.status = 200;
    ctx.respond = false;
    const res = ctx.res;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const abort = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) abort.abort(new Error('client disconnected'));
    };
    res.on('close', onClose);
    const write = (event: string, data: unknown) => {
      if (!res.writableEnded && !res.destroyed) res.write(sse(event, data));
    };
    write('conversation', { conversation_id: turn.conversation.id, title: turn.conversation.title });
    try {
      const result = await turn.run((e: ChatEvent) => {
        const { type, ...data } = e;
        write(type, data);
      }, abort.signal);
      write('done', result);
    } catch (err) {
      if (!abort.signal.aborted) {
        log.error({ err }, 'chat turn failed');
        write('error', { code: 'internal_error', message: 'The assistant failed unexpectedly. Please try again.' });
        write('done', {
          conversation_id: turn.conversation.id,
          message_id: null,
          text: '',
          rounds: 0,
          error: { code: 'internal_error' },
        });
      }
    } finally {
      res.off('close', onClose);
      res.end();
    }
  });

  router.get('/conversations', requireUser, async (ctx) => {
    const q = pageQuery.parse(ctx.query);
    ctx.body = { items: await chat.listConversations(currentUser(ctx).id, q.limit, q.offset), limit: q.limit, offset: q.offset };
  });
  router.get('/conversations/:id', requireUser, async (ctx) => {
    ctx.body = await chat.getConversation(currentUser(ctx).id, id.parse(ctx.params.id));
  });
  router.delete('/conversations/:id', requireUser, async (ctx) => {
    await chat.deleteConversation(currentUser(ctx).id, id.parse(ctx.params.id));
    ctx.status = 204;
  });
  return router;
}
