import { loadConfig } from '../src/config.js';
import { restore } from './backup-lib.js';

/** npm run restore -- <backup-folder>  (stop the server first). */
const config = loadConfig();
const from = process.argv[2];
if (!from) {
  console.error('usage: npm run restore -- <backup folder>');
  process.exit(2);
}
restore(config, from)
  .then(() => console.log(`restored ${from} into ${config.dataDir}${config.databaseUrl ? ' and DATABASE_URL' : ''}`))
  .catch((err) => {
    console.error(`restore failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
