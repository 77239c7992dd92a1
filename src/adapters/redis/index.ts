export { RedisAdapter, type RedisAdapterOptions } from "./redis-adapter.js";
export type { RedisLikeClient } from "./redis-client.js";
