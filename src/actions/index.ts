import { account } from './account';
import { auth } from './auth';
import { leads } from './leads';

export const server = { account, auth, leads };
