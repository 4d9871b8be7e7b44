#!/usr/bin/env node
// MQTT.js (npm `mqtt`) as a peer of a broker on 127.0.0.1:PORT, or at a URL such as
// ws://127.0.0.1:8080/mqtt (MQTT over WebSocket): the seed scenario under 3.1.1 and 5.0, QoS 2,
// wildcards, retained set and clear, and 5.0 properties passed through. Prints one line per
// check and exits 1 on the first failure; every wait is bounded.
//
//   NODE_PATH=<dir with node_modules/mqtt> node mqttjs_peer.js PORT|URL
'use strict';

let mqtt;
try {
    mqtt = require('mqtt');
} catch (e) {
    console.error('MQTT.js is missing: npm install --prefix DIR mqtt, then NODE_PATH=DIR/node_modules');
    process.exit(2);
}

const where = process.argv[2] || '';
const port = Number(where);
if (!port && !/^wss?:\/\/|^mqtts?:\/\//.test(where)) {
    console.error('usage: mqttjs_peer.js PORT|URL');
    process.exit(64);
}
const url = port ? `mqtt://127.0.0.1:${port}` : where;
const run = `${process.pid}`;

function within(ms, what, promise) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function connect(options) {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 3000, ...options });
    return within(3000, 'connect', new Promise((resolve, reject) => {
        client.once('connect', () => resolve(client));
        client.once('error', reject);
    }));
}

function nextMessage(client, what) {
    return within(3000, what, new Promise((resolve) => {
        client.once('message', (topic, payload, packet) => resolve({ topic, payload, packet }));
    }));
}

function expect(condition, text) {
    if (!condition) throw new Error(text);
}

async function end(...clients) {
    await Promise.all(clients.map((c) => new Promise((resolve) => c.end(false, {}, resolve))));
}

async function seed(protocolVersion) {
    const topic = 'smarthome/lights/office';
    const phone = await connect({ protocolVersion, clientId: `phone-${run}-${protocolVersion}` });
    await phone.subscribeAsync(topic, { qos: 1 });
    const light = await connect({ protocolVersion, clientId: `switch-${run}-${protocolVersion}` });
    const got = nextMessage(phone, 'the phone app receives ON');
    await light.publishAsync(topic, 'ON', { qos: 1 });
    const m = await got;
    expect(m.topic === topic && m.payload.toString() === 'ON', `got ${m.topic} ${m.payload}`);
    expect(m.packet.qos === 1, `delivered at QoS ${m.packet.qos}, subscribed with 1`);
    await end(phone, light);
}

async function qos2AndWildcards() {
    const sub = await connect({ protocolVersion: 4 });
    await sub.subscribeAsync(`${run}/home/+/office`, { qos: 2 });
    const pub = await connect({ protocolVersion: 4 });
    const got = nextMessage(sub, 'QoS 2 through a + filter');
    await pub.publishAsync(`${run}/home/lights/office`, 'two', { qos: 2 });
    const m = await got;
    expect(m.payload.toString() === 'two' && m.packet.qos === 2, `got ${m.payload} q${m.packet.qos}`);
    await sub.unsubscribeAsync(`${run}/home/+/office`);
    await sub.subscribeAsync(`${run}/home/#`, { qos: 0 });
    const deep = nextMessage(sub, 'a # filter, any depth');
    await pub.publishAsync(`${run}/home/a/b/c`, 'deep', { qos: 0 });
    expect((await deep).topic === `${run}/home/a/b/c`, 'wrong topic through #');
    await end(sub, pub);
}

async function retained() {
    const topic = `${run}/retained/light`;
    const pub = await connect({ protocolVersion: 4 });
    await pub.publishAsync(topic, 'ON', { qos: 1, retain: true });
    const late = await connect({ protocolVersion: 4 });
    const got = nextMessage(late, 'the retained message on subscribe');
    await late.subscribeAsync(topic, { qos: 1 });
    const m = await got;
    expect(m.payload.toString() === 'ON' && m.packet.retain, 'retained message not delivered');
    await pub.publishAsync(topic, '', { qos: 1, retain: true });  // clears it
    const later = await connect({ protocolVersion: 4 });
    let stray = null;
    later.on('message', (t, p) => { stray = p.toString(); });
    await later.subscribeAsync(topic, { qos: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stray === null, `a cleared retained message was delivered: "${stray}"`);
    await end(pub, late, later);
}

async function v5Properties() {
    const topic = `${run}/v5/props`;
    const sub = await connect({ protocolVersion: 5 });
    await sub.subscribeAsync(topic, { qos: 1 });
    const pub = await connect({ protocolVersion: 5 });
    const sent = {
        contentType: 'text/plain',
        responseTopic: `${run}/v5/reply`,
        correlationData: Buffer.from([1, 2, 3, 4]),
        payloadFormatIndicator: true,
        userProperties: { room: 'office', floor: '2' },
    };
    const got = nextMessage(sub, 'a 5.0 PUBLISH with properties');
    await pub.publishAsync(topic, 'ON', { qos: 1, properties: sent });
    const p = (await got).packet.properties || {};
    expect(p.contentType === sent.contentType, `content type ${p.contentType}`);
    expect(p.responseTopic === sent.responseTopic, `response topic ${p.responseTopic}`);
    expect(Buffer.compare(p.correlationData || Buffer.alloc(0), sent.correlationData) === 0,
        'correlation data changed');
    expect(p.payloadFormatIndicator === true, 'payload format indicator lost');
    const u = p.userProperties || {};
    expect(u.room === 'office' && u.floor === '2', `user properties ${JSON.stringify(u)}`);
    await end(sub, pub);
}

(async () => {
    const checks = [
        ['seed scenario, MQTT 3.1.1', () => seed(4)],
        ['seed scenario, MQTT 5.0', () => seed(5)],
        ['QoS 2 and wildcards', qos2AndWildcards],
        ['retained set and clear', retained],
        ['5.0 properties passed through', v5Properties],
    ];
    for (const [name, check] of checks) {
        try {
            await within(10000, name, check());
            console.log(`ok: ${name}`);
        } catch (e) {
            console.log(`FAILED: ${name}: ${e.message}`);
            process.exit(1);
        }
    }
    process.exit(0);
})();
