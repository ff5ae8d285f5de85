/* test-markers.js: gammaray-markers.js against the real AWS SDK v3 (canned HTTP responses) and real trigger events, through gammaray-fetch | gammaray-infer. */
'use strict';

/*
 * Each case runs functions in process (lambda-sim.js): a producer whose SDK v3 clients
 * talk to a request handler that returns canned HTTP responses (the SDK's own serializers,
 * deserializers and middleware run), and a consumer handed the event AWS would send.  Their
 * logs are written as a CloudWatch Logs export and read back with gammaray-fetch |
 * gammaray-infer.  Prints the markers and edges (deterministic) for the golden file of
 * tests/cli/markers_node.sh, one FAIL line per failed check, and "N passed, N failed".
 *
 * usage: node test-markers.js --sdk DIR [--old-sdk DIR] [--bin DIR] [CASE...]
 *   DIR holds node_modules with the @aws-sdk/client-* packages
 */

const cp = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Readable } = require('stream');

const HERE = __dirname;
const TOP = path.resolve(HERE, '..', '..', '..');
const EVENTS = path.join(TOP, 'fixtures', 'events');

const argv = process.argv.slice(2);
const opt = { bin: process.env.BIN || path.join(TOP, 'build', 'bin'), sdk: null, oldSdk: null, names: [] };
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--bin') opt.bin = argv[++i];
  else if (argv[i] === '--sdk') opt.sdk = argv[++i];
  else if (argv[i] === '--old-sdk') opt.oldSdk = argv[++i];
  else opt.names.push(argv[i]);
}
if (!opt.sdk) {
  console.error('usage: node test-markers.js --sdk DIR [--old-sdk DIR] [--bin DIR] [CASE...]');
  process.exit(2);
}

process.env.GAMMARAY_DYNAMODB_KEYS = 'orders=pk,sk';
delete process.env.GAMMARAY_HANDLER;
const gm = require('../gammaray-markers.js'); // before the SDK: no code change
const { World } = require('./lambda-sim.js');

const sdk = (name, dir) => require(path.resolve(dir || opt.sdk, 'node_modules', '@aws-sdk', name));
const S3 = sdk('client-s3');
const DDB = sdk('client-dynamodb');
const SNS = sdk('client-sns');
const SQS = sdk('client-sqs');
const KIN = sdk('client-kinesis');
const LAM = sdk('client-lambda');
const EVB = sdk('client-eventbridge');
const SFN = sdk('client-sfn');
const LIBDDB = sdk('lib-dynamodb');

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const A2 = 'aaaaaaaa-0000-4000-8000-000000000002';
const B = 'bbbbbbbb-0000-4000-8000-000000000001';
const B2 = 'bbbbbbbb-0000-4000-8000-000000000002';

const results = { passed: 0, failed: 0 };
const CASES = [];
const test = (name, fn) => CASES.push([name, fn]);
const out = (s) => process.stdout.write(s + '\n');

function check(cond, what) {
  if (cond) results.passed++;
  else {
    results.failed++;
    out('FAIL: ' + what);
  }
}

const event = (name) => JSON.parse(fs.readFileSync(path.join(EVENTS, name), 'utf8'));
const md5 = (s) => crypto.createHash('md5').update(s).digest('hex');

/* A request handler answering each request with the next canned response. */
function transport(responses, seen) {
  return {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request) {
      seen.push(request);
      const r = responses.shift();
      if (!r) throw new Error('no canned response left for ' + request.path);
      return {
        response: {
          statusCode: r.status || 200,
          headers: Object.assign({ 'x-amzn-requestid': 'rid-' + seen.length }, r.headers || {}),
          body: Readable.from([Buffer.from(r.body || '')]),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() { return {}; },
    destroy() {},
  };
}

/* A client of Cls whose calls get the canned responses; .seen lists the requests. */
function client(Cls, ...responses) {
  const seen = [];
  const c = new Cls({
    region: 'us-east-1', maxAttempts: 1,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    requestHandler: transport(responses, seen),
  });
  c.seen = seen;
  return c;
}

const json = (o) => ({ body: JSON.stringify(o) });

function infer(world) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gammaray-node-'));
  try {
    const args = world.export(tmp);
    const fetch = cp.spawnSync(path.join(opt.bin, 'gammaray-fetch'), args, { maxBuffer: 1 << 26 });
    if (fetch.status !== 0) out(`FAIL: gammaray-fetch exit ${fetch.status}: ${String(fetch.stderr).slice(0, 300)}`);
    const inf = cp.spawnSync(path.join(opt.bin, 'gammaray-infer'), [], { input: fetch.stdout, maxBuffer: 1 << 26 });
    if (inf.status !== 0) out(`FAIL: gammaray-infer exit ${inf.status}: ${String(inf.stderr).slice(0, 300)}`);
    return String(inf.stdout).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function show(world, recs) {
  for (const fn of world.functions) {
    for (const [, m] of fn.lines) {
      if (!m.includes('GAMMARAY ') && !m.includes('gammaray-markers:')) continue;
      const line = m.replace(/\n$/, '');
      out(`${fn.name} ${fn.format === 'TEXT' ? line.split('\t').slice(3).join('\t') : line.replace(/"timestamp":"[^"]*",/, '')}`);
    }
  }
  for (const r of recs) if (r.type === 'edge' || r.type === 'unmatched') out(JSON.stringify(r));
}

/* Edges (from, to, kind[, evidence]) that must come out (evidence "marker" unless said),
 * and nothing else. */
function expect(world, edges, unmatched) {
  const recs = infer(world);
  show(world, recs);
  const got = new Map(recs.filter((r) => r.type === 'edge').map((r) => [`${r.from} ${r.to} ${r.kind}`, r]));
  for (const e of edges) {
    const r = got.get(e.slice(0, 3).join(' '));
    const ev = e[3] || 'marker';
    check(r !== undefined, `missing edge ${e[0]} -> ${e[1]} (${e[2]})`);
    if (r) check(r.evidence === ev, `edge ${e[0]} -> ${e[1]} evidence ${r.evidence}, expected ${ev}`);
  }
  check(got.size === edges.length, `${got.size} edges, expected ${edges.length}`);
  const n = recs.filter((r) => r.type === 'unmatched').length;
  check(n === (unmatched || 0), `${n} unmatched records, expected ${unmatched || 0}`);
  return recs;
}

const apiEvent = (req) => ({ resource: '/go', path: '/go', httpMethod: 'POST', headers: {},
  requestContext: { resourceId: 'r1', stage: 'prod', requestId: req, httpMethod: 'POST' }, body: '{}' });

/* A producer (request A, started from API Gateway) running calls(), then a consumer (B,
 * B2...) handed the events. */
async function pair(calls, events, format, cc) {
  const world = new World();
  try {
    const pa = world.function('producer', gm.wrap(async () => { await calls(); return 'done'; }), format);
    const pb = world.function('consumer', gm.wrap(async () => ({ ok: true })), format);
    const [, err] = await pa.invoke(apiEvent('prod-1'), A);
    check(!err, 'producer failed: ' + (err && err.stack));
    const evs = Array.isArray(events) ? events : [events];
    for (let i = 0; i < evs.length; i++) await pb.invoke(evs[i], [B, B2][i], cc);
  } finally {
    world.close();
  }
  return world;
}

function s3Event(bucket, key, etag, version, name) {
  const ev = event('s3Event.json');
  const r = ev.Records[0];
  r.eventName = name || 'ObjectCreated:Put';
  r.s3.bucket.name = bucket;
  r.s3.bucket.arn = 'arn:aws:s3:::' + bucket;
  r.s3.object.key = key;
  if (etag) r.s3.object.eTag = etag;
  else delete r.s3.object.eTag;
  if (version) r.s3.object.versionId = version;
  return ev;
}

function ddbEvent(table, keys, name, seq) {
  const ev = event('dynamoStreamEvent.json');
  const r = ev.Records[0];
  r.eventName = name || 'INSERT';
  r.eventSourceARN = `arn:aws:dynamodb:us-east-1:123456789012:table/${table}/stream/2024-05-01T00:00:00.000`;
  r.dynamodb.Keys = keys;
  r.dynamodb.SequenceNumber = seq || '300';
  return { Records: [r] };
}

function snsEvent(topic, msg) {
  const ev = event('snsEvent.json');
  ev.Records[0].Sns.TopicArn = topic;
  ev.Records[0].Sns.MessageId = msg;
  return ev;
}

const snsXml = (op, result) => ({ body: `<${op}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${op}Result>${result}</${op}Result><ResponseMetadata><RequestId>r-sns</RequestId></ResponseMetadata></${op}Response>` });

/* ----------------------------------------------------------------- S3 */

test('s3_put_object', async () => {
  const ev = event('s3Event.json');
  const o = ev.Records[0].s3;
  const world = await pair(() => client(S3.S3Client, { headers: { etag: `"${o.object.eTag}"` } })
    .send(new S3.PutObjectCommand({ Bucket: o.bucket.name, Key: o.object.key, Body: 'x' })), ev);
  expect(world, [[A, B, 's3']]);
});

test('s3_copy_object', async () => {
  const world = await pair(() => client(S3.S3Client, {
    headers: { 'x-amz-version-id': 'v-copy-1' },
    body: '<CopyObjectResult><ETag>"9b2cf535f27731c974343645a3985328"</ETag><LastModified>2024-05-01T12:00:00.000Z</LastModified></CopyObjectResult>',
  }).send(new S3.CopyObjectCommand({ Bucket: 'photos', Key: 'b c.jpg', CopySource: 'photos/a.jpg' })),
  s3Event('photos', 'b+c.jpg', '9b2cf535f27731c974343645a3985328', 'v-copy-1', 'ObjectCreated:Copy'));
  expect(world, [[A, B, 's3']]);
});

test('s3_complete_multipart_upload', async () => {
  const world = await pair(() => client(S3.S3Client, {
    body: '<CompleteMultipartUploadResult><Bucket>videos</Bucket><Key>big.mp4</Key><ETag>"3858f62230ac3c915f300c664312c11f-9"</ETag></CompleteMultipartUploadResult>',
  }).send(new S3.CompleteMultipartUploadCommand({ Bucket: 'videos', Key: 'big.mp4', UploadId: 'u1',
    MultipartUpload: { Parts: [{ ETag: 'x', PartNumber: 1 }] } })),
  s3Event('videos', 'big.mp4', '3858f62230ac3c915f300c664312c11f-9', null, 'ObjectCreated:CompleteMultipartUpload'));
  expect(world, [[A, B, 's3']]);
});

test('s3_delete_object', async () => {
  const world = await pair(() => client(S3.S3Client, { status: 204,
    headers: { 'x-amz-version-id': 'dm-1', 'x-amz-delete-marker': 'true' } })
    .send(new S3.DeleteObjectCommand({ Bucket: 'photos', Key: 'old.jpg' })),
  s3Event('photos', 'old.jpg', null, 'dm-1', 'ObjectRemoved:DeleteMarkerCreated'));
  expect(world, [[A, B, 's3']]);
});

test('s3_delete_objects', async () => {
  const world = await pair(() => client(S3.S3Client, {
    body: '<DeleteResult><Deleted><Key>t1.jpg</Key></Deleted><Deleted><Key>t2.jpg</Key></Deleted><Error><Key>t3.jpg</Key><Code>AccessDenied</Code><Message>no</Message></Error></DeleteResult>',
  }).send(new S3.DeleteObjectsCommand({ Bucket: 'thumbs',
    Delete: { Objects: [{ Key: 't1.jpg' }, { Key: 't2.jpg' }, { Key: 't3.jpg' }] } })),
  [s3Event('thumbs', 't1.jpg', null, null, 'ObjectRemoved:Delete'),
    s3Event('thumbs', 't2.jpg', null, null, 'ObjectRemoved:Delete')]);
  // no id in a delete notification: bucket and key with time
  expect(world, [[A, B, 's3', 'heuristic'], [A, B2, 's3', 'heuristic']]);
});

test('round_trip_s3', async () => {
  // function A (text format) writes an object; S3's notification of that write goes to
  // function B (JSON format); the export of both logs gives the edge back
  const world = new World();
  let wrote;
  try {
    const fa = world.function('writer', gm.wrap(async () => {
      const s3 = client(S3.S3Client, { headers: { etag: '"5d41402abc4b2a76b9719d911017c592"',
        'x-amz-version-id': '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY' } });
      const key = 'reports/2024 05.csv';
      const r = await s3.send(new S3.PutObjectCommand({ Bucket: 'exports', Key: key, Body: 'hello' }));
      return { bucket: 'exports', key, etag: r.ETag.replace(/"/g, ''), version: r.VersionId };
    }));
    const fb = world.function('reader', gm.wrap((event) => event.Records.length), 'JSON');
    [wrote] = await fa.invoke(apiEvent('req-1'), A);
    const ev = s3Event(wrote.bucket, encodeURIComponent(wrote.key).replace(/%2F/g, '/').replace(/%20/g, '+'),
      wrote.etag, wrote.version);
    const [n, err] = await fb.invoke(ev, B);
    check(n === 1 && !err, `B returned ${n} ${err}`);
  } finally {
    world.close();
  }
  const recs = expect(world, [[A, B, 's3']]);
  const nodes = Object.fromEntries(recs.filter((r) => r.type === 'node').map((r) => [r.id, r.fn]));
  check(JSON.stringify(nodes) === JSON.stringify({ [A]: 'writer', [B]: 'reader' }) ||
    JSON.stringify(nodes) === JSON.stringify({ [B]: 'reader', [A]: 'writer' }), 'nodes ' + JSON.stringify(nodes));
});

/* ----------------------------------------------------------------- DynamoDB */

test('dynamodb_stream_fixture', async () => {
  const world = await pair(async () => {
    await client(DDB.DynamoDBClient, json({})).send(new DDB.GetItemCommand({ TableName: 'eventsource_arn', Key: { Id: { N: '101' } } }));
    await client(DDB.DynamoDBClient, json({})).send(new DDB.PutItemCommand({ TableName: 'eventsource_arn',
      Item: { Id: { N: '101' }, Message: { S: 'New item!' } } }));
    await client(DDB.DynamoDBClient, json({})).send(new DDB.UpdateItemCommand({ TableName: 'source_arn',
      Key: { Id: { N: '101' } }, UpdateExpression: 'SET Message = :m',
      ExpressionAttributeValues: { ':m': { S: 'This item has changed' } } }));
  }, event('dynamoStreamEvent.json'));
  expect(world, [[A, B, 'dynamodb', 'heuristic']]);
});

test('dynamodb_put_item_configured_keys', async () => {
  const world = await pair(() => client(DDB.DynamoDBClient, json({})).send(new DDB.PutItemCommand({
    TableName: 'orders', Item: { pk: { S: 'cust#1' }, sk: { N: '7' }, total: { N: '12.5' } } })),
  ddbEvent('orders', { pk: { S: 'cust#1' }, sk: { N: '7' } }));
  expect(world, [[A, B, 'dynamodb', 'heuristic']]);
});

test('dynamodb_document_client_put', async () => {
  const world = await pair(() => LIBDDB.DynamoDBDocumentClient.from(client(DDB.DynamoDBClient, json({})))
    .send(new LIBDDB.PutCommand({ TableName: 'orders', Item: { pk: 'cust#2', sk: 8, note: 'plain values' } })),
  ddbEvent('orders', { pk: { S: 'cust#2' }, sk: { N: '8' } }));
  expect(world, [[A, B, 'dynamodb', 'heuristic']]);
});

test('dynamodb_put_item_unknown_keys', async () => {
  const world = await pair(() => client(DDB.DynamoDBClient, json({})).send(new DDB.PutItemCommand({
    TableName: 'mystery', Item: { id: { S: '1' }, note: { S: 'n' } } })),
  ddbEvent('mystery', { id: { S: '1' } }));
  expect(world, [], 2); // the write and the trigger, both reported
});

test('dynamodb_delete_item', async () => {
  const world = await pair(() => client(DDB.DynamoDBClient, json({})).send(new DDB.DeleteItemCommand({
    TableName: 'arn:aws:dynamodb:us-east-1:123456789012:table/sessions', Key: { sid: { B: new Uint8Array([1, 2]) } } })),
  ddbEvent('sessions', { sid: { B: 'AQI=' } }, 'REMOVE'));
  expect(world, [[A, B, 'dynamodb', 'heuristic']]);
});

test('dynamodb_batch_write_item', async () => {
  const put = { PutRequest: { Item: { pk: { S: 'o#1' }, sk: { N: '1' } } } };
  const put2 = { PutRequest: { Item: { pk: { S: 'o#2' }, sk: { N: '1' } } } };
  const del = { DeleteRequest: { Key: { pk: { S: 'o#3' }, sk: { N: '1' } } } };
  const world = await pair(() => client(DDB.DynamoDBClient, json({ UnprocessedItems: { orders: [put2] } }))
    .send(new DDB.BatchWriteItemCommand({ RequestItems: { orders: [put, put2, del] } })),
  [ddbEvent('orders', { pk: { S: 'o#1' }, sk: { N: '1' } }),
    ddbEvent('orders', { pk: { S: 'o#3' }, sk: { N: '1' } }, 'REMOVE', '301')]);
  expect(world, [[A, B, 'dynamodb', 'heuristic'], [A, B2, 'dynamodb', 'heuristic']]);
});

test('dynamodb_transact_write_items', async () => {
  const world = await pair(() => client(DDB.DynamoDBClient, json({})).send(new DDB.TransactWriteItemsCommand({
    TransactItems: [
      { Update: { TableName: 'orders', Key: { pk: { S: 'o#9' }, sk: { N: '2' } }, UpdateExpression: 'SET s = :s',
        ExpressionAttributeValues: { ':s': { S: 'paid' } } } },
      { ConditionCheck: { TableName: 'stock', Key: { id: { S: 'x' } }, ConditionExpression: 'attribute_exists(id)' } }] })),
  ddbEvent('orders', { pk: { S: 'o#9' }, sk: { N: '2' } }, 'MODIFY'));
  expect(world, [[A, B, 'dynamodb', 'heuristic']]);
});

/* ----------------------------------------------------------------- SNS, SQS */

test('sns_publish', async () => {
  const ev = event('snsEvent.json');
  const s = ev.Records[0].Sns;
  const world = await pair(() => client(SNS.SNSClient, snsXml('Publish', `<MessageId>${s.MessageId}</MessageId>`))
    .send(new SNS.PublishCommand({ TopicArn: s.TopicArn, Message: 'Hello from SNS!' })), ev);
  expect(world, [[A, B, 'sns']]);
});

test('sns_publish_batch', async () => {
  const topic = 'arn:aws:sns:us-east-1:123456789012:orders';
  const ids = ['1f9e7d3c-0000-4000-8000-00000000000a', '1f9e7d3c-0000-4000-8000-00000000000b'];
  const world = await pair(() => client(SNS.SNSClient, snsXml('PublishBatch',
    `<Successful><member><Id>1</Id><MessageId>${ids[0]}</MessageId></member><member><Id>2</Id><MessageId>${ids[1]}</MessageId></member></Successful><Failed><member><Id>3</Id><Code>x</Code><SenderFault>true</SenderFault></member></Failed>`))
    .send(new SNS.PublishBatchCommand({ TopicArn: topic, PublishBatchRequestEntries: [
      { Id: '1', Message: 'a' }, { Id: '2', Message: 'b' }, { Id: '3', Message: 'c' }] })),
  [snsEvent(topic, ids[0]), snsEvent(topic, ids[1])]);
  expect(world, [[A, B, 'sns'], [A, B2, 'sns']]);
});

test('sqs_send_message_and_batch', async () => {
  const ev = event('sqsEvent.json');
  const q = 'https://sqs.us-east-2.amazonaws.com/123456789012/my-queue';
  const [m1, m2] = ev.Records.map((r) => r.messageId);
  const world = new World();
  try {
    await world.function('producer', gm.wrap(() => client(SQS.SQSClient, json({ MessageId: m1, MD5OfMessageBody: md5('Test message.') }))
      .send(new SQS.SendMessageCommand({ QueueUrl: q, MessageBody: 'Test message.' })))).invoke(apiEvent('prod-1'), A);
    await world.function('producer2', gm.wrap(() => client(SQS.SQSClient, json({
      Successful: [{ Id: 'a', MessageId: m2, MD5OfMessageBody: md5('{}') }],
      Failed: [{ Id: 'b', SenderFault: true, Code: 'x' }] }))
      .send(new SQS.SendMessageBatchCommand({ QueueUrl: q, Entries: [{ Id: 'a', MessageBody: '{}' }, { Id: 'b', MessageBody: '{}' }] }))))
      .invoke(apiEvent('prod-2'), A2);
    await world.function('consumer', gm.wrap(async () => null)).invoke(ev, B);
  } finally {
    world.close();
  }
  expect(world, [[A, B, 'sqs'], [A2, B, 'sqs']]);
});

test('sqs_json_log_format', async () => {
  const ev = event('sqsEvent.json');
  const m1 = ev.Records[0].messageId;
  ev.Records = ev.Records.slice(0, 1);
  const world = await pair(() => client(SQS.SQSClient, json({ MessageId: m1, MD5OfMessageBody: md5('x') }))
    .send(new SQS.SendMessageCommand({ QueueUrl: 'https://sqs.us-east-2.amazonaws.com/123456789012/my-queue', MessageBody: 'x' })),
  ev, 'JSON');
  expect(world, [[A, B, 'sqs']]);
});

test('sqs_carrying_sns_and_s3', async () => {
  const topic = 'arn:aws:sns:us-east-1:123456789012:fanout';
  const msg = '7c2b1a90-0000-4000-8000-000000000001';
  const ev = event('sqsEvent.json');
  ev.Records[0].body = JSON.stringify({ Type: 'Notification', MessageId: msg, TopicArn: topic, Message: 'hi',
    Timestamp: '2024-05-01T12:00:00.000Z' }, null, 2);
  ev.Records[1].body = JSON.stringify(s3Event('uploads', 'in/x.csv', '0123456789abcdef0123456789abcdef'));
  const world = await pair(async () => {
    await client(SNS.SNSClient, snsXml('Publish', `<MessageId>${msg}</MessageId>`)).send(new SNS.PublishCommand({ TopicArn: topic, Message: 'hi' }));
    await client(S3.S3Client, { headers: { etag: '"0123456789abcdef0123456789abcdef"' } })
      .send(new S3.PutObjectCommand({ Bucket: 'uploads', Key: 'in/x.csv', Body: 'a,b' }));
  }, ev);
  expect(world, [[A, B, 'sns'], [A, B, 's3']]);
});

/* ----------------------------------------------------------------- Kinesis, EventBridge, Step Functions */

test('kinesis_put_record_and_records', async () => {
  const ev = event('kinesisStreamEvent.json');
  const [s1, s2] = ev.Records.map((r) => r.kinesis.sequenceNumber);
  const world = await pair(async () => {
    await client(KIN.KinesisClient, json({ ShardId: 'shardId-000000000006', SequenceNumber: s1 }))
      .send(new KIN.PutRecordCommand({ StreamName: 'lambda-stream', Data: Buffer.from('Hello, this is a test.'), PartitionKey: '1' }));
    await client(KIN.KinesisClient, json({ FailedRecordCount: 1, Records: [
      { SequenceNumber: s2, ShardId: 'shardId-000000000006' },
      { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow' }] }))
      .send(new KIN.PutRecordsCommand({ StreamARN: 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream',
        Records: [{ Data: Buffer.from('This is only a test.'), PartitionKey: '1' }, { Data: Buffer.from('lost'), PartitionKey: '2' }] }));
  }, ev);
  expect(world, [[A, B, 'kinesis']]);
});

test('eventbridge_put_events', async () => {
  const ev = event('eventBridgeEvent.json');
  const world = await pair(() => client(EVB.EventBridgeClient, json({ FailedEntryCount: 0, Entries: [{ EventId: ev.id }] }))
    .send(new EVB.PutEventsCommand({ Entries: [{ Source: 'aws.ec2', DetailType: 'x', Detail: '{}' }] })), ev);
  expect(world, [[A, B, 'events']]);
});

test('eventbridge_s3_object_created', async () => {
  const ev = { version: '0', id: '17793124-05d4-b198-2fde-7ededc63b103', 'detail-type': 'Object Created',
    source: 'aws.s3', account: '123456789012', time: '2024-05-01T12:00:00Z', region: 'us-east-1',
    resources: ['arn:aws:s3:::reports'],
    detail: { version: '0', bucket: { name: 'reports' }, object: { key: 'q1.pdf', size: 5,
      etag: 'b1946ac92492d2347c6235b4d2611184', 'version-id': 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e', sequencer: '617f08299329d189' },
    'request-id': 'N4N7GDK58NMKJ12R', requester: '123456789012', reason: 'PutObject' } };
  const world = await pair(() => client(S3.S3Client, { headers: { etag: '"b1946ac92492d2347c6235b4d2611184"',
    'x-amz-version-id': 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e' } })
    .send(new S3.PutObjectCommand({ Bucket: 'reports', Key: 'q1.pdf', Body: 'hello' })), ev);
  expect(world, [[A, B, 's3']]);
});

test('sfn_start_execution', async () => {
  const arn = 'arn:aws:states:us-east-1:123456789012:execution:orders:run-42';
  const world = await pair(() => client(SFN.SFNClient, json({ executionArn: arn, startDate: 1714564800 }))
    .send(new SFN.StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders', input: '{}' })),
  { order: 42, Execution: { Id: arn, Name: 'run-42', StartTime: '2024-05-01T12:00:00.010Z' } });
  expect(world, [[A, B, 'sfn']]);
});

/* ----------------------------------------------------------------- Lambda */

async function invokePair(mode, opts) {
  opts = opts || {};
  const world = new World();
  let lam;
  try {
    await world.function('producer', gm.wrap(async () => {
      lam = client(LAM.LambdaClient, { status: mode === 'Event' ? 202 : 200, headers: { 'x-amzn-requestid': B }, body: mode === 'Event' ? '' : '{"r":1}' });
      const input = { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:consumer:live',
        InvocationType: mode, Payload: Buffer.from('{"n":1}') };
      if (opts.cc) input.ClientContext = opts.cc;
      opts.input = input;
      return lam.send(new LAM.InvokeCommand(input));
    })).invoke(apiEvent('prod-1'), A);
    // the Lambda service: the payload becomes the event, the ClientContext (synchronous
    // invokes only) the context's clientContext
    const req = lam.seen[0];
    const sent = { cc: req.headers['x-amz-client-context'], payload: Buffer.from(req.body).toString() };
    await world.function('consumer', gm.wrap(async (e) => e)).invoke(JSON.parse(sent.payload), B,
      mode === 'RequestResponse' ? sent.cc : undefined);
    return [world, sent, opts.input];
  } finally {
    world.close();
  }
}

test('lambda_invoke_sync', async () => {
  const [world, sent, input] = await invokePair('RequestResponse');
  check(Buffer.from(sent.cc, 'base64').toString() === JSON.stringify({ custom: { gammaray_caller: A } }), 'ClientContext ' + sent.cc);
  check(input.ClientContext === undefined, "the caller's input was changed");
  expect(world, [[A, B, 'lambda']]);
});

test('lambda_invoke_keeps_user_client_context', async () => {
  const cc = Buffer.from(JSON.stringify({ client: { app_title: 't' }, custom: { k: 'v' }, env: { locale: 'en' } })).toString('base64');
  const [world, sent] = await invokePair('RequestResponse', { cc });
  check(Buffer.from(sent.cc, 'base64').toString() === JSON.stringify({ client: { app_title: 't' },
    custom: { k: 'v', gammaray_caller: A }, env: { locale: 'en' } }), 'ClientContext ' + sent.cc);
  expect(world, [[A, B, 'lambda']]);
});

test('lambda_invoke_async', async () => {
  const [world, sent] = await invokePair('Event');
  check(sent.cc === undefined, 'an Event invoke got a ClientContext');
  check(sent.payload === '{"n":1}', 'payload changed: ' + sent.payload);
  expect(world, [[A, B, 'lambda']]);
});

test('lambda_invoke_async_payload_caller', async () => {
  gm.options.propagatePayload = true;
  let world, sent, input;
  try {
    [world, sent, input] = await invokePair('Event');
  } finally {
    gm.options.propagatePayload = false;
  }
  check(sent.payload === JSON.stringify({ n: 1, gammaray_caller: A }), 'payload ' + sent.payload);
  check(Buffer.from(input.Payload).toString() === '{"n":1}', "the caller's payload was changed");
  expect(world, [[A, B, 'lambda']]);
});

test('lambda_invoke_dry_run', async () => {
  const [world] = await invokePair('DryRun');
  check(world.functions[0].markers().length === 1, 'a DryRun wrote a call marker');
});

/* ----------------------------------------------------------------- roots, shapes, behaviour */

test('roots_api_gateway_schedule', async () => {
  const http = { version: '2.0', routeKey: 'POST /orders', rawPath: '/orders',
    requestContext: { http: { method: 'POST' }, requestId: 'JKJaXmPLvHcESHA=', routeKey: 'POST /orders', stage: '$default' } };
  const sched = { version: '0', id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa', 'detail-type': 'Scheduled Event',
    source: 'aws.events', account: '123456789012', time: '2024-05-01T12:00:00Z', region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/nightly'], detail: {} };
  const alb = { requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:tg' } }, httpMethod: 'GET',
    path: '/', headers: { 'x-amzn-trace-id': 'Root=1-66322e45-0123456789abcdef01234567' } };
  const world = new World();
  try {
    const fn = world.function('api', gm.wrap(async () => ({ statusCode: 200 })));
    const evs = [apiEvent('c6af9ac6-7b61-11e6-9a41-93e8deadbeef'), http, sched, alb];
    for (let i = 0; i < evs.length; i++) await fn.invoke(evs[i], `cccccccc-0000-4000-8000-00000000000${i}`);
  } finally {
    world.close();
  }
  expect(world, []);
});

test('direct_invoke_payload_caller', async () => {
  const world = new World();
  try {
    await world.function('worker', gm.wrap(async () => null)).invoke({ job: 7 }, B);
    await world.function('worker2', gm.wrap(async () => null)).invoke({ gammaray_caller: A, job: 8 }, B2);
  } finally {
    world.close();
  }
  expect(world, [[A, B2, 'lambda']], 1);
});

test('behaviour_unchanged', async () => {
  const world = new World();
  try {
    const token = {};
    const boom = new Error('boom');
    let [r, err] = await world.function('f', gm.wrap(async () => token)).invoke({}, A);
    check(r === token && !err, 'return value changed');
    [r, err] = await world.function('g', gm.wrap(async () => { throw boom; })).invoke({}, A2);
    check(err === boom, 'exception changed');
    // callback style, arity and properties kept
    const cbh = (event, context, callback) => callback(null, 'cb-result');
    cbh[Symbol.for('aws.lambda.runtime.handler.streaming')] = 'response';
    const w = gm.wrap(cbh);
    check(w.length === 3 && w[Symbol.for('aws.lambda.runtime.handler.streaming')] === 'response', 'arity or properties lost');
    check(gm.wrap(w) === w, 'wrapping twice wraps twice');
    [r, err] = await world.function('h', w).invoke({}, B);
    check(r === 'cb-result' && !err, 'callback result lost: ' + r);
    // a failed call writes no marker and rejects as the SDK rejects
    const s3 = client(S3.S3Client, { status: 403, body: '<Error><Code>AccessDenied</Code><Message>no</Message></Error>' });
    [r, err] = await world.function('d', gm.wrap(async () => {
      try { await s3.send(new S3.PutObjectCommand({ Bucket: 'b', Key: 'k', Body: '' })); } catch (e) { return e.name; }
    })).invoke({}, B2);
    check(r === 'AccessDenied', 'failed call: ' + r);
    check(world.functions[3].markers().length === 1, 'a failed call wrote a marker');
    // the same client twice, instrument() by hand too: one marker per call
    const sqs = client(SQS.SQSClient, json({ MessageId: 'm-2', MD5OfMessageBody: md5('x') }),
      json({ MessageId: 'm-3', MD5OfMessageBody: md5('x') }));
    gm.instrument(sqs);
    gm.instrument(SQS.SQSClient);
    const fi = world.function('i', gm.wrap(async () => {
      await sqs.send(new SQS.SendMessageCommand({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/q', MessageBody: 'x' }));
      await sqs.send(new SQS.SendMessageCommand({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/q', MessageBody: 'x' }));
    }));
    await fi.invoke({}, 'dddddddd-0000-4000-8000-000000000001');
    check(fi.markers().length === 3, `${fi.markers().length} markers, expected entry + two calls`);
  } finally {
    world.close();
  }
  show(world, []);
});

test('failure_inside_is_dropped', async () => {
  const world = new World();
  const saved = JSON.stringify;
  let r, err, r2, err2, fn;
  try {
    const sqs = client(SQS.SQSClient, json({ MessageId: 'm-1', MD5OfMessageBody: md5('x') }),
      json({ MessageId: 'm-1', MD5OfMessageBody: md5('x') }));
    fn = world.function('f', gm.wrap(async () => {
      JSON.stringify = (v, ...rest) => { if (v && v.v === 1) throw new Error('encoder broken'); return saved(v, ...rest); };
      try {
        return (await sqs.send(new SQS.SendMessageCommand({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/q', MessageBody: 'x' }))).MessageId;
      } finally {
        JSON.stringify = saved;
      }
    }));
    [r, err] = await fn.invoke({}, A);
    [r2, err2] = await fn.invoke({}, A2);
  } finally {
    JSON.stringify = saved;
    world.close();
  }
  check(r === 'm-1' && !err && r2 === 'm-1' && !err2, `a failing emitter changed the function: ${r} ${err}`);
  const warn = fn.lines.filter(([, m]) => m.includes('gammaray-markers:'));
  check(warn.length === 1, `${warn.length} warning lines, expected 1`);
  show(world, []);
});

test('handler_from_environment', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gammaray-node-h-'));
  try {
    fs.writeFileSync(path.join(tmp, 'app.js'), "exports.handler = async (event) => ({ got: event.x });\n");
    fs.writeFileSync(path.join(tmp, 'esm.mjs'), 'export const nested = { handler: async (event) => ({ esm: event.x }) };\n');
    const prog = `const gm = require(${JSON.stringify(path.join(HERE, '..', 'gammaray-markers.js'))});
      gm.handler({ x: 5 }, { awsRequestId: 'r-1', functionName: 'app' }).then((r) => console.log(JSON.stringify(r)));`;
    for (const [h, want] of [['app.handler', '{"got":5}'], ['esm.nested.handler', '{"esm":5}']]) {
      const p = cp.spawnSync(process.execPath, ['-e', prog], { cwd: tmp, env: { ...process.env, GAMMARAY_HANDLER: h, LAMBDA_TASK_ROOT: tmp } });
      const text = String(p.stdout) + String(p.stderr);
      out(text.trim());
      check(p.status === 0 && text.includes(want) && text.includes('"ev":"entry"'), `GAMMARAY_HANDLER=${h}: ${text}`);
    }
    const p = cp.spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(HERE, '..', 'gammaray-markers.js'))})`],
      { cwd: tmp, env: { ...process.env, GAMMARAY_HANDLER: 'app.nothere', LAMBDA_TASK_ROOT: tmp } });
    check(p.status !== 0 && String(p.stderr).includes('nothere'), 'a missing GAMMARAY_HANDLER does not fail the load');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('old_sdk_smithy_client', async () => {
  // an SDK of mid-2024 (the Client class in @smithy/smithy-client), as Lambda's runtimes ship
  if (!opt.oldSdk) { out('(no --old-sdk)'); return; }
  const OLD = sdk('client-sqs', opt.oldSdk);
  const world = await pair(() => client(OLD.SQSClient, json({ MessageId: '059f36b4-87a3-44ab-83d2-661975830a7d', MD5OfMessageBody: md5('x') }))
    .send(new OLD.SendMessageCommand({ QueueUrl: 'https://sqs.us-east-2.amazonaws.com/123456789012/my-queue', MessageBody: 'x' })),
  (() => { const ev = event('sqsEvent.json'); ev.Records = ev.Records.slice(0, 1); return ev; })());
  expect(world, [[A, B, 'sqs']]);
});

test('entry_shapes', async () => {
  const shapes = [['s3', event('s3Event.json')], ['sns', event('snsEvent.json')], ['sqs', event('sqsEvent.json')],
    ['dynamodb', event('dynamoStreamEvent.json')], ['kinesis', event('kinesisStreamEvent.json')],
    ['eventbridge', event('eventBridgeEvent.json')], ['kafka', { eventSource: 'aws:kafka', records: {} }],
    ['logs', { awslogs: { data: 'H4sI' } }], ['cloudformation', { RequestType: 'Create', ResponseURL: 'https://x', StackId: 's' }],
    ['not an object', [1, 2]]];
  for (const [name, ev] of shapes) out(`${name} ${JSON.stringify(gm.entrySource(ev))}`);
});

(async () => {
  for (const [name, fn] of CASES) {
    if (opt.names.length && !opt.names.includes(name)) continue;
    out('== ' + name);
    try {
      await fn();
    } catch (e) {
      results.failed++;
      out(`FAIL: ${name} threw ${e && e.name}: ${e && e.message}`);
      process.stderr.write(String(e && e.stack) + '\n');
    }
  }
  out(`markers_node: ${results.passed} passed, ${results.failed} failed`);
  process.exitCode = results.failed ? 1 : 0;
})();
