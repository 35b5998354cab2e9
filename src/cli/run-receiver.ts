import { loadConfig } from '../config/load-config';
import { createLogger } from '../logging/logger';
import { startReceiver } from '../receiver/start-receiver';
import { createTemporalClient } from '../temporal/connect';

/** `hookflow receiver`: serve until SIGTERM/SIGINT, then finish in-flight requests and exit. */
export async function runReceiver(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger('hookflow-receiver');
  const temporal = createTemporalClient(config.temporal.address, config.temporal.namespace);
  const receiver = await startReceiver({ config, temporal, logger }, config.server.host, config.server.port);
  logger.info(
    { url: receiver.url, sources: [...config.sources.keys()], temporal: config.temporal.address },
    'receiver listening',
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'stopping: no new connections, finishing in-flight requests');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await receiver.close();
  await temporal.connection.close();
  logger.info('receiver stopped');
  return 0;
}
