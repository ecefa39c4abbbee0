import { leads } from './leads';

export const server = { leads };
