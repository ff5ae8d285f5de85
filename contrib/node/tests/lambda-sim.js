/* lambda-sim.js: an in-process stand-in for the Lambda Node.js runtime and CloudWatch Logs, for tests. */
'use strict';

/*
 * console is patched the way the runtime patches it: application lines become
 * `<time>\t<request id>\t<LEVEL>\t<message>` in the text format (newlines turned into
 * \r), or {"timestamp","level","requestId","message"} in the JSON format.  Platform lines
 * (START/END/REPORT, or platform.* records) are written around each invocation, and every
 * function's stream is saved as a CloudWatch Logs export (`<ISO time>Z <message>` lines,
 * gzip).  Time is a virtual clock, one millisecond per line: the output is the same on
 * every run.
 */

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const util = require('util');
const zlib = require('zlib');

const T0_MS = 1714564800000; // 2024-05-01T12:00:00Z
const REQ = Symbol.for('aws.lambda.runtime.requestId');

const iso = (ms) => new Date(ms).toISOString();

class Function {
  constructor(world, name, handler, format) {
    this.world = world;
    this.name = name;
    this.handler = handler;
    this.format = format || 'TEXT';
    this.stream = '2024/05/01/[$LATEST]' + crypto.createHash('md5').update(name).digest('hex');
    this.lines = []; // [epoch ms, message]
    this.req = null;
  }

  platform(kind, req, status, dur) {
    const ms = this.world.tick();
    let msg;
    if (this.format === 'JSON') {
      const rec = { requestId: req };
      if (kind === 'start') rec.version = '$LATEST';
      else {
        rec.status = status;
        rec.metrics = { durationMs: dur };
        if (kind === 'report') Object.assign(rec.metrics, { billedDurationMs: dur, memorySizeMB: 128, maxMemoryUsedMB: 60 });
      }
      const type = { start: 'platform.start', end: 'platform.runtimeDone', report: 'platform.report' }[kind];
      msg = JSON.stringify({ time: iso(ms), type, record: rec }) + '\n';
    } else if (kind === 'start') msg = `START RequestId: ${req} Version: $LATEST\n`;
    else if (kind === 'end') msg = `END RequestId: ${req}\n`;
    else msg = `REPORT RequestId: ${req}\tDuration: ${dur}.00 ms\tBilled Duration: ${dur} ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n`;
    this.lines.push([ms, msg]);
    return ms;
  }

  /* One invocation; clientContext is the base64 ClientContext of an Invoke.
   * Resolves to [result, error]. */
  async invoke(event, req, clientContext) {
    const outer = this.world.current;
    this.world.current = this;
    this.req = req;
    global[REQ] = req;
    const start = this.platform('start', req);
    const context = {
      functionName: this.name, functionVersion: '$LATEST', awsRequestId: req,
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:' + this.name,
      memoryLimitInMB: '128', logGroupName: '/aws/lambda/' + this.name, logStreamName: this.stream,
      clientContext: clientContext ? JSON.parse(Buffer.from(clientContext, 'base64').toString()) : undefined,
      getRemainingTimeInMillis: () => 3000,
    };
    let result, error;
    try {
      result = await new Promise((resolve, reject) => {
        const r = this.handler(event, context, (err, res) => (err ? reject(err) : resolve(res)));
        if (r && typeof r.then === 'function') r.then(resolve, reject);
        else if (this.handler.length < 3) resolve(r);
      });
    } catch (e) {
      error = e;
      this.lines.push([this.world.tick(), `${iso(this.world.now)}\t${req}\tERROR\tInvoke Error \t${JSON.stringify({ errorType: e.name, errorMessage: e.message })}\n`]);
    }
    const dur = this.world.now - start + 1;
    const status = error ? 'error' : 'success';
    this.platform('end', req, status, dur);
    this.platform('report', req, status, dur);
    this.req = null;
    this.world.current = outer;
    global[REQ] = outer ? outer.req : undefined;
    return [result, error];
  }

  markers() {
    return this.lines.filter(([, m]) => m.includes('GAMMARAY ')).map(([, m]) => m);
  }
}

class World {
  constructor() {
    this.now = T0_MS;
    this.functions = [];
    this.current = null;
    this.saved = {};
    for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
      this.saved[level] = console[level];
      const name = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG' }[level];
      console[level] = (msg, ...params) => this.log(name, msg, params);
    }
  }

  log(level, msg, params) {
    const fn = this.current;
    if (!fn) return;
    const ms = this.tick();
    let line;
    if (fn.format === 'JSON') {
      const rec = { timestamp: iso(ms), level, requestId: fn.req };
      rec.message = params.length ? util.format(msg, ...params) : msg;
      line = JSON.stringify(rec);
    } else {
      line = `${iso(ms)}\t${fn.req}\t${level}\t${util.format(msg, ...params)}`;
    }
    fn.lines.push([ms, line.replace(/\n/g, '\r') + '\n']);
  }

  close() {
    Object.assign(console, this.saved);
  }

  tick() {
    this.now += 1;
    return this.now;
  }

  function(name, handler, format) {
    const fn = new Function(this, name, handler, format);
    this.functions.push(fn);
    return fn;
  }

  /* Each function's stream as an export under root/<function>/; the gammaray-fetch arguments. */
  export(root) {
    const args = [];
    this.functions.forEach((fn, i) => {
      const top = path.join(root, fn.name);
      const n = String(i + 1);
      const task = `${n.padStart(8, '0')}-0000-4000-8000-${n.padStart(12, '0')}`;
      const dir = path.join(top, task, fn.stream.replace(/\//g, '-'));
      fs.mkdirSync(dir, { recursive: true });
      const body = fn.lines.slice().sort((a, b) => a[0] - b[0]).map(([ms, m]) => `${iso(ms)} ${m}\n`).join('');
      fs.writeFileSync(path.join(dir, '000000.gz'), zlib.gzipSync(Buffer.from(body)));
      args.push('-g', '/aws/lambda/' + fn.name, top);
    });
    return args;
  }
}

module.exports = { World, T0_MS };
