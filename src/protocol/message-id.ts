/** OCPP-J message ids are strings of at most 36 characters (J16 §4.1.4, 2.x Part 4 §4.1.4). */
export const MAX_MESSAGE_ID_LENGTH = 36;

const PREFIX_LENGTH = 14;

function randomPrefix(): string {
  // getRandomValues exists in Node >= 20 and in every browser context (randomUUID needs a
  // secure context), so ids can be made the same way everywhere.
  const bytes = new Uint8Array(PREFIX_LENGTH);
  globalThis.crypto.getRandomValues(bytes);
  let out = "";
  for (const b of bytes) out += (b % 36).toString(36);
  return out;
}

/**
 * Makes message ids unique per sender: a random prefix per generator plus a counter.
 * OCPP 2.1 wants ids unique across every connection of a station identity (Part 4 §4.1.4);
 * a fresh 14-character random prefix per connection gives that without a UUID per message.
 * The longest id is 14 + 1 + 11 (2^53 in base 36) = 26 characters.
 */
export class MessageIdGenerator {
  // Made on first use: most server-side connections never send a CALL of their own.
  private prefix: string | undefined;
  private counter = 0;

  next(): string {
    this.prefix ??= randomPrefix() + "-";
    return this.prefix + (++this.counter).toString(36);
  }

  /** Starts a new random prefix (called per connection). */
  reset(): void {
    this.prefix = undefined;
    this.counter = 0;
  }
}
