/**
 * A streamed upload refused at the size limit: the server answers 413 and then reads the rest of
 * the body before it closes (lingering close), so a client still sending neither loses the answer
 * nor meets a reset. Without it, the client's next bytes met a reset and, now and then, the 413
 * with them (the fuzz test saw EPIPE in place of an answer on a busy machine).
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, TEST_APP_SECRET, type RunningServer } from '../setup/built-server.ts';
import { freshDatabaseFile } from '../setup/test-database.ts';

const database = freshDatabaseFile();
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ DATABASE_URL: database.url, APP_SECRET: TEST_APP_SECRET, BACKGROUND_JOBS: 'false' });
});
afterAll(() => server.stop());

/** Writes one chunk of a chunked body; resolves once written, rejects on a reset or broken pipe. */
function writeChunk(socket: Socket, bytes: number): Promise<void> {
  const data = Buffer.alloc(bytes, 'a');
  return new Promise((resolve, reject) => {
    socket.write(`${bytes.toString(16)}\r\n`);
    socket.write(data);
    socket.write('\r\n', (error) => (error ? reject(error) : resolve()));
  });
}

describe('a streamed upload over the limit', () => {
  it('gets its 413, and the server reads what the client still sends before closing', async () => {
    const { port } = new URL(server.url);
    // Like a browser or curl, the client may go on sending after the server has said its last word.
    const socket = connect({ port: Number(port), host: '127.0.0.1', allowHalfOpen: true });
    let received = '';
    let failure: Error | undefined;
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', (error) => (failure = error));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      `POST /_actions/comments.like HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        `Origin: ${server.url}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
        'Transfer-Encoding: chunked\r\n\r\n',
    );
    // Past the 1 MB limit: the server refuses and answers.
    for (let n = 0; n < 5; n++) await writeChunk(socket, 256 * 1024);
    await expect.poll(() => received, { timeout: 15_000 }).toMatch(/^HTTP\/1\.1 413 /);
    // A client that has not read its answer yet goes on sending: every byte is taken, no reset.
    for (let n = 0; n < 8; n++) await writeChunk(socket, 128 * 1024);
    socket.end('0\r\n\r\n');
    await closed;
    expect(failure).toBeUndefined();
    expect(received).toMatch(/connection: close/i);
  });
});
