import { account } from './account';
import { auth } from './auth';
import { leads } from './leads';
import { tracker } from './tracker';

export const server = { account, auth, leads, tracker };
