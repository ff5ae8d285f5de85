/* bench-overhead.js: what gammaray-markers.js adds to one SDK v3 call (microseconds per call, best of 5). */
'use strict';

/*
 * call-bare    SQS SendMessage through the SDK with a canned HTTP response, no middleware
 * call-hooked  the same with the gammaray middleware (the marker written through a
 *              runtime-style console.log to a discarding sink); the difference is the overhead
 * middleware   the middleware alone (marker built and written) around a next() that answers at once
 * entry        the entry marker of an SQS batch of 10 records, written
 * usage: node bench-overhead.js --sdk DIR
 */

const crypto = require('crypto');
const path = require('path');
const util = require('util');
const { Readable } = require('stream');

const i = process.argv.indexOf('--sdk');
if (i < 0) {
  console.error('usage: node bench-overhead.js --sdk DIR');
  process.exit(2);
}
const gm = require('../gammaray-markers.js');
const SQS = require(path.resolve(process.argv[i + 1], 'node_modules', '@aws-sdk', 'client-sqs'));

const md5 = crypto.createHash('md5').update('x').digest('hex');
const body = Buffer.from(JSON.stringify({ MessageId: '059f36b4-87a3-44ab-83d2-661975830a7d', MD5OfMessageBody: md5 }));
const requestHandler = {
  metadata: { handlerProtocol: 'http/1.1' },
  handle: async () => ({ response: { statusCode: 200, headers: { 'x-amzn-requestid': 'r' }, body: Readable.from([body]) } }),
  updateHttpClientConfig() {}, httpHandlerConfigs() { return {}; }, destroy() {},
};
const make = (hooked) => {
  const c = new SQS.SQSClient({ region: 'us-east-1', maxAttempts: 1, requestHandler,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  if (!hooked) c.middlewareStack[Symbol.for('gammaray.markers.stack')] = true; // as if already added
  return c;
};

// the runtime's console.log in the text format, to a sink that drops the bytes
let sunk = 0;
const real = console.log;
console.log = (msg, ...params) => {
  const line = `${new Date().toISOString()}\taaaaaaaa-0000-4000-8000-000000000001\tINFO\t${util.format(msg, ...params)}`;
  sunk += line.replace(/\n/g, '\r').length + 1;
};

async function time(fn, n) {
  const t = process.hrtime.bigint();
  for (let k = 0; k < n; k++) await fn();
  return Number(process.hrtime.bigint() - t) / n / 1000;
}

(async () => {
  const bare = make(false), hooked = make(true);
  const cmd = () => new SQS.SendMessageCommand({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/q', MessageBody: 'x' });
  for (let k = 0; k < 500; k++) { await bare.send(cmd()); await hooked.send(cmd()); } // warm up
  const tb = [], th = [];
  for (let r = 0; r < 5; r++) {
    tb.push(await time(() => bare.send(cmd()), 2000));
    th.push(await time(() => hooked.send(cmd()), 2000));
  }
  // the middleware alone around a next() that answers at once
  let mw;
  gm.instrument({ middlewareStack: { add: (fn) => { mw = fn; } } });
  const output = { MessageId: '059f36b4-87a3-44ab-83d2-661975830a7d', $metadata: { requestId: 'r' } };
  const next = async () => ({ output });
  const handler = mw(next, { commandName: 'SendMessageCommand', clientName: 'SQSClient' });
  const args = { input: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/q', MessageBody: 'x' } };
  const tn = [], tm = [];
  for (let r = 0; r < 5; r++) {
    tn.push(await time(() => next(args), 50000));
    tm.push(await time(() => handler(args), 50000));
  }
  const w = gm.wrap(async () => null);
  const batch = { Records: Array.from({ length: 10 }, (_, k) => ({ messageId: `059f36b4-87a3-44ab-83d2-${String(k).padStart(12, '0')}`,
    body: 'hello', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q' })) };
  const ctx = { awsRequestId: 'bbbbbbbb-0000-4000-8000-000000000001', functionName: 'consumer' };
  const te = [];
  for (let r = 0; r < 5; r++) te.push(await time(() => w(batch, ctx), 20000));
  console.log = real;
  const res = { 'call-bare': Math.min(...tb), 'call-hooked': Math.min(...th),
    middleware: Math.min(...tm) - Math.min(...tn), entry: Math.min(...te) };
  for (const [k, v] of Object.entries(res)) console.log(`${k.padEnd(12)} ${v.toFixed(2).padStart(8)} us`);
  console.log(`${'overhead'.padEnd(12)} ${(res['call-hooked'] - res['call-bare']).toFixed(2).padStart(8)} us`);
  if (!sunk) process.exitCode = 1;
})();
