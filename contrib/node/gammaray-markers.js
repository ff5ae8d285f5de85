/* gammaray-markers.js: GAMMARAY v1 markers (gammaray-markers(7)) for AWS Lambda Node.js functions and the AWS SDK v3. */
'use strict';

/*
 * One file, no dependencies beyond the SDK the function already has.
 *
 * - The entry marker: wrap the handler (`exports.handler = gammaray.wrap(handler)`), or set
 *   the function's handler to `gammaray-markers.handler` and GAMMARAY_HANDLER=app.handler
 *   (no code change).  Every invocation logs GAMMARAY {"v":1,"ev":"entry",...} naming what
 *   triggered it.
 * - The call markers: loading this file patches `send` of the SDK v3 client class (the
 *   copies already loaded and those loaded later), which adds one middleware to each
 *   client's stack; every trigger-capable call (S3 writes, DynamoDB writes, SNS, SQS,
 *   Kinesis, Lambda Invoke, EventBridge, Step Functions) then logs
 *   GAMMARAY {"v":1,"ev":"call",...} with the ids the service returned.  A synchronous
 *   Invoke carries the caller's request id to the callee in the ClientContext
 *   (custom.gammaray_caller).  `instrument(clientOrClass)` does it by hand.
 *
 * Markers are written with console.log, which the Lambda runtime turns into
 * `<time>\t<request id>\tINFO\tGAMMARAY {...}` in the text log format and a record whose
 * "message" holds `GAMMARAY {...}` in the JSON format.  Nothing here changes what the
 * function does or returns: failures inside are caught, dropped, and reported once.
 *
 * Environment: GAMMARAY_HANDLER, GAMMARAY_SDK=0 (no SDK patching), GAMMARAY_LEVEL
 * (INFO: console.log, WARN: console.warn), GAMMARAY_DYNAMODB_KEYS ("orders=pk,sk;users=id"),
 * GAMMARAY_PROPAGATE_PAYLOAD=1 (the caller id also in the JSON payload of Event invokes).
 */

const Module = require('module');
const path = require('path');
const { AsyncLocalStorage } = require('async_hooks');

const VERSION = '0.1.0';
const CALLER_KEY = 'gammaray_caller'; // ClientContext custom key and payload key
const PATCHED = Symbol.for('gammaray.markers.patched'); // on patched send functions
const ON_STACK = Symbol.for('gammaray.markers.stack'); // on middleware stacks we joined
const WRAPPED = Symbol.for('gammaray.markers.wrapped'); // on wrapped handlers
const RUNTIME_REQ = Symbol.for('aws.lambda.runtime.requestId'); // the Node runtime's

const als = new AsyncLocalStorage();
const state = { req: null, warned: false };
const tables = new Map(); // DynamoDB table -> sorted key attribute names
const unknownTables = new Set();
// settings read from the environment at load; tests may change them
const options = { propagatePayload: process.env.GAMMARAY_PROPAGATE_PAYLOAD === '1' };
const useWarn = /^WARN/i.test(process.env.GAMMARAY_LEVEL || '');

function drop(what, err) {
  if (state.warned) return;
  state.warned = true;
  try {
    console.warn(`gammaray-markers: ${what} dropped (${err && err.name}: ${err && err.message}); later failures are silent`);
  } catch (_) { /* console itself broken */ }
}

function emit(marker) {
  const line = 'GAMMARAY ' + JSON.stringify(marker);
  if (useWarn) console.warn(line);
  else console.log(line);
}

function currentRequestId() {
  const s = als.getStore();
  return (s && s.req) || state.req || global[RUNTIME_REQ] || null;
}

function put(o, k, v) {
  if (v !== undefined && v !== null && v !== '') o[k] = v;
}

/* ------------------------------------------------------------------ entry side */

function arnTail(arn, sep) {
  if (typeof arn !== 'string' || !arn.startsWith('arn:')) return arn;
  const i = arn.indexOf(sep);
  return i < 0 ? arn : arn.slice(i + sep.length).split('/')[0];
}

function toBase64(v) {
  return Buffer.from(v.buffer ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v).toString('base64');
}

/* A key attribute value, typed ({"N":"101"}) or plain (101, "x", bytes), as text. */
function plainValue(v) {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof Uint8Array) return toBase64(v);
  if (v && typeof v === 'object') {
    const ks = Object.keys(v);
    if (ks.length === 1) {
      const t = ks[0], x = v[t];
      if (t === 'S' || t === 'N') return typeof x === 'string' ? x : String(x);
      if (t === 'B') return x instanceof Uint8Array ? toBase64(x) : typeof x === 'string' ? x : undefined;
    }
    if (typeof v.value === 'string' && v.constructor && v.constructor.name === 'NumberValue') return v.value;
  }
  return undefined;
}

function plainKeys(keys) {
  const out = {};
  if (keys && typeof keys === 'object') {
    for (const k of Object.keys(keys)) {
      const p = plainValue(keys[k]);
      if (p !== undefined) out[k] = p;
    }
  }
  return out;
}

function s3Record(r) {
  const s3 = r.s3 || {}, obj = s3.object || {};
  const src = { svc: 's3', bucket: (s3.bucket || {}).name, key: obj.key };
  put(src, 'etag', obj.eTag);
  put(src, 'version', obj.versionId);
  put(src, 'sequencer', obj.sequencer);
  put(src, 'event', r.eventName);
  return src;
}

function eventsSrc(ev) {
  const dt = ev['detail-type'];
  if (dt === 'Scheduled Event' && (ev.source === 'aws.events' || ev.source === 'aws.scheduler')) {
    const src = { svc: 'schedule' };
    put(src, 'id', ev.id);
    return [src];
  }
  if (ev.source === 'aws.s3' && (dt === 'Object Created' || dt === 'Object Deleted')) {
    const d = ev.detail || {}, obj = d.object || {};
    const src = { svc: 's3', bucket: (d.bucket || {}).name, key: obj.key };
    put(src, 'etag', obj.etag);
    put(src, 'version', obj['version-id']);
    put(src, 'sequencer', obj.sequencer);
    src.event = dt === 'Object Created' ? 'ObjectCreated' : 'ObjectRemoved';
    return [src];
  }
  return [{ svc: 'events', id: ev.id }];
}

/* The producer behind a message body: an SNS notification, an S3 or EventBridge event. */
function envelope(text) {
  if (typeof text !== 'string' || text[0] !== '{') return null;
  const head = text.slice(0, 600);
  if (!head.includes('"TopicArn"') && !head.includes('"aws:s3"') && !head.includes('"detail-type"')) return null;
  let doc;
  try { doc = JSON.parse(text); } catch (_) { return null; }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return null;
  if (doc.Type === 'Notification' && doc.MessageId && doc.TopicArn) {
    return envelope(doc.Message) || [{ svc: 'sns', topic: doc.TopicArn, msg: doc.MessageId }];
  }
  if (Array.isArray(doc.Records) && doc.Records.length &&
      doc.Records.every((r) => r && r.eventSource === 'aws:s3')) return doc.Records.map(s3Record);
  if (doc['detail-type'] !== undefined && doc.id && doc.source) return eventsSrc(doc);
  return null;
}

const RECORDS = {
  'aws:s3': (r) => [s3Record(r)],
  'aws:sqs': (r) => envelope(r.body) || [{ svc: 'sqs', queue: r.eventSourceARN, msg: r.messageId }],
  'aws:sns': (r) => {
    const s = r.Sns || {};
    return envelope(s.Message) || [{ svc: 'sns', topic: s.TopicArn, msg: s.MessageId }];
  },
  'aws:dynamodb': (r) => {
    const d = r.dynamodb || {};
    const src = { svc: 'dynamodb', table: arnTail(r.eventSourceARN, 'table/'), keys: plainKeys(d.Keys) };
    put(src, 'seq', d.SequenceNumber);
    put(src, 'event', r.eventName);
    return [src];
  },
  'aws:kinesis': (r) => [{ svc: 'kinesis', stream: arnTail(r.eventSourceARN, 'stream/'),
    seq: (r.kinesis || {}).sequenceNumber }],
};
const BATCHES = new Set(['aws:sqs', 'aws:dynamodb', 'aws:kinesis']);

function isExecution(v) {
  return typeof v === 'string' && v.startsWith('arn:') && v.includes(':states:') &&
    (v.includes(':execution:') || v.includes(':express:'));
}

/* A Step Functions execution id passed in the payload ($$.Execution.Id). */
function execution(ev, depth) {
  const keys = Object.keys(ev);
  if (keys.length > 64) return null;
  for (const k of keys) {
    const v = ev[k];
    if (typeof v === 'string') {
      if (k.includes('xecution') && isExecution(v)) return v;
    } else if (v && typeof v === 'object' && !Array.isArray(v)) {
      if ((k === 'Execution' || k === 'execution') && isExecution(v.Id || v.id)) return v.Id || v.id;
      if (!depth) {
        const f = execution(v, 1);
        if (f) return f;
      }
    }
  }
  return null;
}

function clientContextCaller(context) {
  const cc = context && context.clientContext;
  const custom = cc && (cc.custom || cc.Custom);
  const v = custom && custom[CALLER_KEY];
  return typeof v === 'string' && v ? v : null;
}

/* The "src" of the entry marker for this event: one object, or an array for batches. */
function entrySource(event, context) {
  const caller = clientContextCaller(context);
  if (caller) return { svc: 'lambda', caller };
  if (!event || typeof event !== 'object' || Array.isArray(event)) return { svc: 'lambda' };
  const pc = event[CALLER_KEY] || event.gammarayCaller; // as gammaray-markers(7) shows
  if (typeof pc === 'string' && pc) return { svc: 'lambda', caller: pc };
  const recs = event.Records;
  if (Array.isArray(recs) && recs.length && recs[0] && typeof recs[0] === 'object') {
    const es = recs[0].eventSource || recs[0].EventSource;
    const conv = RECORDS[es];
    if (conv) {
      const out = [];
      for (const r of recs) out.push(...conv(r));
      return BATCHES.has(es) || out.length !== 1 ? out : out[0];
    }
    if (typeof es === 'string') return { svc: es.startsWith('aws:') ? es.slice(4) : es };
  }
  if ('detail-type' in event && 'source' in event && 'id' in event) return eventsSrc(event)[0];
  const rc = event.requestContext;
  if (rc && typeof rc === 'object') {
    if (rc.elb) {
      const h = event.headers || event.multiValueHeaders || {};
      const t = h['x-amzn-trace-id'];
      return { svc: 'apigw', request: Array.isArray(t) ? t[0] : t, via: 'alb' };
    }
    if (rc.requestId) return { svc: 'apigw', request: rc.requestId };
  }
  const ex = execution(event, 0);
  if (ex) return { svc: 'sfn', execution: ex };
  if (typeof event.eventSource === 'string' && event.eventSource) {
    const es = event.eventSource;
    return { svc: es.startsWith('aws:') ? es.slice(4) : es };
  }
  if ('awslogs' in event) return { svc: 'logs' };
  if ('deliveryStreamArn' in event) return { svc: 'firehose' };
  if ('triggerSource' in event && 'userPoolId' in event) return { svc: 'cognito' };
  if ('RequestType' in event && 'ResponseURL' in event) return { svc: 'cloudformation' };
  return { svc: 'lambda' }; // sent by a caller of Invoke that did not say who it was
}

function begin(event, context) {
  try {
    const req = (context && context.awsRequestId) || null;
    state.req = req;
    const marker = { v: 1, ev: 'entry' };
    put(marker, 'fn', (context && context.functionName) || process.env.AWS_LAMBDA_FUNCTION_NAME);
    marker.src = entrySource(event, context);
    emit(marker);
    return req;
  } catch (e) {
    drop('entry marker', e);
    return null;
  }
}

/* Wrap a handler: log the entry marker, then run it unchanged (same arity, same
 * properties, such as the response-streaming flag, same result or callback). */
function wrap(handler) {
  if (typeof handler !== 'function') throw new TypeError('gammaray-markers: wrap needs a function');
  if (handler[WRAPPED]) return handler;
  const run = function (self, args) {
    const req = begin(args[0], args[1]);
    return als.run({ req }, () => handler.apply(self, args));
  };
  const wrapped = handler.length >= 3
    ? function (event, context, callback) { return run(this, arguments); } // eslint-disable-line no-unused-vars
    : function (event, context) { return run(this, arguments); }; // eslint-disable-line no-unused-vars
  for (const k of Reflect.ownKeys(handler)) {
    if (k === 'length' || k === 'name' || k === 'prototype' || k === 'arguments' || k === 'caller') continue;
    try { Object.defineProperty(wrapped, k, Object.getOwnPropertyDescriptor(handler, k)); } catch (_) { /* sealed */ }
  }
  Object.defineProperty(wrapped, 'name', { value: handler.name });
  wrapped[WRAPPED] = true;
  return wrapped;
}

/* ------------------------------------------------------------------ call side */

function fnName(name) {
  if (typeof name !== 'string') return name;
  const parts = name.split(':');
  const i = parts.indexOf('function');
  if (i >= 0) return i + 1 < parts.length ? parts[i + 1] : name;
  return parts[0];
}

function tableName(t) {
  return arnTail(t, 'table/');
}

function learn(table, key) {
  const t = tableName(table);
  if (key && typeof key === 'object' && !tables.has(t)) {
    const names = Object.keys(key).sort();
    if (names.length) tables.set(t, names);
  }
}

function itemKeys(table, item) {
  const t = tableName(table);
  const names = tables.get(t);
  if (names && item && names.every((n) => n in item)) {
    const out = {};
    for (const n of names) out[n] = plainValue(item[n]);
    return out;
  }
  if (!unknownTables.has(t)) {
    unknownTables.add(t);
    console.warn(`gammaray-markers: key attributes of DynamoDB table ${t} unknown: set GAMMARAY_DYNAMODB_KEYS=${t}=<key>[,<sort key>]`);
  }
  return plainKeys(item);
}

const strip = (e) => (typeof e === 'string' ? e.replace(/^"|"$/g, '') : e);

function s3Put(i, o) {
  const m = { bucket: i.Bucket, key: i.Key };
  put(m, 'etag', strip(o.ETag));
  put(m, 'version', o.VersionId);
  return m;
}

function s3Copy(i, o) {
  const m = { bucket: i.Bucket, key: i.Key };
  put(m, 'etag', strip((o.CopyObjectResult || {}).ETag));
  put(m, 'version', o.VersionId);
  return m;
}

function s3Delete(i, o) {
  const m = { bucket: i.Bucket, key: i.Key };
  put(m, 'version', o.VersionId);
  return m;
}

function s3DeleteMany(i, o) {
  return (o.Deleted || []).map((d) => {
    const m = { op: 'DeleteObject', bucket: i.Bucket, key: d.Key };
    put(m, 'version', d.DeleteMarkerVersionId || d.VersionId);
    return m;
  });
}

const ddbPut = (i) => ({ table: i.TableName, keys: itemKeys(i.TableName, i.Item) });
const ddbKey = (i) => ({ table: i.TableName, keys: plainKeys(i.Key) });

function sameRequest(a, b) {
  try { return JSON.stringify(a, bytesAsBase64) === JSON.stringify(b, bytesAsBase64); } catch (_) { return false; }
}

function bytesAsBase64(k, v) {
  return v instanceof Uint8Array ? toBase64(v) : v;
}

function ddbBatch(i, o) {
  const unprocessed = o.UnprocessedItems || {};
  const items = [];
  for (const table of Object.keys(i.RequestItems || {})) {
    const left = unprocessed[table] || [];
    for (const q of i.RequestItems[table]) {
      if (left.some((x) => sameRequest(x, q))) continue;
      if (q.PutRequest) items.push({ table, keys: itemKeys(table, q.PutRequest.Item), op: 'Put' });
      else if (q.DeleteRequest) items.push({ table, keys: plainKeys(q.DeleteRequest.Key), op: 'Delete' });
    }
  }
  return items.length ? { items } : null;
}

function ddbTransact(i) {
  const items = [];
  for (const q of i.TransactItems || []) {
    if (q.Put) items.push({ table: q.Put.TableName, keys: itemKeys(q.Put.TableName, q.Put.Item), op: 'Put' });
    else if (q.Update) items.push({ table: q.Update.TableName, keys: plainKeys(q.Update.Key), op: 'Update' });
    else if (q.Delete) items.push({ table: q.Delete.TableName, keys: plainKeys(q.Delete.Key), op: 'Delete' });
  }
  return items.length ? { items } : null;
}

function snsPublish(i, o) {
  const topic = i.TopicArn || i.TargetArn;
  return topic ? { topic, msg: o.MessageId } : null; // an SMS triggers nothing
}

const snsBatch = (i, o) => ({ topic: i.TopicArn, msgs: (o.Successful || []).map((s) => s.MessageId) });
const sqsSend = (i, o) => ({ queue: i.QueueUrl, msg: o.MessageId });
const sqsBatch = (i, o) => ({ queue: i.QueueUrl, msgs: (o.Successful || []).map((s) => s.MessageId) });
const stream = (i) => i.StreamName || arnTail(i.StreamARN, 'stream/');
const kinPut = (i, o) => ({ stream: stream(i), seq: o.SequenceNumber });
const kinBatch = (i, o) => ({ stream: stream(i),
  seqs: (o.Records || []).filter((r) => r.SequenceNumber).map((r) => r.SequenceNumber) });

function invoke(i, o) {
  const mode = i.InvocationType || 'RequestResponse';
  if (mode === 'DryRun') return null;
  const m = { fn: fnName(i.FunctionName), mode };
  put(m, 'callee', (o.$metadata || {}).requestId);
  return m;
}

function invokeAsync(i, o) {
  const m = { fn: fnName(i.FunctionName), mode: 'Event' };
  put(m, 'callee', (o.$metadata || {}).requestId);
  return m;
}

const putEvents = (i, o) => ({ ids: (o.Entries || []).filter((e) => e.EventId).map((e) => e.EventId) });
const startExecution = (i, o) => ({ execution: o.executionArn });

/* commandName -> [contract svc, marker fields from input and output].  Commands of the
 * DynamoDB document client (lib-dynamodb) share the DynamoDB client's stack. */
const CALLS = {
  PutObjectCommand: ['s3', 'PutObject', s3Put],
  CopyObjectCommand: ['s3', 'CopyObject', s3Copy],
  CompleteMultipartUploadCommand: ['s3', 'CompleteMultipartUpload', s3Put],
  DeleteObjectCommand: ['s3', 'DeleteObject', s3Delete],
  DeleteObjectsCommand: ['s3', 'DeleteObjects', s3DeleteMany],
  PutItemCommand: ['dynamodb', 'PutItem', ddbPut],
  PutCommand: ['dynamodb', 'PutItem', ddbPut],
  UpdateItemCommand: ['dynamodb', 'UpdateItem', ddbKey],
  UpdateCommand: ['dynamodb', 'UpdateItem', ddbKey],
  DeleteItemCommand: ['dynamodb', 'DeleteItem', ddbKey],
  DeleteCommand: ['dynamodb', 'DeleteItem', ddbKey],
  BatchWriteItemCommand: ['dynamodb', 'BatchWriteItem', ddbBatch],
  BatchWriteCommand: ['dynamodb', 'BatchWriteItem', ddbBatch],
  TransactWriteItemsCommand: ['dynamodb', 'TransactWriteItems', ddbTransact],
  TransactWriteCommand: ['dynamodb', 'TransactWriteItems', ddbTransact],
  PublishCommand: ['sns', 'Publish', snsPublish],
  PublishBatchCommand: ['sns', 'PublishBatch', snsBatch],
  SendMessageCommand: ['sqs', 'SendMessage', sqsSend],
  SendMessageBatchCommand: ['sqs', 'SendMessageBatch', sqsBatch],
  PutRecordCommand: ['kinesis', 'PutRecord', kinPut],
  PutRecordsCommand: ['kinesis', 'PutRecords', kinBatch],
  InvokeCommand: ['lambda', 'Invoke', invoke],
  InvokeWithResponseStreamCommand: ['lambda', 'InvokeWithResponseStream', invoke],
  InvokeAsyncCommand: ['lambda', 'InvokeAsync', invokeAsync],
  PutEventsCommand: ['events', 'PutEvents', putEvents],
  StartExecutionCommand: ['sfn', 'StartExecution', startExecution],
  StartSyncExecutionCommand: ['sfn', 'StartSyncExecution', startExecution],
};
// which client each command name must come from (several services name a command alike)
const CLIENTS = {
  s3: /^S3Client$/, dynamodb: /^DynamoDB(Document)?Client$/, sns: /^SNSClient$/, sqs: /^SQSClient$/,
  kinesis: /^KinesisClient$/, lambda: /^LambdaClient$/,
  events: /^(EventBridge|CloudWatchEvents)Client$/, sfn: /^SFNClient$/,
};
const LEARN = new Set(['GetItemCommand', 'GetCommand', 'UpdateItemCommand', 'UpdateCommand',
  'DeleteItemCommand', 'DeleteCommand']);

/* A ClientContext (base64 JSON) with custom.gammaray_caller; undefined: leave it alone. */
function withCaller(cc, req) {
  let doc = {};
  if (cc) {
    doc = JSON.parse(Buffer.from(cc, 'base64').toString('utf8'));
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  }
  let custom = doc.custom;
  if (custom === undefined) custom = doc.custom = {};
  if (!custom || typeof custom !== 'object' || CALLER_KEY in custom) return undefined;
  custom[CALLER_KEY] = req;
  const out = Buffer.from(JSON.stringify(doc), 'utf8').toString('base64');
  return out.length <= 3583 ? out : undefined; // Lambda's limit
}

/* The input to send on: the user's, or a copy carrying the caller's request id. */
function propagate(input) {
  const req = currentRequestId();
  if (!req) return input;
  const mode = input.InvocationType || 'RequestResponse';
  if (mode === 'RequestResponse') {
    const cc = withCaller(input.ClientContext, req);
    return cc ? { ...input, ClientContext: cc } : input;
  }
  if (mode === 'Event' && options.propagatePayload) {
    const p = input.Payload;
    const text = typeof p === 'string' ? p : p instanceof Uint8Array ? Buffer.from(p).toString('utf8') : null;
    if (text && text[0] === '{') {
      const doc = JSON.parse(text);
      if (doc && typeof doc === 'object' && !Array.isArray(doc) && !(CALLER_KEY in doc)) {
        doc[CALLER_KEY] = req;
        return { ...input, Payload: Buffer.from(JSON.stringify(doc), 'utf8') };
      }
    }
  }
  return input;
}

function afterCall(spec, input, output) {
  const [svc, op, build] = spec;
  const fields = build(input || {}, output || {});
  if (!fields) return;
  for (const f of Array.isArray(fields) ? fields : [fields]) {
    const marker = { v: 1, ev: 'call', svc, op: f.op || op };
    for (const k of Object.keys(f)) if (k !== 'op') marker[k] = f[k];
    emit(marker);
  }
}

/* The middleware: initialize step, first, so it sees the caller's input and the final output. */
function markersMiddleware(next, context) {
  const cmd = context && context.commandName;
  let spec = CALLS[cmd];
  if (spec && !CLIENTS[spec[0]].test(context.clientName || '')) spec = undefined;
  const learns = LEARN.has(cmd) && /^DynamoDB/.test(context.clientName || '');
  if (!spec && !learns) return next;
  return async (args) => {
    let a = args;
    try {
      if (learns) learn(args.input.TableName, args.input.Key);
      if (spec && (cmd === 'InvokeCommand' || cmd === 'InvokeWithResponseStreamCommand')) {
        const input = propagate(args.input);
        if (input !== args.input) a = { ...args, input };
      }
    } catch (e) {
      drop('caller propagation', e);
    }
    const result = await next(a);
    if (spec) {
      try { afterCall(spec, args.input, result && result.output); } catch (e) { drop('call marker', e); }
    }
    return result;
  };
}

const MIDDLEWARE_OPTIONS = { step: 'initialize', priority: 'high', name: 'gammarayMarkers', tags: ['GAMMARAY'] };

function addToStack(stack) {
  if (!stack || stack[ON_STACK] || typeof stack.add !== 'function') return;
  stack[ON_STACK] = true;
  stack.add(markersMiddleware, MIDDLEWARE_OPTIONS);
}

function patchSend(proto) {
  if (!proto || typeof proto.send !== 'function' || proto.send[PATCHED]) return false;
  const original = proto.send;
  const send = function send(command, optionsOrCb, cb) {
    try { addToStack(this.middlewareStack); } catch (e) { drop('SDK middleware', e); }
    return original.apply(this, arguments);
  };
  send[PATCHED] = true;
  Object.defineProperty(proto, 'send', { value: send, writable: true, configurable: true, enumerable: false });
  return true;
}

/* A client (its stack gets the middleware), a client class or the SDK's Client class
 * (the base class's send is patched: every client of that copy of the SDK). */
function instrument(target) {
  if (typeof target === 'function') {
    let proto = target.prototype;
    while (proto && Object.getPrototypeOf(proto) && Object.getPrototypeOf(proto) !== Object.prototype) proto = Object.getPrototypeOf(proto);
    patchSend(proto);
    return target;
  }
  if (target && target.middlewareStack) {
    addToStack(target.middlewareStack);
    return target;
  }
  throw new TypeError('gammaray-markers: instrument needs an SDK v3 client or client class');
}

const SDK_CLIENT = /^@(smithy|aws-sdk)\/(smithy-client|core\/client|core)$/;
const SDK_FILE = /[\\/]@(smithy|aws-sdk)[\\/](smithy-client|core)[\\/]/;

function patchExports(exp) {
  const C = exp && exp.Client;
  if (typeof C === 'function' && C.prototype && typeof C.prototype.send === 'function') patchSend(C.prototype);
}

function install() {
  if (process.env.GAMMARAY_SDK === '0') return;
  for (const file of Object.keys(require.cache)) {
    if (SDK_FILE.test(file)) patchExports(require.cache[file].exports);
  }
  const load = Module._load;
  if (load[PATCHED]) return;
  const hooked = function (request, parent, isMain) {
    const exp = load.apply(this, arguments);
    if (SDK_CLIENT.test(request)) {
      try { patchExports(exp); } catch (e) { drop('SDK patch', e); }
    }
    return exp;
  };
  hooked[PATCHED] = true;
  Module._load = hooked;
}

for (const part of (process.env.GAMMARAY_DYNAMODB_KEYS || '').split(';')) {
  const [name, keys] = part.split('=');
  const names = (keys || '').split(',').map((s) => s.trim()).filter(Boolean).sort();
  if (name && name.trim() && names.length) tables.set(name.trim(), names);
}
try { install(); } catch (e) { drop('SDK hooks', e); }

/* ------------------------------------------------------------------ handler from the environment */

function splitHandler(spec) {
  const slash = spec.lastIndexOf('/');
  const dir = spec.slice(0, slash + 1), base = spec.slice(slash + 1);
  const dot = base.indexOf('.');
  if (dot <= 0 || dot === base.length - 1) throw new Error(`GAMMARAY_HANDLER=${spec} is not module.function`);
  return [dir + base.slice(0, dot), base.slice(dot + 1).split('.')];
}

function pick(mod, names, spec) {
  let h = mod;
  for (const n of names) h = h == null ? undefined : h[n];
  if (typeof h !== 'function') throw new Error(`GAMMARAY_HANDLER=${spec}: no function ${names.join('.')}`);
  return h;
}

let user = null; // the wrapped handler, or a promise of it (ES module)
const spec = process.env.GAMMARAY_HANDLER;
if (spec) {
  const [file, names] = splitHandler(spec);
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const full = path.resolve(root, file);
  let mod;
  try {
    mod = require(full);
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND' && e.code !== 'ERR_REQUIRE_ESM') throw e;
    // an ES module (app.mjs, or "type":"module"): loaded when first called
    const url = require('url');
    const fs = require('fs');
    const target = ['.mjs', '.js', ''].map((x) => full + x).find((f) => fs.existsSync(f));
    if (!target) throw e;
    user = import(url.pathToFileURL(target).href).then((m) => wrap(pick(m, names, spec)));
  }
  if (mod !== undefined) user = wrap(pick(mod, names, spec));
}

function handler(event, context, callback) {
  if (!user) throw new Error('gammaray-markers.handler: set GAMMARAY_HANDLER=module.function');
  if (typeof user === 'function') return user.apply(this, arguments);
  const self = this, args = arguments;
  return user.then((h) => (h.length >= 3
    ? new Promise((resolve, reject) => {
      const r = h.call(self, event, context, (err, res) => (err ? reject(err) : resolve(res)));
      if (r && typeof r.then === 'function') r.then(resolve, reject);
    })
    : h.apply(self, args)));
}

module.exports = { wrap, handler, instrument, entrySource, options, VERSION, CALLER_KEY };
