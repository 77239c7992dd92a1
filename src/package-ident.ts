import packageJson from "../package.json" with { type: "json" };

/** `"ocpp-ws-io/<version> (<platform>)"`, sent as the User-Agent and Server header. */
export function getPackageIdent(): string {
  const platform = typeof process !== "undefined" ? process.platform : "browser";
  return `${packageJson.name}/${packageJson.version} (${platform})`;
}
