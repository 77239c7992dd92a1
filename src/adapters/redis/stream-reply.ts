/** One stream entry of an XREAD reply: its id and the messages of its `m`, `m1`, ... fields. */
export interface StreamEntry {
  id: string;
  messages: string[];
}

/** `m`, `m1`, `m2`, ...: the fields an entry carries messages in (see Outbox). */
const MESSAGE_FIELD = /^m\d*$/;

function pairs(value: unknown): Array<[unknown, unknown]> {
  if (value instanceof Map) return [...(value.entries() as Iterable<[unknown, unknown]>)];
  if (Array.isArray(value)) return value as Array<[unknown, unknown]>;
  if (value && typeof value === "object") return Object.entries(value);
  return [];
}

/** [key, entries] per stream, from any of the three reply shapes. */
function streams(reply: unknown): Array<[unknown, unknown]> {
  if (Array.isArray(reply) && reply.length > 0 && !Array.isArray(reply[0])) {
    const out: Array<[unknown, unknown]> = [];
    for (let i = 0; i + 1 < reply.length; i += 2) out.push([reply[i], reply[i + 1]]);
    return out;
  }
  return pairs(reply);
}

function messages(fields: unknown): string[] {
  const out: string[] = [];
  const list = Array.isArray(fields) ? fields : pairs(fields).flat();
  for (let i = 0; i + 1 < list.length; i += 2) {
    if (MESSAGE_FIELD.test(String(list[i]))) out.push(String(list[i + 1]));
  }
  return out;
}

/**
 * The entries of one stream from a raw reply, in either shape: RESP2 arrays
 * (`[[key, [[id, [f, v]]]]]`) or RESP3 maps (`{ key: [[id, [f, v]]] }`, node-redis 6's
 * default) or RESP3 maps flattened to `[key, entries, ...]` (ioredis 6, which speaks RESP3
 * with legacy reply shapes), so the library's protocol choice does not matter.
 */
export function streamEntries(reply: unknown): StreamEntry[] {
  if (reply === null || reply === undefined) return [];
  const out: StreamEntry[] = [];
  for (const [, entries] of streams(reply)) {
    for (const entry of pairs(entries)) {
      const [id, fields] = entry;
      out.push({ id: String(id), messages: messages(fields) });
    }
  }
  return out;
}
