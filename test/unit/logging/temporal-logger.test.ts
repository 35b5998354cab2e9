import pino from 'pino';
import { temporalLogger } from '../../../src/logging/temporal-logger';

function memory(level = 'info') {
  const lines: Record<string, any>[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('temporalLogger(pino)', () => {
  test("an activity's line keeps the SDK's attributes as fields, workflowId among them", () => {
    const { logger, lines } = memory();
    temporalLogger(logger).warn('Activity failed', {
      sdkComponent: 'worker',
      workflowId: 'demo:evt_1',
      activityType: 'runAction',
      attempt: 2,
      taskToken: 'Cg...secret',
      error: new Error('boom'),
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, msg: 'Activity failed', workflowId: 'demo:evt_1', activityType: 'runAction', attempt: 2 });
    expect(lines[0].err).toMatchObject({ type: 'Error', message: 'boom' });
    expect(lines[0]).not.toHaveProperty('taskToken');
    expect(lines[0]).not.toHaveProperty('error');
  });

  test('log(level, ...) maps each Temporal level to pino, whose level filters', () => {
    const { logger, lines } = memory('debug');
    const log = temporalLogger(logger);
    log.log('TRACE', 'hidden');
    log.log('DEBUG', 'd');
    log.log('INFO', 'i');
    log.log('WARN', 'w');
    log.log('ERROR', 'e');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [20, 'd'],
      [30, 'i'],
      [40, 'w'],
      [50, 'e'],
    ]);
  });
});
