import { account } from './account';
import { auth } from './auth';
import { comments } from './comments';
import { leads } from './leads';
import { tracker } from './tracker';

export const server = { account, auth, comments, leads, tracker };
