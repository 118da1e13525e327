// A git host on loopback for journeys that build Environments from a remote
// repository behind a token (see runner/src/testing/git-http-server.ts). The
// stack's runner must allow its host: pass ORRERY_GIT_HOSTS=127.0.0.1.
export {
  startGitHttpServer,
  type GitHttpRequest,
  type GitHttpServer,
  type GitHttpServerOptions,
} from '@orrery/runner/testing/git-http-server';
