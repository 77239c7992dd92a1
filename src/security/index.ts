export {
  SecurityProfile,
  SECURITY_PROFILES,
  isSecurityProfile,
  securityProfileRequirements,
  checkClientSecurity,
  checkServerSecurity,
  checkClientCertificate,
} from "./security-profile.js";
export type {
  SecurityProfileRequirements,
  ClientSecurityOptions,
  ServerSecurityOptions,
} from "./security-profile.js";
export type { TLSOptions, PemInput } from "./tls-options.js";
export {
  buildServerTlsOptions,
  buildClientTlsOptions,
  DEFAULT_MIN_TLS_VERSION,
} from "./build-tls-options.js";
export type { ClientTlsOptions } from "./build-tls-options.js";
export { encodeBasicAuth, parseBasicAuthPassword, safeEqual } from "./basic-auth.js";
export { describePeerCertificate } from "./client-certificate.js";
export type { ClientCertificateInfo } from "./client-certificate.js";
export { createIpAllowList } from "./ip-allow-list.js";
export type { IpAllowList } from "./ip-allow-list.js";
