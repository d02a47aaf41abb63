import { loadConfig } from '../src/config.js';
import { backup } from './backup-lib.js';

/** npm run backup [-- target-folder]  (default ./backups); safe while the server runs. */
const config = loadConfig();
const target = process.argv[2] ?? 'backups';
backup(config, target)
  .then((r) => console.log(`backup written to ${r.dir} (database ${r.database}, ${r.uploads} uploaded files)`))
  .catch((err) => {
    console.error(`backup failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
