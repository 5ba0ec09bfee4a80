/** The HTTP plumbing the Confluence, Jira and Drive stand-ins share. */
export { basicAuthorised, bearerToken } from './auth.js';
export { failureReply, Scripts, type RequestKey, type RequestMatch } from './faults.js';
export { jsonBody, retryAfter, sendReply, type Reply, type ReplyStyle } from './reply.js';
export { Router } from './router.js';
export { startServer, type Exchange, type StandInServer } from './server.js';
