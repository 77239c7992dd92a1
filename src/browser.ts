export { RpcEngine } from "./rpc/engine.js";
