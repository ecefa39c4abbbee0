import { defineConfig } from 'drizzle-kit';
import { readConfig } from './src/lib/app/config.ts';

const { url, authToken } = readConfig(process.env).database;

export default defineConfig({
  dialect: 'turso',
  schema: './db/schema.ts',
  out: './db/migrations',
  dbCredentials: {
    url,
    ...(authToken ? { authToken } : {}),
  },
});
