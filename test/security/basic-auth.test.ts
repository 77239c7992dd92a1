import { describe, expect, it } from "vitest";
import { encodeBasicAuth, parseBasicAuthPassword, safeEqual } from "../../src/security/index.js";

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");

describe("encodeBasicAuth", () => {
  it("encodes identity:password as base64 after the Basic scheme", () => {
    expect(encodeBasicAuth("CP001", "my-secret-password")).toBe(
      "Basic " + b64("CP001:my-secret-password"),
    );
  });

  it("sends a string password as UTF-8", () => {
    expect(encodeBasicAuth("CP001", "pässwörd")).toBe(
      "Basic " + Buffer.from("CP001:pässwörd", "utf8").toString("base64"),
    );
  });

  it("sends a Buffer password byte for byte", () => {
    const password = Buffer.from([0x00, 0xff, 0x3a, 0x80]);
    const decoded = Buffer.from(encodeBasicAuth("CP001", password).slice(6), "base64");
    expect(decoded).toEqual(Buffer.concat([Buffer.from("CP001:"), password]));
  });
});

describe("parseBasicAuthPassword", () => {
  it("round-trips an identity and a password that both contain colons", () => {
    const header = encodeBasicAuth("this:is:ok", "as:is:this");
    expect(parseBasicAuthPassword(header, "this:is:ok")?.toString("utf8")).toBe("as:is:this");
  });

  it("round-trips a binary password", () => {
    const password = Buffer.from([0, 1, 2, 0x3a, 0xfe, 0xff, 0x0a, 0x0d, 0x80, 0x3a]);
    const parsed = parseBasicAuthPassword(encodeBasicAuth("CP001", password), "CP001");
    expect(parsed).toEqual(password);
  });

  it("round-trips non-ASCII identities and passwords as UTF-8", () => {
    const header = encodeBasicAuth("Ladestation-Ä1", "sécret");
    expect(parseBasicAuthPassword(header, "Ladestation-Ä1")?.toString("utf8")).toBe("sécret");
  });

  it("returns an empty password when only the identity and the colon were sent", () => {
    expect(parseBasicAuthPassword("Basic " + b64("CP001:"), "CP001")).toEqual(Buffer.alloc(0));
  });

  it("returns undefined when the username is not the identity", () => {
    const header = encodeBasicAuth("CP001", "secret");
    expect(parseBasicAuthPassword(header, "CP002")).toBeUndefined();
    // A prefix of the identity is not the identity.
    expect(parseBasicAuthPassword(header, "CP00")).toBeUndefined();
    expect(parseBasicAuthPassword(header, "CP001:secret")).toBeUndefined();
  });

  it("takes everything after the known identity and its colon as the password", () => {
    // The same bytes read against another identity give another split; the identity comes
    // from the URL, so the server always knows which split is meant.
    const header = encodeBasicAuth("this:is:ok", "as:is:this");
    expect(parseBasicAuthPassword(header, "this")?.toString()).toBe("is:ok:as:is:this");
    expect(parseBasicAuthPassword(header, "this:is:ok:as")?.toString()).toBe("is:this");
  });

  it("returns undefined when the decoded value has no colon after the identity", () => {
    expect(parseBasicAuthPassword("Basic " + b64("CP001"), "CP001")).toBeUndefined();
    expect(parseBasicAuthPassword("Basic " + b64("CP001secret"), "CP001")).toBeUndefined();
  });

  it("accepts the scheme in any case and surrounding whitespace", () => {
    const creds = b64("CP001:secret");
    for (const header of [
      `basic ${creds}`,
      `BASIC ${creds}`,
      `bAsIc ${creds}`,
      `  Basic   ${creds}  `,
      `Basic\t${creds}`,
    ]) {
      expect(parseBasicAuthPassword(header, "CP001")?.toString(), header).toBe("secret");
    }
  });

  it("accepts base64 without padding and the URL-safe alphabet", () => {
    const creds = b64("CP001:secret?>"); // "Q1AwMDE6c2VjcmV0Pz4=" has padding and no +/
    expect(creds.endsWith("=")).toBe(true);
    expect(parseBasicAuthPassword(`Basic ${creds.replace(/=+$/, "")}`, "CP001")?.toString()).toBe(
      "secret?>",
    );
    const binary = Buffer.from([0xfb, 0xff, 0xbf]); // base64 "+/+/"
    const header = encodeBasicAuth("A", binary);
    const urlSafe = header.replaceAll("+", "-").replaceAll("/", "_");
    expect(urlSafe).not.toBe(header);
    expect(parseBasicAuthPassword(urlSafe, "A")).toEqual(binary);
  });

  it.each([
    ["a missing header", undefined],
    ["an empty header", ""],
    ["the scheme alone", "Basic"],
    ["the scheme and a space", "Basic "],
    ["another scheme", `Bearer ${b64("CP001:secret")}`],
    ["no space after the scheme", `Basic${b64("CP001:secret")}`],
    ["characters outside base64", "Basic CP001:secret"],
    ["garbage", "Basic !!!!"],
    ["a 4n+1-character body", "Basic QUJDR"],
    ["too much padding", "Basic QQ==="],
    ["padding in the middle", "Basic QQ==QUJD"],
    ["padding that does not complete a group", "Basic QUJDRA="],
    ["two credentials", `Basic ${b64("CP001:a")} ${b64("CP001:b")}`],
    ["binary junk", "\u0000\uffff"],
  ])("returns undefined for %s", (_what, header) => {
    expect(parseBasicAuthPassword(header, "CP001")).toBeUndefined();
  });

  it("never throws, whatever it is given", () => {
    const inputs: unknown[] = [null, 42, {}, ["Basic x"], Symbol("x"), "Basic " + "A".repeat(1e5)];
    for (const input of inputs) {
      expect(() => parseBasicAuthPassword(input as string, "CP001")).not.toThrow();
      expect(parseBasicAuthPassword(input as string, "CP001")).toBeUndefined();
    }
    expect(parseBasicAuthPassword(encodeBasicAuth("a", "b"), undefined as unknown as string)).toBe(
      undefined,
    );
  });
});

describe("safeEqual", () => {
  it("is true for equal secrets, as strings, Buffers or a mix", () => {
    expect(safeEqual("hunter2", "hunter2")).toBe(true);
    expect(safeEqual(Buffer.from("hunter2"), "hunter2")).toBe(true);
    expect(safeEqual("hunter2", Buffer.from("hunter2"))).toBe(true);
    expect(safeEqual(Buffer.from([0, 255]), Buffer.from([0, 255]))).toBe(true);
    expect(safeEqual("", "")).toBe(true);
  });

  it("is false for different secrets of the same length", () => {
    expect(safeEqual("hunter2", "hunter3")).toBe(false);
    expect(safeEqual(Buffer.from([0, 255]), Buffer.from([0, 254]))).toBe(false);
  });

  it("is false for secrets of different lengths, without throwing", () => {
    expect(safeEqual("hunter2", "hunter22")).toBe(false);
    expect(safeEqual("", "x")).toBe(false);
    expect(safeEqual(Buffer.alloc(64), Buffer.alloc(65))).toBe(false);
  });

  it("is false when no password was sent", () => {
    expect(safeEqual(undefined, "hunter2")).toBe(false);
    expect(safeEqual(undefined, "")).toBe(false);
  });

  it("compares strings as UTF-8", () => {
    expect(safeEqual(Buffer.from("pässwörd", "utf8"), "pässwörd")).toBe(true);
    expect(safeEqual(Buffer.from("pässwörd", "latin1"), "pässwörd")).toBe(false);
  });

  it("checks a parsed Basic-auth password", () => {
    const password = parseBasicAuthPassword(
      encodeBasicAuth("this:is:ok", "as:is:this"),
      "this:is:ok",
    );
    expect(safeEqual(password, "as:is:this")).toBe(true);
    expect(safeEqual(password, "as:is")).toBe(false);
  });
});
