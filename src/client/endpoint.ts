/**
 * The connection URL: endpoint + "/" + the percent-encoded identity (J16 §3.1.1, 2.x Part 4
 * §3.1.1: "RDAM 123" → "RDAM%20123"), plus `query`. An endpoint's own path and query stay.
 */
export function buildConnectionUrl(
  endpoint: string,
  identity: string,
  query?: Record<string, string> | string,
): string {
  const url = new URL(endpoint);
  const base = url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`;
  url.pathname = base + encodeURIComponent(identity);
  if (query !== undefined) {
    const extra = new URLSearchParams(query);
    for (const [key, value] of extra) url.searchParams.append(key, value);
  }
  return url.toString();
}
