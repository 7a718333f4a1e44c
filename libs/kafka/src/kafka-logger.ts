import { Logger } from '@nestjs/common';
import { logLevel, type LogEntry } from 'kafkajs';

/** Routes kafkajs' own log lines into the service's logger, so there is one log stream. */
export function nestLogCreator() {
  return () => {
    const logger = new Logger('kafkajs');
    return ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const line = `${message} ${JSON.stringify(extra)}`;
      // A rebalance is routine (an instance joined or left); kafkajs reports it as an error.
      if (String(extra['error'] ?? '').includes('rebalancing')) return logger.log(line);
      switch (level) {
        case logLevel.ERROR:
          return logger.error(line);
        case logLevel.WARN:
          return logger.warn(line);
        case logLevel.INFO:
          return logger.log(line);
        default:
          return logger.debug(line);
      }
    };
  };
}
