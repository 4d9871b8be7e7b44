#!/usr/bin/env node
// Generates interop vectors with the npm package mqtt-packet (an independent MQTT codec): every
// packet type for protocol levels 3 (3.1, MQIsdp), 4 (3.1.1) and 5 (5.0), with as many fields
// and properties as each allows, plus a few streams of several packets.
//
// Writes into OUT_DIR (default: mqtt_packet/ beside this script):
//   <name>.hex      the bytes mqtt-packet generated, as hex, with a comment header
//   vectors.json    for each file: the mqttwire-decode arguments, and per packet the fields
//                   mqttwire-decode must print (in its JSON vocabulary, mapped here from the
//                   object given to mqtt-packet), or the error it must print for the vectors
//                   that mqtt-packet can produce but the specification forbids.
//
// The outputs are committed, so CI needs neither node nor npm. To regenerate:
//   npm install --prefix /tmp/mp mqtt-packet@9
//   NODE_PATH=/tmp/mp/node_modules node examples/tests/interop/gen_mqtt_packet.js
// check_interop.py then checks mqttwire-decode against vectors.json.
'use strict'

const fs = require('fs')
const path = require('path')
const mqtt = require('mqtt-packet')

const outDir = process.argv[2] || path.join(__dirname, 'mqtt_packet')
const mqttPacketVersion = require('mqtt-packet/package.json').version

// ---------------------------------------------------------------------------------------------
// Mapping from mqtt-packet's objects to mqttwire-decode's JSON fields
// ---------------------------------------------------------------------------------------------

const hex = (b) => Buffer.from(b).toString('hex')

// mqtt-packet property name -> [mqttwire property name, value mapper]
const propertyMap = {
  payloadFormatIndicator: ['payload_format_indicator', (v) => (v ? 1 : 0)],
  messageExpiryInterval: ['message_expiry_interval', (v) => v],
  contentType: ['content_type', (v) => v],
  responseTopic: ['response_topic', (v) => v],
  correlationData: ['correlation_data', hex],
  subscriptionIdentifier: ['subscription_identifier', (v) => (Array.isArray(v) ? v : [v])],
  sessionExpiryInterval: ['session_expiry_interval', (v) => v],
  assignedClientIdentifier: ['assigned_client_identifier', (v) => v],
  serverKeepAlive: ['server_keep_alive', (v) => v],
  authenticationMethod: ['authentication_method', (v) => v],
  authenticationData: ['authentication_data', hex],
  requestProblemInformation: ['request_problem_information', (v) => v],
  willDelayInterval: ['will_delay_interval', (v) => v],
  requestResponseInformation: ['request_response_information', (v) => v],
  responseInformation: ['response_information', (v) => v],
  serverReference: ['server_reference', (v) => v],
  reasonString: ['reason_string', (v) => v],
  receiveMaximum: ['receive_maximum', (v) => v],
  topicAliasMaximum: ['topic_alias_maximum', (v) => v],
  topicAlias: ['topic_alias', (v) => v],
  maximumQoS: ['maximum_qos', (v) => v],
  retainAvailable: ['retain_available', (v) => v],
  userProperties: ['user_property', userPropertyPairs],
  maximumPacketSize: ['maximum_packet_size', (v) => v],
  wildcardSubscriptionAvailable: ['wildcard_subscription_available', (v) => v],
  subscriptionIdentifiersAvailable: ['subscription_identifier_available', (v) => v],
  sharedSubscriptionAvailable: ['shared_subscription_available', (v) => v]
}

// mqtt-packet writes an object's keys in insertion order, an array value as repeated pairs.
function userPropertyPairs (obj) {
  const pairs = []
  for (const name of Object.getOwnPropertyNames(obj)) {
    const values = Array.isArray(obj[name]) ? obj[name] : [obj[name]]
    for (const value of values) pairs.push([name, String(value)])
  }
  return pairs
}

function mapProperties (props) {
  const out = {}
  for (const [name, value] of Object.entries(props || {})) {
    const [ours, map] = propertyMap[name]
    out[ours] = map(value)
  }
  return out
}

function expectConnect (p) {
  const e = {
    type: 'CONNECT',
    protocol_version: p.protocolVersion,
    clean_start: p.clean !== false,
    keep_alive: p.keepalive || 0,
    client_id: p.clientId || ''
  }
  if (p.protocolVersion === 5) e.properties = mapProperties(p.properties)
  if (p.will) {
    e.will = {
      topic: p.will.topic,
      payload: hex(p.will.payload || ''),
      qos: p.will.qos || 0,
      retain: !!p.will.retain
    }
    if (p.protocolVersion === 5) e.will.properties = mapProperties(p.will.properties)
  }
  if (p.username != null) e.user_name = p.username
  if (p.password != null) e.password = hex(p.password)
  return e
}

function expect (p, version) {
  const v5 = version === 5
  const withProps = (e) => (v5 ? Object.assign(e, { properties: mapProperties(p.properties) }) : e)
  switch (p.cmd) {
    case 'connect':
      return expectConnect(p)
    case 'connack':
      return v5
        ? withProps({ type: 'CONNACK', session_present: !!p.sessionPresent, reason_code: p.reasonCode })
        : { type: 'CONNACK', session_present: !!p.sessionPresent, return_code: p.returnCode }
    case 'publish': {
      const e = { type: 'PUBLISH', topic_name: p.topic, qos: p.qos || 0, dup: !!p.dup, retain: !!p.retain }
      if (e.qos > 0) e.packet_id = p.messageId
      withProps(e)
      e.payload = hex(p.payload || '')
      // A payload given as a string is text: mqttwire-decode shows it as payload_text too.
      if (typeof (p.payload || '') === 'string') e.payload_text = p.payload || ''
      return e
    }
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp': {
      const e = { type: p.cmd.toUpperCase(), packet_id: p.messageId }
      if (v5) e.reason_code = p.reasonCode || 0
      return withProps(e)
    }
    case 'subscribe':
      return withProps({
        type: 'SUBSCRIBE',
        packet_id: p.messageId,
        subscriptions: p.subscriptions.map((s) => {
          const e = { topic_filter: s.topic, qos: s.qos }
          if (v5) Object.assign(e, { no_local: !!s.nl, retain_as_published: !!s.rap, retain_handling: s.rh || 0 })
          return e
        })
      })
    case 'suback':
      return withProps({ type: 'SUBACK', packet_id: p.messageId, reason_codes: p.granted })
    case 'unsubscribe':
      return withProps({ type: 'UNSUBSCRIBE', packet_id: p.messageId, topic_filters: p.unsubscriptions })
    case 'unsuback':
      return v5
        ? withProps({ type: 'UNSUBACK', packet_id: p.messageId, reason_codes: p.granted })
        : { type: 'UNSUBACK', packet_id: p.messageId }
    case 'pingreq':
    case 'pingresp':
      return { type: p.cmd.toUpperCase() }
    case 'disconnect':
    case 'auth':
      return v5 ? withProps({ type: p.cmd.toUpperCase(), reason_code: p.reasonCode || 0 }) : { type: 'DISCONNECT' }
  }
  throw new Error('no mapping for ' + p.cmd)
}

// ---------------------------------------------------------------------------------------------
// The packets
// ---------------------------------------------------------------------------------------------

const bigPayload = Buffer.alloc(20000, 0).map((_, i) => i & 0xff) // 3-byte Remaining Length

function connectPackets (v) {
  const protocolId = v === 3 ? 'MQIsdp' : 'MQTT'
  const base = { cmd: 'connect', protocolId, protocolVersion: v }
  const list = [
    ['connect_minimal', { ...base, clientId: 'c1' }],
    ['connect_full', {
      ...base,
      clientId: 'mqttwire-interop',
      clean: false,
      keepalive: 65535,
      username: 'user \u00e9\u4e2d\ud83d\ude00',
      password: Buffer.from([0x00, 0xff, 0x70, 0x77]),
      will: {
        topic: 'devices/42/status',
        payload: Buffer.from('offline\u0000\u00ff'),
        qos: 1,
        retain: true,
        properties: v === 5
          ? {
              willDelayInterval: 30,
              payloadFormatIndicator: true,
              messageExpiryInterval: 3600,
              contentType: 'text/plain',
              responseTopic: 'devices/42/reply',
              correlationData: Buffer.from([1, 2, 3, 4]),
              userProperties: { origin: 'will', k: ['v1', 'v2'] }
            }
          : undefined
      },
      properties: v === 5
        ? {
            sessionExpiryInterval: 4294967295,
            receiveMaximum: 20,
            maximumPacketSize: 1048576,
            topicAliasMaximum: 10,
            requestResponseInformation: true,
            requestProblemInformation: false,
            userProperties: { a: '1', b: ['2', '3'], '\u00fc': 'quote"back\\slash' },
            authenticationMethod: 'SCRAM-SHA-1',
            authenticationData: Buffer.from('client-first')
          }
        : undefined
    }],
    ['connect_will_qos2', {
      ...base,
      clientId: 'w2',
      will: { topic: 'w/t', payload: Buffer.alloc(0), qos: 2, retain: false }
    }]
  ]
  if (v !== 3) list.push(['connect_empty_client_id', { ...base, clientId: '', clean: true, keepalive: 10 }])
  return list
}

function clientPackets (v) {
  const v5 = v === 5
  const list = [
    ['publish_qos0', { cmd: 'publish', topic: 'smarthome/lights/office', payload: 'ON', qos: 0 }],
    ['publish_qos1_retain', { cmd: 'publish', topic: 'a/b', payload: Buffer.from([0, 1, 2, 0xfe, 0xff]), qos: 1, retain: true, messageId: 1 }],
    ['publish_qos2_dup', { cmd: 'publish', topic: 'caf\u00e9/\u4e2d/\ud83d\ude00', payload: '', qos: 2, dup: true, messageId: 65535 }],
    ['publish_large', { cmd: 'publish', topic: 'big', payload: bigPayload, qos: 1, messageId: 300 }],
    ['subscribe', {
      cmd: 'subscribe',
      messageId: 7,
      subscriptions: [
        { topic: 'sensors/+/temperature', qos: 0 },
        { topic: 'alerts/#', qos: 1, nl: v5, rap: v5, rh: v5 ? 1 : 0 },
        { topic: '#', qos: 2, rh: v5 ? 2 : 0 },
        ...(v5 ? [{ topic: '$share/group/jobs/+', qos: 1 }] : [])
      ],
      properties: v5 ? { subscriptionIdentifier: 268435455, userProperties: { s: 'x' } } : undefined
    }],
    ['unsubscribe', {
      cmd: 'unsubscribe',
      messageId: 8,
      unsubscriptions: ['sensors/+/temperature', 'alerts/#'],
      properties: v5 ? { userProperties: { why: 'done' } } : undefined
    }],
    ['puback', { cmd: 'puback', messageId: 2 }],
    ['pubrec', { cmd: 'pubrec', messageId: 3 }],
    ['pubrel', { cmd: 'pubrel', messageId: 4 }],
    ['pubcomp', { cmd: 'pubcomp', messageId: 5 }],
    ['pingreq', { cmd: 'pingreq' }],
    ['disconnect', { cmd: 'disconnect' }]
  ]
  if (v5) {
    list.push(
      ['publish_props', {
        cmd: 'publish',
        topic: 'props/topic',
        payload: '{"t":21.5}',
        qos: 1,
        messageId: 9,
        properties: {
          payloadFormatIndicator: true,
          messageExpiryInterval: 120,
          topicAlias: 3,
          responseTopic: 'props/reply',
          correlationData: Buffer.from('corr-1'),
          userProperties: { first: '1', second: ['2', '2'], first2: '' },
          contentType: 'application/json'
        }
      }],
      ['publish_topic_alias_only', { cmd: 'publish', topic: '', payload: 'x', qos: 0, properties: { topicAlias: 65535 } }],
      ['puback_reason', { cmd: 'puback', messageId: 10, reasonCode: 0x10 }],
      ['puback_props', { cmd: 'puback', messageId: 11, reasonCode: 0x99, properties: { reasonString: 'bad payload', userProperties: { a: 'b' } } }],
      ['pubrec_reason', { cmd: 'pubrec', messageId: 12, reasonCode: 0x91, properties: { reasonString: 'in use' } }],
      ['pubrel_not_found', { cmd: 'pubrel', messageId: 13, reasonCode: 0x92 }],
      ['pubcomp_props', { cmd: 'pubcomp', messageId: 14, reasonCode: 0, properties: { userProperties: { c: 'd' } } }],
      ['disconnect_with_will', {
        cmd: 'disconnect',
        reasonCode: 0x04,
        properties: { sessionExpiryInterval: 0, reasonString: 'bye', userProperties: { x: 'y' } }
      }],
      ['auth_continue', {
        cmd: 'auth',
        reasonCode: 0x18,
        properties: { authenticationMethod: 'SCRAM-SHA-1', authenticationData: Buffer.from([0xde, 0xad]), reasonString: 'step', userProperties: { n: '1' } }
      }],
      ['auth_reauthenticate', { cmd: 'auth', reasonCode: 0x19, properties: { authenticationMethod: 'TOKEN' } }]
    )
  }
  return list
}

function serverPackets (v) {
  const v5 = v === 5
  const list = [
    ['publish_qos1', { cmd: 'publish', topic: 'smarthome/lights/office', payload: 'ON', qos: 1, messageId: 1 }],
    ['puback', { cmd: 'puback', messageId: 1 }],
    ['pubrec', { cmd: 'pubrec', messageId: 2 }],
    ['pubrel', { cmd: 'pubrel', messageId: 2 }],
    ['pubcomp', { cmd: 'pubcomp', messageId: 2 }],
    ['suback', { cmd: 'suback', messageId: 7, granted: v5 ? [0, 1, 2, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2] : [0, 1, 2, 0x80] }],
    ['unsuback', { cmd: 'unsuback', messageId: 8, granted: v5 ? [0x00, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91] : undefined }],
    ['pingresp', { cmd: 'pingresp' }]
  ]
  if (v5) {
    list.push(
      ['connack_success', { cmd: 'connack', sessionPresent: false, reasonCode: 0 }],
      ['connack_full', {
        cmd: 'connack',
        sessionPresent: true,
        reasonCode: 0,
        properties: {
          sessionExpiryInterval: 7200,
          receiveMaximum: 100,
          maximumQoS: 1,
          retainAvailable: false,
          maximumPacketSize: 268435460,
          assignedClientIdentifier: 'auto-8f2c',
          topicAliasMaximum: 5,
          reasonString: 'welcome',
          userProperties: { broker: 'test', region: ['eu', 'us'] },
          wildcardSubscriptionAvailable: true,
          subscriptionIdentifiersAvailable: true,
          sharedSubscriptionAvailable: false,
          serverKeepAlive: 30,
          responseInformation: 'resp/',
          serverReference: 'other.example:1883',
          authenticationMethod: 'SCRAM-SHA-1',
          authenticationData: Buffer.from('server-final')
        }
      }],
      ['connack_not_authorized', { cmd: 'connack', sessionPresent: false, reasonCode: 0x87, properties: { reasonString: 'no' } }],
      ['connack_use_another_server', { cmd: 'connack', reasonCode: 0x9c, properties: { serverReference: 'b.example' } }],
      ['publish_subscription_ids', {
        cmd: 'publish',
        topic: 'sensors/1/temperature',
        payload: '21',
        qos: 2,
        messageId: 77,
        retain: true,
        properties: { subscriptionIdentifier: [1, 128, 16384, 268435455], messageExpiryInterval: 59 }
      }],
      ['suback_props', { cmd: 'suback', messageId: 9, granted: [1], properties: { reasonString: 'ok', userProperties: { q: 'r' } } }],
      ['unsuback_props', { cmd: 'unsuback', messageId: 10, granted: [0x11], properties: { reasonString: 'none' } }],
      ['puback_no_subscribers', { cmd: 'puback', messageId: 3, reasonCode: 0x10 }],
      ['disconnect_shutting_down', {
        cmd: 'disconnect',
        reasonCode: 0x8b,
        properties: { reasonString: 'maintenance', serverReference: 'backup.example', userProperties: { at: 'now' } }
      }],
      ['disconnect_normal', { cmd: 'disconnect', reasonCode: 0 }],
      ['auth_success', { cmd: 'auth', reasonCode: 0, properties: { authenticationMethod: 'SCRAM-SHA-1', authenticationData: Buffer.from('v=done') } }]
    )
  } else {
    for (let rc = 0; rc <= 5; ++rc) {
      list.push([`connack_return_code_${rc}`, { cmd: 'connack', sessionPresent: false, returnCode: rc }])
    }
    list.push(['connack_session_present', { cmd: 'connack', sessionPresent: true, returnCode: 0 }])
  }
  return list
}

// What mqtt-packet can generate but the specification forbids: each must be rejected.
function nonConforming () {
  return [
    {
      name: 'v4_connect_bridge_mode',
      version: 4,
      from: 'client',
      packet: { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'bridge', bridgeMode: true },
      why: 'Mosquitto bridge extension: protocol level 0x84 (bit 7 set); 3.1.1 MQTT-3.1.2-2 allows only 4',
      error: { error: 'protocol_version_unsupported', offset: 8, statement: 'MQTT-3.1.2-2' }
    }
  ]
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

function gen (packet, version) {
  return mqtt.generate(packet, { protocolVersion: version })
}

function hexText (buf) {
  const lines = []
  for (let i = 0; i < buf.length; i += 32) lines.push(buf.subarray(i, i + 32).toString('hex').replace(/(..)(?!$)/g, '$1 '))
  return lines.join('\n') + '\n'
}

function writeVector (name, header, bytes) {
  const file = name + '.hex'
  const text = header.map((l) => '# ' + l + '\n').join('') + hexText(bytes)
  fs.writeFileSync(path.join(outDir, file), text)
  return file
}

function describe (p) {
  return JSON.stringify(p, (k, v) => (v && v.type === 'Buffer' ? { hex: hex(v.data) } : v))
}

function main () {
  fs.mkdirSync(outDir, { recursive: true })
  for (const f of fs.readdirSync(outDir)) if (f.endsWith('.hex')) fs.unlinkSync(path.join(outDir, f))
  const vectors = []
  const add = (name, version, from, packets, args) => {
    const bytes = Buffer.concat(packets.map((p) => gen(p, version)))
    const header = [`generated by mqtt-packet ${mqttPacketVersion}, protocolVersion ${version}, sent by the ${from}`]
    if (packets.length === 1 && bytes.length <= 512) header.push(describe(packets[0]))
    const file = writeVector(name, header, bytes)
    vectors.push({ file, args, packets: packets.map((p) => expect(p, version)) })
  }

  for (const version of [3, 4, 5]) {
    const vArgs = ['--version', String(version)]
    for (const [name, p] of connectPackets(version)) add(`v${version}_client_${name}`, version, 'client', [p], [])
    for (const [name, p] of clientPackets(version)) add(`v${version}_client_${name}`, version, 'client', [p], vArgs)
    for (const [name, p] of serverPackets(version)) add(`v${version}_server_${name}`, version, 'server', [p], [...vArgs, '--from', 'server'])

    // A whole client session: the level comes from the CONNECT, as in a capture.
    const connect = connectPackets(version)[1][1]
    const session = [connect, ...clientPackets(version).map(([, p]) => p)]
    add(`v${version}_client_stream`, version, 'client', session, [])
  }

  for (const bad of nonConforming()) {
    const bytes = gen(bad.packet, bad.version)
    const header = [`generated by mqtt-packet ${mqttPacketVersion}; NOT conforming: ${bad.why}`, describe(bad.packet)]
    const file = writeVector(bad.name, header, bytes)
    const args = ['--version', String(bad.version), '--from', bad.from]
    vectors.push({ file, args, rejected: bad.error, why: bad.why })
  }

  const description = {
    generator: `mqtt-packet ${mqttPacketVersion} (npm), examples/tests/interop/gen_mqtt_packet.js`,
    vectors
  }
  fs.writeFileSync(path.join(outDir, 'vectors.json'), JSON.stringify(description, null, 1) + '\n')
  console.log(`${vectors.length} vectors in ${outDir}`)
}

main()
