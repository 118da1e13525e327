// How components reach the account's services. The composition root provides
// them; components never construct clients or documents themselves.
import { createContext, useContext } from 'react';
import type { User } from '@orrery/shared';
import type { AccountServices } from './account-services.js';

export interface AppServices extends AccountServices {
  signOut: () => Promise<void>;
  /** The server changed the signed-in user (e.g. their name): show and keep the new one. */
  updateUser: (user: User) => Promise<void>;
}

export const ServicesContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() must be used inside <ServicesContext.Provider>.');
  return services;
}
