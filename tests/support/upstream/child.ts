// The test upstream in a process of its own (benchmarks: the server must not share the desk's event loop).
// Talks over the fork IPC channel: { type: 'ready', url, token } when listening; answers 'stats' and 'reset';
// exits on 'stop'.
import { startUpstream } from './server';

const up = await startUpstream({ token: process.argv[2] || undefined });
const send = (message: object) => process.send?.(message);
send({ type: 'ready', url: up.url, token: up.token });
process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') send({ type: 'stats', stored: up.stored().length, ...up.counts(), requests: up.requests().length });
  else if (message.type === 'reset') {
    up.reset();
    send({ type: 'reset' });
  } else if (message.type === 'stop') void up.stop().then(() => process.exit(0));
});
process.on('disconnect', () => void up.stop().then(() => process.exit(0)));
