// The names of the desktop IPC channels, free of any dependency so the
// sandboxed preload can check them without bundling the validators.

export const IPC_CHANNELS = [
  'credentials:load',
  'credentials:save',
  'credentials:clear',
  'storage:delete',
  'docs:load',
  'docs:append',
  'docs:replace',
  'docs:remove',
  'docs:names',
  'sessions:load',
  'sessions:save',
  'search:query',
  'attachments:get',
  'attachments:put',
  'view:get',
  'view:set',
  'view:delete',
  'app:open-external',
  'app:notify',
] as const;

export const IPC_EVENTS = ['app:open-session', 'app:new-session'] as const;
