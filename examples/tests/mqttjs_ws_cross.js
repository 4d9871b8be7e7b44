#!/usr/bin/env node
// One leg of the TCP <-> WebSocket crossing in broker_websocket.py: MQTT.js connects to URL
// (ws://...), subscribes to IN, prints "ready", waits for one message there, prints it and
// publishes "echo:<message>" to OUT (QoS 1), then exits 0. Every wait is bounded (10 s).
//
//   NODE_PATH=<dir with node_modules/mqtt> node mqttjs_ws_cross.js URL IN OUT
'use strict';

let mqtt;
try {
    mqtt = require('mqtt');
} catch (e) {
    console.error('MQTT.js is missing: npm install --prefix DIR mqtt, then NODE_PATH=DIR/node_modules');
    process.exit(2);
}
const [url, topicIn, topicOut] = process.argv.slice(2);
if (!topicOut) {
    console.error('usage: mqttjs_ws_cross.js URL IN OUT');
    process.exit(64);
}
setTimeout(() => {
    console.error('timed out');
    process.exit(1);
}, 10000);
const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 3000, protocolVersion: 4 });
client.on('error', (e) => {
    console.error(`error: ${e.message}`);
    process.exit(1);
});
client.on('connect', async () => {
    client.on('message', async (topic, payload) => {
        console.log(`got ${topic} ${payload}`);
        await client.publishAsync(topicOut, `echo:${payload}`, { qos: 1 });
        client.end(false, {}, () => process.exit(0));
    });
    await client.subscribeAsync(topicIn, { qos: 1 });
    console.log('ready');
});
