import type { ResolvedLogging } from "./logging-config.js";

/** The readable renderings' options (prettify on Node, the console in a browser). */
type FormatOptions = Pick<ResolvedLogging, "prettifySource" | "prettifyMetadata">;

const SOURCE_KEYS = new Set(["component", "identity"]);

function pairValue(value: unknown): string {
  if (typeof value === "string") {
    return value === "" || /\s|=|"/.test(value) ? JSON.stringify(value) : value;
  }
  if (value instanceof Error) return JSON.stringify(value.message);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * One readable line for `fields` (the object a line carries) and `message`: with
 * `prettifySource`, a `[OCPPServer/CP-1]` tag in front; with `prettifyMetadata`, the fields as
 * `key=value` pairs after. Returns the text and the fields left to show as an object.
 */
export function formatLine(
  fields: Record<string, unknown>,
  message: string,
  options: FormatOptions,
): { text: string; rest: Record<string, unknown> | undefined } {
  let text = message;
  const rest: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) {
    if (!(options.prettifySource && SOURCE_KEYS.has(key))) rest[key] = fields[key];
  }
  if (options.prettifySource && typeof fields.component === "string") {
    const tag =
      fields.identity === undefined
        ? fields.component
        : `${fields.component}/${pairValue(fields.identity)}`;
    text = `[${tag}] ${text}`;
  }
  const keys = Object.keys(rest);
  if (keys.length === 0) return { text, rest: undefined };
  if (!options.prettifyMetadata) return { text, rest };
  return {
    text: `${text} ${keys.map((k) => `${k}=${pairValue(rest[k])}`).join(" ")}`,
    rest: undefined,
  };
}
