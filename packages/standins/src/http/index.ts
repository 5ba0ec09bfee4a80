/** The HTTP plumbing the Confluence, Jira and Drive stand-ins share. */
export { basicAuthorised, bearerToken, type BasicCredentials } from './auth.js';
export { failureReply, matchesRequest, Scripts, type InjectedFailure, type RequestKey, type RequestMatch } from './faults.js';
export { jsonBody, retryAfter, sendReply, type JsonBody, type Reply, type ReplyStyle } from './reply.js';
export { Router, type Handler, type Params } from './router.js';
export { readBody, startServer, type Exchange, type ServerOptions, type StandInServer } from './server.js';
