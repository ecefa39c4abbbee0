import { account } from './account';
import { auth } from './auth';
import { billing } from './billing';
import { coach } from './coach';
import { comments } from './comments';
import { leads } from './leads';
import { reviews } from './reviews';
import { sequence } from './sequence';
import { tracker } from './tracker';

export const server = { account, auth, billing, coach, comments, leads, reviews, sequence, tracker };
