import { account } from './account';
import { auth } from './auth';
import { billing } from './billing';
import { coach } from './coach';
import { comments } from './comments';
import { leads } from './leads';
import { newsletter } from './newsletter';
import { reviews } from './reviews';
import { sequence } from './sequence';
import { tracker } from './tracker';

export const server = { account, auth, billing, coach, comments, leads, newsletter, reviews, sequence, tracker };
